// Token helpers shared by the tree builder and the error reporter.
#include "compiler/syntax/internal/token_text.h"

#include <fmt/format.h>

#include "StaveLexer.h"
#include "antlr4-runtime.h"

namespace stave::syntax::internal {

OffsetMap::OffsetMap(std::string_view text) : size_(static_cast<uint32_t>(text.size())) {
  for (unsigned char c : text) {
    if (c >= 0x80) {
      ascii_ = false;
      break;
    }
  }
  if (ascii_) return;
  offsets_.reserve(text.size());
  for (uint32_t i = 0; i < text.size(); ++i) {
    if ((static_cast<unsigned char>(text[i]) & 0xC0) != 0x80) offsets_.push_back(i);
  }
}

base::Span TokenSpan(const antlr4::Token* token, const OffsetMap& map, base::FileId file) {
  if (token == nullptr) return {file, 0, 0};
  size_t start = token->getStartIndex();
  size_t stop = token->getStopIndex();
  if (start == INVALID_INDEX) return {file, 0, 0};
  uint32_t begin = map.byte_offset(start);
  uint32_t end = stop == INVALID_INDEX || stop + 1 < start ? begin : map.byte_offset(stop + 1);
  return {file, begin, end};
}

std::string FriendlyTokenName(size_t type, const antlr4::dfa::Vocabulary& vocab) {
  using L = stave_antlr::StaveLexer;
  switch (type) {
    case antlr4::Token::EOF: return "end of file";
    case L::IDENT: return "a name";
    case L::INT: return "a number";
    case L::STRING:
    case L::UNTERMINATED_STRING: return "a string";
    case L::DOC_COMMENT:
    case L::LINE_COMMENT:
    case L::BLOCK_COMMENT:
    case L::UNTERMINATED_COMMENT: return "a comment";
    case L::ERROR_CHAR: return "an unexpected character";
    default: break;
  }
  std::string literal = vocab.getLiteralName(type);
  if (literal.size() >= 2 && literal.front() == '\'') {
    return fmt::format("`{}`", literal.substr(1, literal.size() - 2));
  }
  return vocab.getDisplayName(type);
}

std::string Unescape(std::string_view text, base::Span span, diag::DiagnosticList& diags) {
  std::string out;
  size_t end = text.size();
  if (end >= 2 && text.back() == '"') --end;  // closing quote, when there is one
  // One report per string: a megabyte of `\q` in one string is one error.
  bool reported = false;
  for (size_t i = 1; i < end; ++i) {
    if (text[i] != '\\') {
      out += text[i];
      continue;
    }
    char next = i + 1 < end ? text[i + 1] : '\0';
    switch (next) {
      case '\\': out += '\\'; break;
      case '"': out += '"'; break;
      case 'n': out += '\n'; break;
      case 't': out += '\t'; break;
      default: {
        base::Span at{span.file, span.begin + static_cast<uint32_t>(i),
                      span.begin + static_cast<uint32_t>(i + (next ? 2 : 1))};
        if (!reported) {
          diags.report(diag::Code::E0005, at,
                       fmt::format("unknown escape `\\{}` in a string", next ? std::string(1, next) : ""),
                       "unknown escape")
              .with_help("the escapes are `\\\\`, `\\\"`, `\\n` and `\\t`");
          reported = true;
        }
        if (next) out += next;
      }
    }
    ++i;
  }
  return out;
}

}  // namespace stave::syntax::internal
