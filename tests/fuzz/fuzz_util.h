// What the libFuzzer targets share: one input as one policy file, and a
// failed invariant that aborts with what broke (libFuzzer saves the input).
#pragma once

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>

#include "compiler/driver/compilation.h"

namespace stave::fuzz {

[[noreturn]] inline void Fail(const char* what) {
  std::fprintf(stderr, "fuzz invariant broken: %s\n", what);
  std::abort();
}

inline void Require(bool ok, const char* what) {
  if (!ok) Fail(what);
}

inline std::unique_ptr<driver::Compilation> CompileText(std::string text) {
  std::vector<driver::SourceInput> inputs;
  inputs.push_back({"fuzz.policy", std::move(text)});
  return driver::Compile(std::move(inputs));
}

}  // namespace stave::fuzz
