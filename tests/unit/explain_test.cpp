// Every diagnostic code has a long explanation whose example, compiled,
// reports that very code; and docs/diagnostics.md is what
// `stave explain --catalog` prints now.
#include <fstream>
#include <sstream>

#include <catch2/catch.hpp>

#include "compiler/diag/explain.h"
#include "test_util.h"

using namespace stave;

namespace {

// An example may hold several files, each after a `// file: NAME` line.
std::vector<std::pair<std::string, std::string>> SplitFiles(const std::string& example) {
  std::vector<std::pair<std::string, std::string>> files{{"example.policy", ""}};
  std::istringstream in(example);
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("// file: ", 0) == 0) {
      if (files.size() == 1 && files[0].second.empty()) files.clear();
      files.push_back({line.substr(9), ""});
      continue;
    }
    files.back().second += line + "\n";
  }
  return files;
}

}  // namespace

TEST_CASE("every code has an explanation whose example reports it", "[explain]") {
  for (const diag::CodeInfo& info : diag::AllCodes()) {
    INFO("code " << info.name);
    auto e = diag::Explain(info.code);
    REQUIRE(e.has_value());
    REQUIRE_FALSE(e->example.empty());
    if (!e->example_checked) continue;  // a ```text example: not one policy file
    auto c = testing::CompileFinishedText(SplitFiles(e->example));
    bool found = false;
    for (const auto& d : c->diagnostics.items()) found = found || d.code == info.code;
    INFO("example:\n" << e->example << "reported: " << testing::Codes(*c));
    CHECK(found);
  }
}

TEST_CASE("only codes that cannot be shown in one file use a text example", "[explain]") {
  for (const diag::CodeInfo& info : diag::AllCodes()) {
    auto e = diag::Explain(info.code);
    if (!e || e->example_checked) continue;
    std::string name(info.name);
    INFO("code " << name);
    CHECK((name == "E0001" || name == "E0002" || name == "E0011"));
  }
}

TEST_CASE("docs/diagnostics.md is up to date", "[explain]") {
  std::ifstream in(std::string(STAVE_SOURCE_ROOT) + "/docs/diagnostics.md");
  std::stringstream text;
  text << in.rdbuf();
  // Regenerate with: ./build/compiler/stave explain --catalog > docs/diagnostics.md
  CHECK(text.str() == diag::Catalog());
}
