// The lexicon of the language for everything outside the parser: the
// tokens of a text, the keywords, which words are reserved and what an
// identifier is (spec §3). Built on the parser's own scanner, so the
// language server and the formatter cut a text exactly where the parser
// does.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace stave::syntax {

enum class TokenKind : uint8_t {
  Space,
  Word,  // an identifier or a keyword
  Int,
  String,
  UnterminatedString,  // ends at the end of its line or of the text
  Comment,             // `// …`, `/// …` or a closed `/* … */`
  UnterminatedComment, // `/*` with no `*/`: runs to the end of the text
  Punct,               // `{ } [ ] , : . * = == !=`
  Error,               // any other character (one code point)
};

struct Token {
  TokenKind kind;
  uint32_t begin, end;  // half-open byte offsets into the text
};

// Every token of `text` (UTF-8), whitespace and comments included, in order.
std::vector<Token> Tokenize(std::string_view text);

// The reserved words (spec §3): never names.
const std::vector<std::string_view>& ReservedWords();
// Contextual keywords: keywords where the grammar expects them, names
// everywhere else.
const std::vector<std::string_view>& ContextualKeywords();
bool IsReservedWord(std::string_view word);
bool IsKeyword(std::string_view word);  // reserved or contextual
// `[A-Za-z_][A-Za-z0-9_-]*`, not ending in `-`: one Word token. Keywords
// are identifiers too (check IsReservedWord for names).
bool IsIdentifier(std::string_view word);

// The string literal that reads as `value`: quoted, with `\\`, `"`, newline
// and tab escaped (spec §3), for everything that writes policy text (the
// formatter, import, who-can's query).
std::string StringLiteral(std::string_view value);

}  // namespace stave::syntax
