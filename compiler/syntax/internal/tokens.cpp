// The public token API (syntax/tokens.h) over the parser's scanner.
#include "compiler/syntax/tokens.h"

#include <algorithm>

#include "compiler/syntax/internal/scanner.h"

namespace stave::syntax {
namespace {

using internal::L;

TokenKind KindOf(size_t type) {
  switch (type) {
    case L::WS: return TokenKind::Space;
    case L::IDENT: return TokenKind::Word;
    case L::INT: return TokenKind::Int;
    case L::STRING: return TokenKind::String;
    case L::UNTERMINATED_STRING: return TokenKind::UnterminatedString;
    case L::LINE_COMMENT:
    case L::DOC_COMMENT:
    case L::BLOCK_COMMENT: return TokenKind::Comment;
    case L::UNTERMINATED_COMMENT: return TokenKind::UnterminatedComment;
    case L::ERROR_CHAR: return TokenKind::Error;
    case L::LBRACE: case L::RBRACE: case L::LBRACK: case L::RBRACK: case L::COMMA:
    case L::COLON: case L::DOT: case L::STAR: case L::EQ: case L::EQEQ: case L::NEQ:
      return TokenKind::Punct;
    default: return TokenKind::Word;  // a keyword
  }
}

std::vector<std::string_view> KeywordsWhere(bool reserved) {
  std::vector<std::string_view> out;
  for (const internal::KeywordEntry& e : internal::kKeywords) {
    if (e.reserved == reserved) out.push_back(e.text);
  }
  return out;
}

}  // namespace

std::vector<Token> Tokenize(std::string_view text) {
  std::vector<Token> out;
  internal::Scanner scanner(text);
  while (!scanner.done()) {
    internal::RawToken t = scanner.Next();
    out.push_back({KindOf(t.type), static_cast<uint32_t>(t.begin), static_cast<uint32_t>(t.end)});
  }
  return out;
}

const std::vector<std::string_view>& ReservedWords() {
  static const std::vector<std::string_view> words = KeywordsWhere(true);
  return words;
}

const std::vector<std::string_view>& ContextualKeywords() {
  static const std::vector<std::string_view> words = KeywordsWhere(false);
  return words;
}

bool IsReservedWord(std::string_view word) {
  const internal::KeywordEntry* e = internal::FindKeyword(word);
  return e && e->reserved;
}

bool IsKeyword(std::string_view word) { return internal::FindKeyword(word) != nullptr; }

std::string StringLiteral(std::string_view value) {
  std::string out = "\"";
  for (char c : value) {
    switch (c) {
      case '\\': out += "\\\\"; break;
      case '"': out += "\\\""; break;
      case '\n': out += "\\n"; break;
      case '\t': out += "\\t"; break;
      default: out += c;
    }
  }
  return out + "\"";
}

bool IsIdentifier(std::string_view word) {
  if (word.empty() || !internal::IdentStart(word.front()) || word.back() == '-') return false;
  return std::all_of(word.begin(), word.end(),
                     [](char c) { return internal::IdentPart(static_cast<unsigned char>(c)); });
}

}  // namespace stave::syntax
