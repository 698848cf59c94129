// Helpers for unit tests: compile policy text held in strings.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "compiler/pipeline/compilation.h"

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

}  // namespace stave::testing
