// What a Program need not retain (sema::Retain: the references, the test
// expectations) is still checked: `check` and `build` report exactly what
// a compilation that keeps everything reports, and lower the same objects.
#include <filesystem>

#include <catch2/catch.hpp>
#include <fmt/format.h>

#include "compiler/emit/yaml.h"
#include "test_util.h"

namespace fs = std::filesystem;
using namespace stave;

namespace {

std::string Described(const pipeline::Compilation& c) {
  std::string out;
  for (const diag::Diagnostic& d : c.diagnostics.items()) {
    out += fmt::format("{} {}:{}-{} {}\n", diag::Info(d.code).name, d.primary.span.file,
                       d.primary.span.begin, d.primary.span.end, d.message);
  }
  return out;
}

pipeline::PipelineOptions Lean() {
  pipeline::PipelineOptions options;
  options.retain = {.references = false, .expectations = false};
  return options;
}

}  // namespace

TEST_CASE("a lean compilation keeps no references or expectations", "[retain]") {
  const std::string text =
      "package shop\nnamespace prod\ngroup sre\nuser ana = \"ana@example.com\"\n"
      "allow sre to view in prod\n"
      "test \"views\" {\n  expect allow sre to get pods in prod\n  expect deny ana to get pods in prod\n"
      "  expect allow sre to get pods in prodd\n}\n";
  auto full = pipeline::CompileFinished({{"a.policy", text}}, {});
  auto lean = pipeline::CompileFinished({{"a.policy", text}}, Lean());
  REQUIRE(!full->program->references.empty());
  REQUIRE(full->program->tests.size() == 1);
  CHECK(full->program->tests[0].expectations.size() == 2);  // the third does not resolve
  CHECK(lean->program->references.empty());
  CHECK(lean->program->tests.empty());
  const sema::Program& p = *lean->program;
  const syntax::File& file = *p.files.back();
  REQUIRE(file.tests.size() == 1);
  CHECK(file.tests[0].expectations.empty());  // freed once checked
  // The misspelt namespace is reported either way, with its did-you-mean.
  CHECK(testing::Codes(*lean) == "E0101");
  CHECK(Described(*lean) == Described(*full));
}

TEST_CASE("every golden and example program reports and lowers the same when lean", "[retain]") {
  std::vector<fs::path> programs;
  for (const char* area : {"examples", "golden/check", "golden/build", "golden/test"}) {
    for (const auto& entry : fs::directory_iterator(fs::path(STAVE_SOURCE_ROOT) / area)) {
      if (entry.is_directory()) programs.push_back(entry.path());
    }
  }
  std::sort(programs.begin(), programs.end());
  size_t compared = 0;
  for (const fs::path& dir : programs) {
    pipeline::LoadResult loaded = pipeline::LoadPaths({dir.string()});
    if (!loaded.errors.empty() || loaded.inputs.empty()) continue;
    INFO(dir.string());
    auto full = pipeline::CompileFinished(loaded.inputs, {});
    auto lean = pipeline::CompileFinished(std::move(loaded.inputs), Lean());
    CHECK(Described(*lean) == Described(*full));
    CHECK(emit::EmitStream(lean->output) == emit::EmitStream(full->output));
    ++compared;
  }
  CHECK(compared > 100);
}
