// The language server's parse cache: a recheck that reuses the parses of
// unchanged files must report exactly what a compilation from scratch does.
#include <catch2/catch.hpp>

#include <fmt/format.h>

#include "compiler/pipeline/compilation.h"

using namespace stave;

namespace {

using Files = std::vector<std::pair<std::string, std::string>>;

std::vector<pipeline::SourceInput> Inputs(const Files& files) {
  std::vector<pipeline::SourceInput> inputs;
  for (const auto& [path, text] : files) inputs.push_back({path, text});
  return inputs;
}

// Every diagnostic with the file and offsets of its primary span.
std::string Report(const pipeline::Compilation& c) {
  std::string out;
  for (const auto& d : c.diagnostics.items()) {
    const auto& span = d.primary.span;
    std::string file = span.valid() ? c.sources.file(span.file).path() : "-";
    out += fmt::format("{} {}:{}-{} {}\n", diag::Info(d.code).name, file, span.begin, span.end,
                       d.message);
  }
  return out;
}

void SameAsFresh(const Files& files, pipeline::ParseCache& cache) {
  auto cached = pipeline::Compile(Inputs(files), &cache);
  auto fresh = pipeline::Compile(Inputs(files));
  CHECK(Report(*cached) == Report(*fresh));
  CHECK(cached->program->api_rules.size() == fresh->program->api_rules.size());
  CHECK(cache.size() == files.size());
}

}  // namespace

TEST_CASE("rechecks with the parse cache report what a fresh compile does", "[driver]") {
  pipeline::ParseCache cache;
  Files files = {
      {"b.policy", "package shop\nnamespace prod\nallow sre to view in prod\n"},
      {"c.policy", "package shop\ngroup sre\nallow sre to edit in staging\n"},  // E: staging
  };
  SameAsFresh(files, cache);
  // The std files come first, so the user's files are the last two ids.
  auto first = pipeline::Compile(Inputs(files), &cache);
  base::FileId b_id = first->sources.size() - 2, c_id = first->sources.size() - 1;
  // Unchanged text under the same id is found; changed text is not.
  CHECK(cache.Find("b.policy", b_id, files[0].second) != nullptr);
  CHECK(cache.Find("b.policy", b_id, files[0].second + "\n") == nullptr);
  CHECK(cache.Find("b.policy", c_id, files[0].second) == nullptr);

  // An edit in one file.
  files[1].second = "package shop\ngroup sre\nallow sre to edit in prdo\n";
  SameAsFresh(files, cache);

  // A file sorted first moves every id: reused spans would name the wrong
  // file, so nothing may be reused under its old id.
  files.insert(files.begin(), {"a.policy", "package shop\nuser ann\nallow ann to nope in prod\n"});
  SameAsFresh(files, cache);

  // A file removed leaves the cache.
  files.erase(files.begin() + 1);
  SameAsFresh(files, cache);
  CHECK(cache.Find("b.policy", b_id, "package shop\nnamespace prod\nallow sre to view in prod\n") ==
        nullptr);

  // Syntax errors come back from the cache too.
  files[0].second = "package shop\nallow to\n";
  SameAsFresh(files, cache);
  SameAsFresh(files, cache);
}

TEST_CASE("a recheck shares the unchanged files' trees with the cache, never copies them",
          "[driver]") {
  pipeline::ParseCache cache;
  Files files = {
      {"a.policy", "package shop\nnamespace prod\ngroup sre\n"},
      {"b.policy", "package shop\nallow sre to view in prod\n"},
  };
  auto first = pipeline::Compile(Inputs(files), &cache);
  files[1].second += "allow sre to edit in prod\n";
  auto second = pipeline::Compile(Inputs(files), &cache);
  size_t a = first->program->files.size() - 2, b = a + 1;
  CHECK(first->program->files[a].get() == second->program->files[a].get());
  CHECK(first->program->files[b].get() != second->program->files[b].get());
  // The std library's trees are parsed once per process.
  CHECK(first->program->files[0].get() == second->program->files[0].get());
}

TEST_CASE("a compilation that drops expectations leaves the cache's trees whole", "[driver]") {
  pipeline::ParseCache cache;
  Files files = {{"t.policy",
                  "package shop\nnamespace prod\ngroup sre\nallow sre to view in prod\n"
                  "test \"sre views\" {\n  expect allow sre to get pods in prod\n}\n"}};
  sema::Retain lean;
  lean.expectations = false;
  auto checked = pipeline::Compile(Inputs(files), &cache, lean);
  REQUIRE(!checked->diagnostics.has_errors());
  const syntax::File& tree = *checked->program->files.back();
  REQUIRE(tree.tests.size() == 1);
  // Shared with the cache: a later compilation that evaluates tests finds
  // the expectations still there.
  CHECK(tree.tests[0].expectations.size() == 1);
  auto again = pipeline::Compile(Inputs(files), &cache);
  CHECK(again->program->files.back().get() == &tree);
  CHECK(again->program->tests.size() == 1);
  // Without a cache the tree is the Program's alone, and is trimmed.
  auto alone = pipeline::Compile(Inputs(files), nullptr, lean);
  CHECK(alone->program->files.back()->tests[0].expectations.empty());
}
