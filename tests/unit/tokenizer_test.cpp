// The hand-written tokenizer must produce exactly the tokens the grammar's
// generated lexer does, on every example, golden input and std file, on
// tricky snippets, and on random byte soups built from the language's
// alphabet.
#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>

#include <catch2/catch.hpp>

#include "compiler/base/utf8.h"
#include "compiler/syntax/parse.h"

namespace fs = std::filesystem;

TEST_CASE("both tokenizers agree on every policy file of the repository", "[tokenizer]") {
  size_t files = 0;
  for (const char* dir : {"examples", "golden", "stdlib", "tests/js/fixtures"}) {
    fs::path root = fs::path(STAVE_SOURCE_ROOT) / dir;
    if (!fs::exists(root)) continue;
    for (const auto& e : fs::recursive_directory_iterator(root)) {
      if (e.path().extension() != ".policy") continue;
      std::ifstream in(e.path(), std::ios::binary);
      std::stringstream text;
      text << in.rdbuf();
      std::string s = text.str();
      if (stave::base::FindInvalidUtf8(s) || s.find('\0') != std::string::npos) continue;
      INFO(e.path().string());
      CHECK(stave::syntax::CompareTokenizers(s) == std::nullopt);
      ++files;
    }
  }
  CHECK(files > 100);
}

TEST_CASE("both tokenizers agree on tricky input", "[tokenizer]") {
  for (const char* text : {
           "web- web-sa a--b -x 9abc 08 allowed allow-x allow_",
           "\"esc \\\" \\\\ \\n\" \"unterminated \\", "\"line\nbreak\" \"\\\n\"",
           "/// doc\n//// four\n// line\r\n/* block */ /* open",
           "/* a * b */ /**/ /*/ */", "== != = ! != ! =", "é 😀 ü-x x-é", "\t\f\r\n  ",
           "request.headers[x-tenant] == \"a\"", "/", "a/b", "*", "\"\"", "\"", "x\"y",
       }) {
    INFO(text);
    CHECK(stave::syntax::CompareTokenizers(text) == std::nullopt);
  }
}

TEST_CASE("both tokenizers agree on generated input", "[tokenizer]") {
  static const std::vector<std::string> kPieces = {
      "allow", "deny", "to", "in", "call", "app", "x", "web-sa", "-", "_a", "9", "80", "\"s\"",
      "\"\\\"\"", "\"", "\\", "/", "//c\n", "///d\n", "/*", "*/", "*", "=", "==", "!", "!=", "{",
      "}", "[", "]", ",", ":", ".", " ", "\n", "\r\n", "\t", "é", "😀", "#", "@"};
  std::mt19937 rng(7);
  for (int round = 0; round < 3000; ++round) {
    std::string text;
    int n = 1 + static_cast<int>(rng() % 30);
    for (int i = 0; i < n; ++i) text += kPieces[rng() % kPieces.size()];
    INFO(text);
    REQUIRE(stave::syntax::CompareTokenizers(text) == std::nullopt);
  }
}
