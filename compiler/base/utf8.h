// UTF-8 validation and code point / UTF-16 counting. Input is validated before
// the lexer sees it, so the counting functions may assume well-formed text.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

namespace stave::base {

// The byte offset of the first invalid sequence, or nullopt if `text` is
// valid UTF-8. Overlong forms, surrogates and code points past U+10FFFF are
// invalid.
std::optional<uint32_t> FindInvalidUtf8(std::string_view text);

uint32_t CountCodePoints(std::string_view text);
uint32_t CountUtf16Units(std::string_view text);
// The byte offset in `line` of a UTF-16 column, clamped to the line's end and
// never inside a code point.
uint32_t ByteOffsetOfUtf16(std::string_view line, uint32_t utf16_col);

}  // namespace stave::base
