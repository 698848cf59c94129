// Double-quoted YAML scalars that round-trip every code point (see
// yaml_quote.h for what yaml-cpp gets wrong).
#include "compiler/emit/yaml_quote.h"

#include <cstdint>

#include <fmt/format.h>

namespace stave::emit {
namespace {

// The code point at `i` (advancing `i`), or -1 for a byte that does not
// start a valid UTF-8 sequence (then `i` moves by one byte).
int32_t NextCodePoint(std::string_view s, size_t& i) {
  auto byte = [&](size_t k) { return static_cast<unsigned char>(s[k]); };
  unsigned char b = byte(i);
  int len = b < 0x80 ? 1 : (b >> 5) == 6 ? 2 : (b >> 4) == 14 ? 3 : (b >> 3) == 30 ? 4 : 0;
  if (len == 0 || i + len > s.size()) {
    ++i;
    return -1;
  }
  int32_t cp = len == 1 ? b : len == 2 ? (b & 0x1F) : len == 3 ? (b & 0x0F) : (b & 0x07);
  for (int k = 1; k < len; ++k) {
    if ((byte(i + k) & 0xC0) != 0x80) {
      ++i;
      return -1;
    }
    cp = (cp << 6) | (byte(i + k) & 0x3F);
  }
  if (cp >= 0xD800 && cp <= 0xDFFF) {  // a surrogate is no code point
    ++i;
    return -1;
  }
  i += len;
  return cp;
}

// The Unicode noncharacters, which yaml-cpp replaces with U+FFFD.
bool Noncharacter(int32_t cp) { return (cp & 0xFFFE) == 0xFFFE || (cp >= 0xFDD0 && cp <= 0xFDEF); }

}  // namespace

bool NeedsOwnQuoting(std::string_view s) {
  for (size_t i = 0; i < s.size();) {
    int32_t cp = NextCodePoint(s, i);
    if (cp == 0x7F || cp == 0x2028 || cp == 0x2029 || Noncharacter(cp)) return true;
  }
  return false;
}

std::string DoubleQuoted(std::string_view s) {
  std::string out = "\"";
  for (size_t i = 0; i < s.size();) {
    size_t start = i;
    int32_t cp = NextCodePoint(s, i);
    switch (cp) {
      case '"': out += "\\\""; continue;
      case '\\': out += "\\\\"; continue;
      case '\b': out += "\\b"; continue;
      case '\t': out += "\\t"; continue;
      case '\n': out += "\\n"; continue;
      case '\f': out += "\\f"; continue;
      case '\r': out += "\\r"; continue;
      default: break;
    }
    if (cp < 0) {
      out += fmt::format("\\x{:02x}", static_cast<unsigned char>(s[start]));
    } else if (cp < 0x20 || (cp >= 0x7F && cp <= 0xA0)) {
      // C0 and C1 controls, DEL and no-break space, as yaml-cpp writes them.
      out += fmt::format("\\x{:02x}", cp);
    } else if (cp == 0x2028 || cp == 0x2029 || cp == 0xFEFF || (Noncharacter(cp) && cp <= 0xFFFF)) {
      out += fmt::format("\\u{:04x}", cp);
    } else if (Noncharacter(cp)) {
      out += fmt::format("\\U{:08x}", cp);
    } else {
      out.append(s.substr(start, i - start));
    }
  }
  return out + "\"";
}

}  // namespace stave::emit
