// The one tokenizer of the language: each rule mirrors one lexer rule of
// grammar/StaveLexer.g4, and where ANTLR's longest-match-then-first-rule
// choice matters it is spelled out. The parser's token source
// (fast_lexer.h) and the public token API (syntax/tokens.h) both run it, so
// the identifier rule and the keywords are written here once.
#pragma once

#include <algorithm>
#include <array>
#include <cstddef>
#include <string_view>
#include <vector>

#include "StaveLexer.h"

namespace stave::syntax::internal {

using L = stave_antlr::StaveLexer;

inline bool IdentStart(unsigned char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '_';
}
inline bool IdentPart(unsigned char c) { return IdentStart(c) || (c >= '0' && c <= '9') || c == '-'; }
inline bool Digit(unsigned char c) { return c >= '0' && c <= '9'; }
inline bool Space(unsigned char c) {
  return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\f';
}

// A keyword of the lexer. `reserved` ones are the reserved words of spec
// §3, which can never be names; the others are contextual keywords, which
// the parser's `name` rule also accepts (a unit test holds the table to
// the grammar: every keyword rule is here, and `reserved` is exactly the
// ones `name` leaves out).
struct KeywordEntry {
  std::string_view text;
  size_t type;
  bool reserved;
};

inline constexpr std::array<KeywordEntry, 55> kKeywords{{
    {"package", L::PACKAGE, true}, {"import", L::IMPORT, true}, {"as", L::AS, true},
    {"namespace", L::NAMESPACE, true}, {"user", L::USER, true}, {"group", L::GROUP, true},
    {"serviceaccount", L::SERVICEACCOUNT, true}, {"resource", L::RESOURCE, true},
    {"action", L::ACTION, true}, {"app", L::APP, true}, {"pipeline", L::PIPELINE, true},
    {"allow", L::ALLOW, true}, {"deny", L::DENY, true}, {"to", L::TO, true}, {"in", L::IN, true},
    {"call", L::CALL, true}, {"run", L::RUN, true}, {"test", L::TEST, true},
    {"expect", L::EXPECT, true}, {"any", L::ANY, true}, {"authenticated", L::AUTHENTICATED, true},
    {"cluster", L::CLUSTER, true},
    {"methods", L::METHODS, false}, {"paths", L::PATHS, false}, {"ports", L::PORTS, false},
    {"hosts", L::HOSTS, false}, {"not", L::NOT, false}, {"when", L::WHEN, false},
    {"default", L::DEFAULT, false}, {"mtls", L::MTLS, false}, {"strict", L::STRICT, false},
    {"external", L::EXTERNAL, false}, {"selector", L::SELECTOR, false},
    {"objects", L::OBJECTS, false}, {"include", L::INCLUDE, false}, {"method", L::METHOD, false},
    {"path", L::PATH, false}, {"port", L::PORT, false}, {"host", L::HOST, false},
    {"header", L::HEADER, false}, {"plaintext", L::PLAINTEXT, false},
    {"issuer", L::ISSUER, false}, {"jwks", L::JWKS, false}, {"audiences", L::AUDIENCES, false},
    {"prefix", L::PREFIX, false}, {"subject", L::SUBJECT, false}, {"claim", L::CLAIM, false},
    {"via", L::VIA, false}, {"automount", L::AUTOMOUNT, false}, {"off", L::OFF, false},
    {"annotations", L::ANNOTATIONS, false}, {"audit", L::AUDIT, false},
    {"level", L::LEVEL, false}, {"audited", L::AUDITED, false},
    {"unaudited", L::UNAUDITED, false},
}};

// The keyword `word` is, or nullptr. Keywords win over IDENT only when the
// whole identifier is the keyword (ANTLR: same length, earlier rule).
// Looked up by first letter: a linear scan of all of them was a tenth of
// the tokenizer's time.
inline const KeywordEntry* FindKeyword(std::string_view word) {
  // The entries themselves, not pointers to them: one load fewer per
  // comparison in the tokenizer's hottest loop.
  static const std::array<std::vector<KeywordEntry>, 26> kByLetter = [] {
    std::array<std::vector<KeywordEntry>, 26> by;
    for (const KeywordEntry& e : kKeywords) by[e.text[0] - 'a'].push_back(e);
    return by;
  }();
  if (word.empty() || word[0] < 'a' || word[0] > 'z') return nullptr;
  for (const KeywordEntry& e : kByLetter[word[0] - 'a']) {
    if (e.text == word) return &e;
  }
  return nullptr;
}

inline size_t KeywordType(std::string_view word) {
  const KeywordEntry* e = FindKeyword(word);
  return e ? e->type : static_cast<size_t>(L::IDENT);
}

// Whether a token of lexer type `type` is a reserved word.
inline bool IsReservedType(size_t type) {
  return std::any_of(kKeywords.begin(), kKeywords.end(),
                     [&](const KeywordEntry& e) { return e.reserved && e.type == type; });
}

// One token: its lexer type, its channel, and its half-open byte range.
struct RawToken {
  size_t type;
  size_t channel;
  size_t begin, end;
};

// Splits `text` (UTF-8) into the lexer's tokens, whitespace included.
class Scanner {
 public:
  explicit Scanner(std::string_view text) : text_(text) {}

  bool done() const { return pos_ >= text_.size(); }

  // Inlined into each caller's loop: as a call it cost the tokenizer 4%.
  [[gnu::always_inline]] RawToken Next() {
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
    return {type, channel, start, pos_};
  }

 private:
  unsigned char At(size_t i) const { return i < text_.size() ? text_[i] : 0; }

  // The length in bytes of the UTF-8 sequence starting at `i`.
  size_t CharLen(size_t i) const {
    unsigned char c = At(i);
    return c < 0x80 ? 1 : c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : c >= 0xC0 ? 2 : 1;
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

  std::string_view text_;
  size_t pos_ = 0;
};

}  // namespace stave::syntax::internal
