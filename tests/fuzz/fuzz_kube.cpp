// libFuzzer target for the Kubernetes YAML reader of `stave import` and
// `stave drift` (spec §15): any bytes, as one input file, must come back
// as objects, errors or notes, never a crash, a hang or unbounded memory.
#include <cstddef>
#include <cstdint>
#include <string>

#include "compiler/kube/objects.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string text(reinterpret_cast<const char*>(data), size);
  stave::kube::ReadResult r = stave::kube::ReadObjects({{"fuzz.yaml", text}}, "default");
  (void)stave::kube::ModelOutput(r.objects);
  return 0;
}
