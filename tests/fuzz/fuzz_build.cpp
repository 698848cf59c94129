// libFuzzer target: any bytes as one policy file through check, lowering
// and YAML emission (what `stave build` does without the disk). Invariants:
// emission is deterministic (a second lowering and emission give the same
// bytes), every emitted file parses as YAML, and the kustomization lists
// every namespace file.
#include <yaml-cpp/yaml.h>

#include "compiler/emit/yaml.h"
#include "tests/fuzz/fuzz_util.h"

using namespace stave;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  lower::LowerOptions options;
  auto c = fuzz::BuildText(std::string(reinterpret_cast<const char*>(data), size), options);
  if (c->diagnostics.has_errors()) return 0;
  std::map<std::string, std::string> files = emit::EmitFiles(c->output);
  diag::DiagnosticList again_diags;
  lower::Output again = lower::Lower(*c->program, options, again_diags);
  fuzz::Require(emit::EmitFiles(again) == files, "lowering and emission are not deterministic");
  fuzz::Require(emit::EmitStream(again) == emit::EmitStream(c->output), "the stream differs");
  for (const auto& [path, text] : files) {
    std::vector<YAML::Node> docs;
    try {
      docs = YAML::LoadAll(text);
    } catch (const YAML::Exception& e) {
      std::fprintf(stderr, "%s: %s\n", path.c_str(), e.what());
      fuzz::Fail("emitted YAML does not parse");
    }
    fuzz::Require(!docs.empty(), "an emitted file holds no document");
    // audit-policy.yaml is a kube-apiserver file, not an API object: it is
    // deliberately left out of the kustomization (spec §14).
    if (path == "audit-policy.yaml") {
      fuzz::Require(files.at("kustomization.yaml").find(path) == std::string::npos,
                    "the kustomization lists the audit policy file");
    } else if (path != "kustomization.yaml") {
      fuzz::Require(files.at("kustomization.yaml").find("- " + path + "\n") != std::string::npos,
                    "the kustomization does not list a file");
    }
  }
  return 0;
}
