// The parser's token stream: ANTLR's CommonTokenStream over the
// hand-written scanner's tokens (FastTokenSource), filled once, with the
// three calls the parser makes per token (LT(1), LT(-1), consume) answered
// from the buffer directly. The runtime's versions sync with the token
// source and test each fetched token with dynamic_cast to number it; the
// scanner numbers its tokens itself. Everything else (seek, reset, get,
// getText) is CommonTokenStream's, which the error strategy relies on.
#pragma once

#include <string_view>

#include "antlr4-runtime.h"
#include "compiler/syntax/internal/fast_lexer.h"

namespace stave::syntax::internal {

class TokenBuffer : public antlr4::CommonTokenStream {
 public:
  // Scans `text`; the whole buffer, EOF included, is there at once.
  explicit TokenBuffer(std::string_view text) : CommonTokenStream(&source_), source_(text) {
    fill();
  }

  antlr4::Token* LT(ssize_t k) override {
    if (k == 1) return _tokens[_p].get();
    if (k == -1) return Before(_p);
    return CommonTokenStream::LT(k);
  }

  size_t LA(ssize_t i) override { return LT(i)->getType(); }

  void consume() override {
    if (_p + 1 >= _tokens.size()) return CommonTokenStream::consume();  // at EOF: it throws
    size_t i = _p + 1;
    // The next token on the parser's channel; EOF, the last, is on it.
    while (_tokens[i]->getChannel() != channel) ++i;
    _p = i;
  }

 protected:
  // The source's tokens come numbered (FastTokenSource).
  size_t fetch(size_t n) override {
    if (_fetchedEOF) return 0;
    for (size_t i = 0; i < n; ++i) {
      _tokens.push_back(_tokenSource->nextToken());
      if (_tokens.back()->getType() == antlr4::Token::EOF) {
        _fetchedEOF = true;
        return i + 1;
      }
    }
    return n;
  }

 private:
  // The last token on the parser's channel before index `i`, or nullptr.
  antlr4::Token* Before(size_t i) const {
    while (i > 0) {
      antlr4::Token* t = _tokens[--i].get();
      if (t->getChannel() == channel) return t;
    }
    return nullptr;
  }

  FastTokenSource source_;
};

}  // namespace stave::syntax::internal
