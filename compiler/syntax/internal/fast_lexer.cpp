// The parser's token source: the scanner's tokens (scanner.h) as the
// CommonTokens ANTLR's parser reads, with code-point indices, lines and
// columns as ANTLR's lexer sets them.
#include "compiler/syntax/internal/fast_lexer.h"

#include "compiler/syntax/internal/scanner.h"

namespace stave::syntax::internal {
namespace {

class Lexer {
 public:
  Lexer(std::string_view text, antlr4::TokenSource* source, bool whitespace)
      : text_(text), scanner_(text), source_(source), whitespace_(whitespace) {}

  std::vector<std::unique_ptr<antlr4::Token>> Run() {
    tokens_.reserve(text_.size() / (whitespace_ ? 3 : 6));
    while (!scanner_.done()) {
      RawToken t = scanner_.Next();
      Emit(t.begin, t.end, t.type, t.channel);
    }
    return std::move(tokens_);
  }

  // Where the text ends, for the EOF token.
  size_t end_index() const { return cp_; }
  size_t line() const { return line_; }
  size_t column() const { return column_; }

 private:
  void Emit(size_t start, size_t end, size_t type, size_t channel) {
    std::string_view text = text_.substr(start, end - start);
    size_t cp = cp_, line = line_, column = column_;
    Advance(text);
    if (type == L::WS && !whitespace_) return;
    auto token = std::make_unique<antlr4::CommonToken>(
        std::pair<antlr4::TokenSource*, antlr4::CharStream*>{source_, nullptr}, type, channel,
        cp, cp_ - 1);
    token->setText(std::string(text));
    token->setTokenIndex(tokens_.size());  // its index in the stream: TokenBuffer
    token->setLine(line);
    token->setCharPositionInLine(column);
    tokens_.push_back(std::move(token));
  }

  // Past `text`, in one pass: ANTLR indexes code points, counts lines by
  // `\n` and columns in code points.
  void Advance(std::string_view text) {
    for (unsigned char ch : text) {
      if ((ch & 0xC0) == 0x80) continue;  // a continuation byte
      ++cp_;
      if (ch == '\n') {
        ++line_;
        column_ = 0;
      } else {
        ++column_;
      }
    }
  }

  std::string_view text_;
  Scanner scanner_;
  antlr4::TokenSource* source_;
  bool whitespace_;
  size_t cp_ = 0;
  size_t line_ = 1;
  size_t column_ = 0;
  std::vector<std::unique_ptr<antlr4::Token>> tokens_;
};

}  // namespace

std::vector<std::unique_ptr<antlr4::Token>> LexFast(std::string_view text,
                                                    antlr4::TokenSource* source) {
  return Lexer(text, source, /*whitespace=*/true).Run();
}

FastTokenSource::FastTokenSource(std::string_view text) {
  Lexer lexer(text, this, /*whitespace=*/false);
  tokens_ = lexer.Run();
  end_index_ = lexer.end_index();
  line_ = lexer.line();
  column_ = lexer.column();
}

std::unique_ptr<antlr4::Token> FastTokenSource::nextToken() {
  if (next_ < tokens_.size()) return std::move(tokens_[next_++]);
  auto eof = std::make_unique<antlr4::CommonToken>(
      std::pair<antlr4::TokenSource*, antlr4::CharStream*>{this, nullptr}, antlr4::Token::EOF,
      antlr4::Token::DEFAULT_CHANNEL, end_index_, end_index_ - 1);
  eof->setText("<EOF>");
  eof->setTokenIndex(tokens_.size());
  eof->setLine(line_);
  eof->setCharPositionInLine(column_);
  return eof;
}

antlr4::TokenFactory<antlr4::CommonToken>* FastTokenSource::getTokenFactory() {
  return antlr4::CommonTokenFactory::DEFAULT.get();
}

}  // namespace stave::syntax::internal
