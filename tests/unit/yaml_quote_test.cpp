// Strings yaml-cpp cannot carry (DEL, noncharacters, U+2028/U+2029) are
// quoted by emit::DoubleQuoted; every other string keeps yaml-cpp's own
// bytes. Checked over every code point class: yaml-cpp's parser must read
// back exactly the string that was written, and for strings yaml-cpp
// handles, our writer must produce yaml-cpp's bytes.
#include <catch2/catch.hpp>

#include <yaml-cpp/yaml.h>

#include <set>

#include "compiler/emit/yaml.h"
#include "compiler/emit/yaml_quote.h"

using namespace stave;

namespace {

std::string Utf8(uint32_t c) {
  std::string s;
  if (c < 0x80) {
    s += static_cast<char>(c);
  } else if (c < 0x800) {
    s += static_cast<char>(0xC0 | (c >> 6));
    s += static_cast<char>(0x80 | (c & 0x3F));
  } else if (c < 0x10000) {
    s += static_cast<char>(0xE0 | (c >> 12));
    s += static_cast<char>(0x80 | ((c >> 6) & 0x3F));
    s += static_cast<char>(0x80 | (c & 0x3F));
  } else {
    s += static_cast<char>(0xF0 | (c >> 18));
    s += static_cast<char>(0x80 | ((c >> 12) & 0x3F));
    s += static_cast<char>(0x80 | ((c >> 6) & 0x3F));
    s += static_cast<char>(0x80 | (c & 0x3F));
  }
  return s;
}

// Every code point below U+0800, the ends of every plane and the BMP's
// specials, and a stride through the rest (all of it is slow under ASan).
std::vector<uint32_t> CodePoints() {
  std::vector<uint32_t> out;
  for (uint32_t c = 0; c < 0x800; ++c) out.push_back(c);
  for (uint32_t c = 0x800; c <= 0x10FFFF; c += 97) out.push_back(c);
  for (uint32_t plane = 0; plane <= 0x10; ++plane) {
    out.push_back(plane << 16 | 0xFFFD);
    out.push_back(plane << 16 | 0xFFFE);
    out.push_back(plane << 16 | 0xFFFF);
  }
  for (uint32_t c : {0x2028u, 0x2029u, 0xFEFFu, 0xFDD0u, 0xD7FFu, 0xE000u, 0x10000u}) out.push_back(c);
  std::vector<uint32_t> valid;
  for (uint32_t c : out) {
    if (c < 0xD800 || c > 0xDFFF) valid.push_back(c);  // surrogates are not UTF-8
  }
  return valid;
}

std::string ReadBack(const std::string& yaml) { return YAML::Load(yaml)["k"].as<std::string>(); }

}  // namespace

TEST_CASE("every code point round-trips through the quoted writer and yaml-cpp's parser",
          "[emit][yaml]") {
  for (uint32_t c : CodePoints()) {
    std::string s = "a" + Utf8(c) + "b";
    INFO("U+" << std::hex << c);
    std::string quoted = emit::DoubleQuoted(s);
    CHECK(ReadBack("k: " + quoted) == s);
    if (!emit::NeedsOwnQuoting(s)) {
      YAML::Emitter e;
      e << YAML::DoubleQuoted << s;
      CHECK(quoted == e.c_str());  // the same bytes as before for ordinary strings
    }
  }
}

TEST_CASE("the strings yaml-cpp would break are escaped", "[emit][yaml]") {
  CHECK(emit::DoubleQuoted("a\x7f" "b") == "\"a\\x7fb\"");
  CHECK(emit::DoubleQuoted(Utf8(0xFFFE)) == "\"\\ufffe\"");
  CHECK(emit::DoubleQuoted(Utf8(0xFFFF)) == "\"\\uffff\"");
  CHECK(emit::DoubleQuoted(Utf8(0x10FFFF)) == "\"\\U0010ffff\"");
  CHECK(emit::DoubleQuoted(Utf8(0x2028)) == "\"\\u2028\"");
  CHECK(emit::DoubleQuoted("\"\\\n\t\x01") == "\"\\\"\\\\\\n\\t\\x01\"");
  for (const char* plain : {"payments-devs", "alice@example.com", "é😀"}) {
    CHECK_FALSE(emit::NeedsOwnQuoting(plain));
  }
  for (uint32_t c : {0x7Fu, 0x2028u, 0x2029u, 0xFFFEu, 0xFFFFu, 0x1FFFEu, 0x10FFFFu}) {
    CHECK(emit::NeedsOwnQuoting("x" + Utf8(c)));
  }
}

TEST_CASE("distinct subjects stay distinct in emitted YAML", "[emit][yaml]") {
  lower::Object o;
  o.kind = lower::Kind::RoleBinding;
  o.meta.name = "stave:view";
  o.meta.ns = "prod";
  lower::RoleBinding b{"Role", "stave:view", {}};
  std::vector<std::string> names = {"x" + Utf8(0xFFFD), "x" + Utf8(0xFFFE), "x" + Utf8(0xFFFF),
                                    "a\x7f" "b", "l" + Utf8(0x2028) + "m", "n" + Utf8(0x85)};
  for (const auto& n : names) b.subjects.push_back({"User", "", n});
  o.spec = b;
  YAML::Node doc = YAML::Load(emit::EmitObject(o));
  std::set<std::string> read;
  for (const auto& s : doc["subjects"]) read.insert(s["name"].as<std::string>());
  CHECK(read == std::set<std::string>(names.begin(), names.end()));
}
