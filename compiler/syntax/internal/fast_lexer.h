// The parser's tokens from the hand-written scanner (scanner.h), for
// speed: ANTLR's generated lexer took a third of `stave check` (its ATN
// simulation runs per character). The grammar stays the one source of
// truth; a unit test requires both tokenizers to agree on every example,
// golden input and generated program.
#pragma once

#include <memory>
#include <string_view>
#include <vector>

#include "antlr4-runtime.h"

namespace stave::syntax::internal {

// Tokens of `text` (valid UTF-8) with code-point start/stop indices, lines
// and columns as ANTLR's lexer sets them, each numbered by its place in the
// result; no EOF token. `source` is stamped
// on each token (ANTLR's error recovery asks a token for its source).
std::vector<std::unique_ptr<antlr4::Token>> LexFast(std::string_view text,
                                                    antlr4::TokenSource* source = nullptr);

// Feeds LexFast's tokens, then EOF, to a CommonTokenStream, leaving out
// whitespace: WS is on the hidden channel, so the parser never sees it, and
// it was half of all tokens (each one allocated, fetched and cast). The
// tokens are numbered as the stream holds them, EOF last.
class FastTokenSource : public antlr4::TokenSource {
 public:
  explicit FastTokenSource(std::string_view text);
  std::unique_ptr<antlr4::Token> nextToken() override;
  size_t getLine() const override { return line_; }
  size_t getCharPositionInLine() override { return column_; }
  antlr4::CharStream* getInputStream() override { return nullptr; }
  std::string getSourceName() override { return "policy"; }
  antlr4::TokenFactory<antlr4::CommonToken>* getTokenFactory() override;

 private:
  std::vector<std::unique_ptr<antlr4::Token>> tokens_;
  size_t next_ = 0;
  size_t line_ = 1, column_ = 0, end_index_ = 0;
};

}  // namespace stave::syntax::internal
