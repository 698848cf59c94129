// Helpers for unit tests: compile policy text held in strings.
#pragma once

#include <algorithm>
#include <filesystem>
#include <functional>
#include <string>
#include <utility>
#include <vector>

#include "compiler/pipeline/compilation.h"
#include "compiler/pipeline/load.h"

namespace stave::testing {

inline std::unique_ptr<pipeline::Compilation> CompileText(
    std::vector<std::pair<std::string, std::string>> files) {
  std::vector<pipeline::SourceInput> inputs;
  for (auto& [path, text] : files) inputs.push_back({path, text});
  return pipeline::Compile(std::move(inputs));
}

// Parsed, checked, lowered when there are no errors, diagnostics finished:
// what `stave check` reports.
inline std::unique_ptr<pipeline::Compilation> CompileFinishedText(
    std::vector<std::pair<std::string, std::string>> files) {
  std::vector<pipeline::SourceInput> inputs;
  for (auto& [path, text] : files) inputs.push_back({path, text});
  return pipeline::CompileFinished(std::move(inputs), {});
}

inline std::unique_ptr<pipeline::Compilation> CompileOne(const std::string& text) {
  return CompileText({{"a.policy", text}});
}

// The codes of all diagnostics, in order: "E0101 W0101".
inline std::string Codes(const pipeline::Compilation& c) {
  std::string out;
  for (const auto& d : c.diagnostics.items()) {
    if (!out.empty()) out += ' ';
    out += std::string(diag::Info(d.code).name);
  }
  return out;
}

// The source text under a diagnostic's primary span.
inline std::string Underlined(const pipeline::Compilation& c, size_t index) {
  const auto& d = c.diagnostics.items().at(index);
  auto text = c.sources.file(d.primary.span.file).text();
  return std::string(text.substr(d.primary.span.begin, d.primary.span.size()));
}

// Every program directory under `areas` (folders of the source tree, such
// as `examples` and `golden/build`), read and finished as `stave build`
// would, in path order; those with errors (failing cases write nothing)
// are skipped. `use` sees the directory and the compilation.
inline void ForEachBuildingProgram(
    const std::vector<std::string>& areas,
    const std::function<void(const std::string&, const pipeline::Compilation&)>& use) {
  namespace fs = std::filesystem;
  std::vector<fs::path> programs;
  for (const std::string& area : areas) {
    for (const auto& entry : fs::directory_iterator(fs::path(STAVE_SOURCE_ROOT) / area)) {
      if (entry.is_directory()) programs.push_back(entry.path());
    }
  }
  std::sort(programs.begin(), programs.end());
  for (const fs::path& dir : programs) {
    pipeline::LoadResult loaded = pipeline::LoadPaths({dir.string()});
    if (!loaded.errors.empty()) continue;
    auto c = pipeline::CompileFinished(std::move(loaded.inputs), {});
    if (c->diagnostics.has_errors()) continue;
    use(dir.string(), *c);
  }
}

}  // namespace stave::testing
