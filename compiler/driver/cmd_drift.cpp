// `stave drift [PATH…] --cluster FILE|DIR|-`: the program's objects
// against a cluster dump (spec §15). Exit 0 no drift, 1 drift (or a
// malformed dump or policy errors), 2 bad usage or unreadable input.
#include <fmt/format.h>

#include "compiler/drift/drift.h"
#include "compiler/driver/command_pipeline.h"
#include "compiler/driver/commands.h"
#include "compiler/driver/drift_report.h"
#include "compiler/driver/kube_load.h"
#include "compiler/driver/render.h"

namespace stave::driver {

int RunDrift(const Options& options) {
  if (options.cluster.empty()) {
    fmt::print(stderr, "stave: error: `stave drift` needs `--cluster FILE|DIR|-`, the dump to compare "
                       "(kubectl get … -A -o yaml)\n");
    return kExitUsage;
  }
  auto compilation = LoadAndCompile(options.args, options, stderr, Tests::Drop);
  if (!compilation) return kExitUsage;
  if (compilation->diagnostics.has_errors()) {
    Options human = options;
    human.format = Format::Human;
    PrintDiagnostics(compilation->diagnostics, compilation->sources, human, stderr);
    return kExitPolicyError;
  }
  kube::ReadResult dump;
  int read = ReadKube({options.cluster}, options.default_namespace, dump, stderr);
  if (read != kExitOk) return read;
  drift::Report report =
      drift::Compare(*compilation->program, compilation->output, dump.objects, options.trust_domain);
  fmt::print("{}", RenderDriftReport(report, options.format, compilation->sources, options.docs_url));
  return report.findings.empty() ? kExitOk : kExitPolicyError;
}

}  // namespace stave::driver
