// The tokenizer. Each rule mirrors one lexer rule of StaveLexer.g4; where
// ANTLR's longest-match-then-first-rule choice matters it is spelled out.
#include "compiler/syntax/internal/fast_lexer.h"

#include <array>

#include "StaveLexer.h"

namespace stave::syntax::internal {
namespace {

using L = stave_antlr::StaveLexer;

bool IdentStart(unsigned char c) { return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '_'; }
bool IdentPart(unsigned char c) { return IdentStart(c) || (c >= '0' && c <= '9') || c == '-'; }
bool Digit(unsigned char c) { return c >= '0' && c <= '9'; }
bool Space(unsigned char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\f'; }

// Keywords win over IDENT only when the whole identifier is the keyword
// (ANTLR: same length, earlier rule). Looked up by first letter: a linear
// scan of all of them was a tenth of the tokenizer's time.
size_t KeywordType(std::string_view word) {
  struct Entry {
    std::string_view text;
    size_t type;
  };
  static constexpr std::array<Entry, 55> kKeywords{{
      {"package", L::PACKAGE}, {"import", L::IMPORT}, {"as", L::AS}, {"namespace", L::NAMESPACE},
      {"user", L::USER}, {"group", L::GROUP}, {"serviceaccount", L::SERVICEACCOUNT},
      {"resource", L::RESOURCE}, {"action", L::ACTION}, {"app", L::APP}, {"pipeline", L::PIPELINE},
      {"allow", L::ALLOW}, {"deny", L::DENY}, {"to", L::TO}, {"in", L::IN}, {"call", L::CALL},
      {"run", L::RUN}, {"test", L::TEST}, {"expect", L::EXPECT}, {"any", L::ANY},
      {"authenticated", L::AUTHENTICATED}, {"cluster", L::CLUSTER}, {"methods", L::METHODS},
      {"paths", L::PATHS}, {"ports", L::PORTS}, {"hosts", L::HOSTS}, {"not", L::NOT},
      {"when", L::WHEN}, {"default", L::DEFAULT}, {"mtls", L::MTLS}, {"strict", L::STRICT},
      {"external", L::EXTERNAL}, {"selector", L::SELECTOR}, {"objects", L::OBJECTS},
      {"include", L::INCLUDE}, {"method", L::METHOD}, {"path", L::PATH}, {"port", L::PORT},
      {"host", L::HOST}, {"header", L::HEADER}, {"plaintext", L::PLAINTEXT},
      {"issuer", L::ISSUER}, {"jwks", L::JWKS}, {"audiences", L::AUDIENCES},
      {"prefix", L::PREFIX}, {"subject", L::SUBJECT}, {"claim", L::CLAIM}, {"via", L::VIA},
      {"automount", L::AUTOMOUNT}, {"off", L::OFF}, {"annotations", L::ANNOTATIONS},
      {"audit", L::AUDIT}, {"level", L::LEVEL}, {"audited", L::AUDITED},
      {"unaudited", L::UNAUDITED},
  }};
  // For each lowercase first letter, the keywords starting with it.
  static const std::array<std::vector<Entry>, 26> kByLetter = [] {
    std::array<std::vector<Entry>, 26> by;
    for (const Entry& e : kKeywords) by[e.text[0] - 'a'].push_back(e);
    return by;
  }();
  if (word[0] < 'a' || word[0] > 'z') return L::IDENT;
  for (const Entry& e : kByLetter[word[0] - 'a']) {
    if (e.text == word) return e.type;
  }
  return L::IDENT;
}

class Lexer {
 public:
  Lexer(std::string_view text, antlr4::TokenSource* source, bool whitespace)
      : text_(text), source_(source), whitespace_(whitespace) {}

  std::vector<std::unique_ptr<antlr4::Token>> Run() {
    tokens_.reserve(text_.size() / (whitespace_ ? 3 : 6));
    while (pos_ < text_.size()) Next();
    return std::move(tokens_);
  }

  // Where the text ends, for the EOF token.
  size_t end_index() const { return cp_; }
  size_t line() const { return line_; }
  size_t column() const { return column_; }

 private:
  unsigned char At(size_t i) const { return i < text_.size() ? text_[i] : 0; }

  // The length in bytes of the UTF-8 sequence starting at `i`.
  size_t CharLen(size_t i) const {
    unsigned char c = At(i);
    return c < 0x80 ? 1 : c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : c >= 0xC0 ? 2 : 1;
  }

  void Next() {
    size_t start = pos_;
    unsigned char c = At(pos_);
    size_t type;
    size_t channel = antlr4::Token::DEFAULT_CHANNEL;
    if (Space(c)) {
      while (Space(At(pos_))) ++pos_;
      type = L::WS;
      channel = antlr4::Token::HIDDEN_CHANNEL;
    } else if (IdentStart(c)) {
      size_t end = pos_ + 1;
      while (IdentPart(At(end))) ++end;
      while (text_[end - 1] == '-') --end;  // an identifier does not end in `-`
      pos_ = end;
      type = KeywordType(text_.substr(start, end - start));
    } else if (Digit(c)) {
      while (Digit(At(pos_))) ++pos_;
      type = L::INT;
    } else if (c == '"') {
      type = String();
    } else if (c == '/' && At(pos_ + 1) == '/') {
      type = At(pos_ + 2) == '/' ? L::DOC_COMMENT : L::LINE_COMMENT;
      while (pos_ < text_.size() && text_[pos_] != '\n' && text_[pos_] != '\r') ++pos_;
      channel = antlr4::Token::HIDDEN_CHANNEL;
    } else if (c == '/' && At(pos_ + 1) == '*') {
      size_t close = text_.find("*/", pos_ + 2);
      if (close == std::string_view::npos) {
        pos_ = text_.size();
        type = L::UNTERMINATED_COMMENT;
      } else {
        pos_ = close + 2;
        type = L::BLOCK_COMMENT;
        channel = antlr4::Token::HIDDEN_CHANNEL;
      }
    } else {
      type = Punctuation(c);
    }
    Emit(start, type, channel);
  }

  // STRING, or UNTERMINATED_STRING when the line or file ends first.
  size_t String() {
    ++pos_;
    while (pos_ < text_.size()) {
      unsigned char c = text_[pos_];
      if (c == '"') {
        ++pos_;
        return L::STRING;
      }
      if (c == '\n' || c == '\r') break;
      if (c == '\\') {
        unsigned char next = At(pos_ + 1);
        if (pos_ + 1 >= text_.size() || next == '\n' || next == '\r') break;
        pos_ += 1 + CharLen(pos_ + 1);
        continue;
      }
      pos_ += CharLen(pos_);
    }
    return L::UNTERMINATED_STRING;
  }

  size_t Punctuation(unsigned char c) {
    auto two = [&](char second) { return At(pos_ + 1) == static_cast<unsigned char>(second); };
    size_t type = L::ERROR_CHAR;
    size_t len = 1;
    switch (c) {
      case '{': type = L::LBRACE; break;
      case '}': type = L::RBRACE; break;
      case '[': type = L::LBRACK; break;
      case ']': type = L::RBRACK; break;
      case ',': type = L::COMMA; break;
      case ':': type = L::COLON; break;
      case '.': type = L::DOT; break;
      case '*': type = L::STAR; break;
      case '=':
        type = two('=') ? L::EQEQ : L::EQ;
        len = two('=') ? 2 : 1;
        break;
      case '!':
        if (two('=')) {
          type = L::NEQ;
          len = 2;
        }
        break;
      default: len = CharLen(pos_); break;  // one code point: ERROR_CHAR
    }
    pos_ += len;
    return type;
  }

  void Emit(size_t start, size_t type, size_t channel) {
    std::string_view text = text_.substr(start, pos_ - start);
    size_t points = 0;
    for (unsigned char ch : text) points += (ch & 0xC0) != 0x80;
    if (type == L::WS && !whitespace_) {
      Advance(text, points);
      return;
    }
    auto token = std::make_unique<antlr4::CommonToken>(
        std::pair<antlr4::TokenSource*, antlr4::CharStream*>{source_, nullptr}, type, channel,
        cp_, cp_ + points - 1);
    token->setText(std::string(text));
    token->setLine(line_);
    token->setCharPositionInLine(column_);
    tokens_.push_back(std::move(token));
    Advance(text, points);
  }

  void Advance(std::string_view text, size_t points) {
    cp_ += points;
    // ANTLR counts lines by `\n` and columns in code points.
    for (unsigned char ch : text) {
      if (ch == '\n') {
        ++line_;
        column_ = 0;
      } else if ((ch & 0xC0) != 0x80) {
        ++column_;
      }
    }
  }

  std::string_view text_;
  antlr4::TokenSource* source_;
  bool whitespace_;
  size_t pos_ = 0;
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
  eof->setLine(line_);
  eof->setCharPositionInLine(column_);
  return eof;
}

antlr4::TokenFactory<antlr4::CommonToken>* FastTokenSource::getTokenFactory() {
  return antlr4::CommonTokenFactory::DEFAULT.get();
}

}  // namespace stave::syntax::internal
