// libFuzzer target: any bytes as one policy file through parse and check.
// Built only with `-Dfuzz=true` (clang); the suite runs it for ~20 s and
// docs/fuzzing.md says how to run it for hours.
#include <cstddef>
#include <cstdint>
#include <string>

#include "compiler/pipeline/compilation.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::vector<stave::pipeline::SourceInput> inputs;
  inputs.push_back({"fuzz.policy", std::string(reinterpret_cast<const char*>(data), size)});
  auto compilation = stave::pipeline::Compile(std::move(inputs));
  // Rendering walks every span; a bad span would be found here.
  for (const auto& d : compilation->diagnostics.items()) {
    (void)compilation->sources.file(d.primary.span.valid() ? d.primary.span.file : 0)
        .position(d.primary.span.begin);
  }
  return 0;
}
