// Output must not depend on the order of files, declarations and rules
// (spec §8). For every example and golden build case, the items of each
// file are shuffled, files are renamed so they sort differently, and every
// item is split into a file of its own; each variant must lower to the
// same bytes.
#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>

#include <catch2/catch.hpp>
#include <fmt/format.h>

#include "compiler/emit/yaml.h"
#include "compiler/lower/lower.h"
#include "compiler/syntax/parse.h"
#include "test_util.h"

namespace fs = std::filesystem;
using namespace stave;

namespace {

using Files = std::vector<std::pair<std::string, std::string>>;

Files ReadCase(const fs::path& dir) {
  Files files;
  for (const auto& entry : fs::recursive_directory_iterator(dir)) {
    if (entry.path().extension() != ".policy") continue;
    std::ifstream in(entry.path());
    std::stringstream text;
    text << in.rdbuf();
    files.emplace_back(fs::relative(entry.path(), dir).string(), text.str());
  }
  std::sort(files.begin(), files.end());
  return files;
}

std::string Build(const Files& files) {
  auto c = testing::CompileText(files);
  if (c->diagnostics.has_errors()) return "errors";
  diag::DiagnosticList diags;
  lower::Output out = lower::Lower(*c->program, {}, diags);
  return emit::EmitStream(out);
}

// A file as its header (package and imports) and its items, each with the
// comments and blank lines before it.
struct Split {
  std::string header;
  std::vector<std::string> items;
};

Split SplitFile(const std::string& text) {
  base::SourceSet set;
  syntax::ParseResult r = syntax::Parse(set, set.add("x.policy", text));
  std::vector<std::pair<uint32_t, uint32_t>> spans;
  for (const auto& d : r.file.decls) spans.emplace_back(d.span.begin, d.span.end);
  for (const auto& rule : r.file.rules) spans.emplace_back(rule.span.begin, rule.span.end);
  for (const auto& t : r.file.tests) spans.emplace_back(t.span.begin, t.span.end);
  std::sort(spans.begin(), spans.end());
  uint32_t header_end = r.file.package ? r.file.package->span.end : 0;
  for (const auto& imp : r.file.imports) header_end = std::max(header_end, imp.span.end);
  Split s;
  s.header = text.substr(0, header_end) + "\n";
  uint32_t prev = header_end;
  for (const auto& [begin, end] : spans) {
    s.items.push_back(text.substr(prev, end - prev) + "\n");
    prev = end;
  }
  return s;
}

std::vector<fs::path> Cases() {
  std::vector<fs::path> out;
  fs::path root(STAVE_SOURCE_ROOT);
  for (const auto& e : fs::directory_iterator(root / "examples")) out.push_back(e.path());
  if (fs::exists(root / "golden" / "build")) {
    for (const auto& e : fs::directory_iterator(root / "golden" / "build")) {
      if (e.path().filename().string().rfind("fail_", 0) != 0) out.push_back(e.path());
    }
  }
  std::sort(out.begin(), out.end());
  return out;
}

}  // namespace

TEST_CASE("lowered output does not depend on source order", "[determinism]") {
  for (const fs::path& dir : Cases()) {
    Files original = ReadCase(dir);
    std::string expected = Build(original);
    INFO("case: " << dir.string());
    REQUIRE(expected != "errors");
    for (unsigned seed = 1; seed <= 3; ++seed) {
      std::mt19937 rng(seed);
      Files shuffled;
      Files one_per_item;
      for (size_t i = 0; i < original.size(); ++i) {
        Split s = SplitFile(original[i].second);
        std::shuffle(s.items.begin(), s.items.end(), rng);
        std::string text = s.header;
        for (const auto& item : s.items) text += item;
        // Renamed so that files sort in another order.
        shuffled.emplace_back(std::to_string(rng() % 1000) + "_" + std::to_string(i) + ".policy", text);
        for (size_t k = 0; k < s.items.size(); ++k) {
          one_per_item.emplace_back(std::to_string(rng() % 100000) + "_" + std::to_string(i) + "_" +
                                        std::to_string(k) + ".policy",
                                    s.header + s.items[k]);
        }
      }
      CHECK(Build(shuffled) == expected);
      CHECK(Build(one_per_item) == expected);
    }
  }
}

namespace {

// Diagnostics as text (code, span, message), in order, and the YAML.
std::string Outcome(const Files& files) {
  auto c = testing::CompileFinishedText(files);
  std::string out;
  for (const auto& d : c->diagnostics.items()) {
    out += fmt::format("{} {}:{}-{} {}\n", diag::Info(d.code).name, d.primary.span.file,
                       d.primary.span.begin, d.primary.span.end, d.message);
  }
  return out + emit::EmitStream(c->output);
}

struct ThreadsEnv {
  explicit ThreadsEnv(const char* n) { ::setenv("STAVE_THREADS", n, 1); }
  ~ThreadsEnv() { ::unsetenv("STAVE_THREADS"); }
};

}  // namespace

TEST_CASE("parsing on several threads gives the one-thread result", "[determinism]") {
  // Enough text (over 256 KiB) for the parser to use its threads; some
  // files with syntax errors, whose diagnostics must keep file order.
  Files files;
  for (int i = 0; i < 400; ++i) {
    std::string text = fmt::format("package team{0}\nnamespace prod = \"team{0}-prod\"\n", i);
    for (int j = 0; j < 12; ++j) {
      text += fmt::format("group g{0} = \"team{1}-group-{0}-with-a-longer-name\"\n"
                          "allow g{0} to view in prod\n", j, i);
    }
    if (i % 37 == 0) text += "allow to view in prod\n";    // E0007
    if (i % 53 == 0) text += "group broken = \"open\n";    // unterminated string
    files.emplace_back(fmt::format("team{:03}/a.policy", i), text);
  }
  size_t bytes = 0;
  for (const auto& [path, text] : files) bytes += text.size();
  REQUIRE(bytes > (256u << 10));
  std::string one, many;
  {
    ThreadsEnv env("1");
    one = Outcome(files);
  }
  {
    ThreadsEnv env("4");
    many = Outcome(files);
  }
  CHECK(one.find("E0007") != std::string::npos);
  CHECK(one == many);
}
