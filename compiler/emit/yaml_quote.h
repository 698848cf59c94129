// Double-quoted YAML scalars for the strings yaml-cpp cannot carry: it
// writes DEL raw (PyYAML then refuses the whole file), replaces the
// noncharacters (U+FFFE, U+FFFF, U+xFFFE/U+xFFFF of every plane,
// U+FDD0-U+FDEF) with U+FFFD (two users become one subject), and writes U+2028/U+2029 raw, which YAML 1.1 readers fold as
// line breaks. Names are never changed: these are escaped instead.
#pragma once

#include <string>
#include <string_view>

namespace stave::emit {

// Whether yaml-cpp's double-quoted writer would lose or break `s`.
bool NeedsOwnQuoting(std::string_view s);

// `s` as a double-quoted YAML scalar, quotes included: the escapes
// yaml-cpp writes (so output for other strings is the same bytes), plus
// \x7f, \u2028, \u2029 and \uXXXX or \UXXXXXXXX for the noncharacters. `s` is
// valid UTF-8 (sources are checked before parsing); a stray byte would be
// written as \xHH.
std::string DoubleQuoted(std::string_view s);

}  // namespace stave::emit
