// UTF-8 validation and counting, written out because LLVM 14's ConvertUTF
// reports validity but not where a sequence went wrong.
#include "compiler/base/utf8.h"

namespace stave::base {
namespace {

// The length of the sequence led by `b`, or 0 when `b` cannot start one.
int SequenceLength(unsigned char b) {
  if (b < 0x80) return 1;
  if (b >= 0xC2 && b <= 0xDF) return 2;
  if (b >= 0xE0 && b <= 0xEF) return 3;
  if (b >= 0xF0 && b <= 0xF4) return 4;
  return 0;
}

}  // namespace

std::optional<uint32_t> FindInvalidUtf8(std::string_view text) {
  const auto* s = reinterpret_cast<const unsigned char*>(text.data());
  size_t n = text.size();
  for (size_t i = 0; i < n;) {
    int len = SequenceLength(s[i]);
    if (len == 0 || i + len > n) return static_cast<uint32_t>(i);
    for (int k = 1; k < len; ++k) {
      if ((s[i + k] & 0xC0) != 0x80) return static_cast<uint32_t>(i);
    }
    // Reject overlong 3/4-byte forms, UTF-16 surrogates and > U+10FFFF.
    if (len == 3 && s[i] == 0xE0 && s[i + 1] < 0xA0) return static_cast<uint32_t>(i);
    if (len == 3 && s[i] == 0xED && s[i + 1] >= 0xA0) return static_cast<uint32_t>(i);
    if (len == 4 && s[i] == 0xF0 && s[i + 1] < 0x90) return static_cast<uint32_t>(i);
    if (len == 4 && s[i] == 0xF4 && s[i + 1] >= 0x90) return static_cast<uint32_t>(i);
    i += len;
  }
  return std::nullopt;
}

uint32_t CountCodePoints(std::string_view text) {
  uint32_t n = 0;
  for (unsigned char c : text) n += (c & 0xC0) != 0x80;
  return n;
}

uint32_t CountUtf16Units(std::string_view text) {
  uint32_t n = 0;
  for (unsigned char c : text) {
    if ((c & 0xC0) != 0x80) n += 1;
    if (c >= 0xF0) n += 1;  // a 4-byte sequence is a surrogate pair
  }
  return n;
}

uint32_t ByteOffsetOfUtf16(std::string_view line, uint32_t utf16_col) {
  uint32_t units = 0;
  uint32_t i = 0;
  while (i < line.size() && units < utf16_col) {
    unsigned char c = static_cast<unsigned char>(line[i]);
    int len = SequenceLength(c);
    if (len == 0) len = 1;
    uint32_t width = len == 4 ? 2 : 1;
    if (units + width > utf16_col) break;  // a column inside a surrogate pair
    units += width;
    i += len;
  }
  return i > line.size() ? static_cast<uint32_t>(line.size()) : i;
}

}  // namespace stave::base
