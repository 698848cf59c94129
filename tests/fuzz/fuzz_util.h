// What the libFuzzer targets share: one input as one policy file, and a
// failed invariant that aborts with what broke (libFuzzer saves the input).
#pragma once

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>

#include "compiler/pipeline/compilation.h"

namespace stave::fuzz {

[[noreturn]] inline void Fail(const char* what) {
  std::fprintf(stderr, "fuzz invariant broken: %s\n", what);
  std::abort();
}

inline void Require(bool ok, const char* what) {
  if (!ok) Fail(what);
}

inline std::unique_ptr<pipeline::Compilation> CompileText(std::string text) {
  std::vector<pipeline::SourceInput> inputs;
  inputs.push_back({"fuzz.policy", std::move(text)});
  return pipeline::Compile(std::move(inputs));
}

// Checked and lowered when there are no errors, as `stave build` compiles.
inline std::unique_ptr<pipeline::Compilation> BuildText(std::string text, const lower::LowerOptions& lowering = {}) {
  std::vector<pipeline::SourceInput> inputs;
  inputs.push_back({"fuzz.policy", std::move(text)});
  pipeline::PipelineOptions options;
  options.lowering = lowering;
  return pipeline::CompileFinished(std::move(inputs), options);
}

}  // namespace stave::fuzz
