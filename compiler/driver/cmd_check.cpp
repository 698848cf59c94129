// `stave check [PATH…]`: parse and type-check, print diagnostics.
#include <fmt/format.h>

#include "compiler/driver/command_pipeline.h"
#include "compiler/driver/commands.h"
#include "compiler/pipeline/compilation.h"
#include "compiler/driver/render.h"

namespace stave::driver {

int RunCheck(const Options& options) {
  auto compilation = LoadAndCompile(options.args, options, MachineStream(options, false), Tests::Drop);
  if (!compilation) return kExitUsage;
  if (options.timings) PrintTimings(*compilation);
  PrintDiagnostics(compilation->diagnostics, compilation->sources, options,
                   MachineStream(options, false), nullptr, SuccessLine::Caller);
  int code = ExitCodeFor(compilation->diagnostics, options);
  if (code == kExitOk) {
    PrintSuccessSummary("checked", compilation->sources, compilation->output.objects.size(),
                        compilation->diagnostics, options);
  }
  return code;
}

}  // namespace stave::driver
