// `stave check [PATH…]`: parse and type-check, print diagnostics.
#include <fmt/format.h>

#include "compiler/driver/command_pipeline.h"
#include "compiler/driver/commands.h"
#include "compiler/driver/render.h"
#include "compiler/pipeline/compilation.h"

namespace stave::driver {

int RunCheck(const Options& options) {
  auto compilation = LoadAndCompile(options.args, options, MachineStream(options, false), Tests::Drop);
  if (!compilation) return kExitUsage;
  Timings timings(options);
  PrintDiagnostics(compilation->diagnostics, compilation->sources, options,
                   MachineStream(options, false), nullptr, SuccessLine::Caller);
  int code = ExitCodeFor(compilation->diagnostics, options);
  if (code == kExitOk) {
    PrintSuccessSummary("checked", compilation->sources, compilation->output.objects.size(),
                        compilation->diagnostics, options);
  }
  timings.Lap("report");
  timings.Print(*compilation);
  return code;
}

}  // namespace stave::driver
