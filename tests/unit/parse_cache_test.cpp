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
