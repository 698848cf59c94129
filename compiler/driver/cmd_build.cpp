// `stave build [PATH…] [-o DIR]`: check, lower and emit. Nothing is written
// when the program has errors; without `-o` the objects go to stdout.
#include <fmt/format.h>

#include "compiler/driver/command_pipeline.h"
#include "compiler/driver/commands.h"
#include "compiler/driver/render.h"
#include "compiler/driver/write_output.h"
#include "compiler/emit/yaml.h"
#include "compiler/lower/lower.h"
#include "compiler/pipeline/compilation.h"

namespace stave::driver {
namespace {

// A namespace called `cluster` or `kustomization` would share a file name
// with the cluster-scoped objects or the kustomization.
std::vector<std::string> FileNameClashes(const lower::Output& out) {
  std::vector<std::string> errors;
  for (const lower::Object& o : out.objects) {
    if (o.meta.ns == "cluster" || o.meta.ns == "kustomization") {
      errors.push_back(fmt::format("namespace `{}` cannot be written to `{}.yaml`, which `build -o` "
                                   "uses for {}; write to stdout instead",
                                   o.meta.ns, o.meta.ns,
                                   o.meta.ns == "cluster" ? "cluster-scoped objects"
                                                          : "the kustomization"));
      break;
    }
  }
  return errors;
}

}  // namespace

int RunBuild(const Options& options) {
  auto compilation =
      LoadAndCompile(options.args, options, MachineStream(options, options.output_dir.empty()),
                     Tests::Drop);
  if (!compilation) return kExitUsage;
  Timings timings(options);
  const lower::Output& output = compilation->output;
  PrintDiagnostics(compilation->diagnostics, compilation->sources, options,
                   MachineStream(options, options.output_dir.empty()), nullptr, SuccessLine::Caller);
  timings.Lap("report");
  if (int code = ExitCodeFor(compilation->diagnostics, options); code != kExitOk) {
    timings.Print(*compilation);
    return code;
  }
  // Emission needs only the lowered objects: free the syntax trees and the
  // checked program first, so that they and the YAML never peak together.
  compilation->program.reset();
  timings.Lap("free");
  auto summary = [&](std::string_view where) {
    PrintSuccessSummary("built", compilation->sources, output.objects.size(),
                        compilation->diagnostics, options, where);
  };

  if (options.output_dir.empty()) {
    std::string stream = emit::EmitStream(output);
    timings.Lap("emit");
    fmt::print("{}", stream);
    std::fflush(stdout);
    summary("");
    timings.Lap("write");
    timings.Print(*compilation);
    return kExitOk;
  }
  std::vector<std::string> errors = FileNameClashes(output);
  WriteResult written;
  if (errors.empty()) {
    auto files = emit::EmitFiles(output);
    timings.Lap("emit");
    written = WriteOutputDir(options.output_dir, files);
    for (const std::string& note : written.notes) fmt::print(stderr, "stave: note: {}\n", note);
    errors = written.errors;
  }
  if (!errors.empty()) {
    for (const std::string& e : errors) fmt::print(stderr, "stave: error: {}\n", e);
    return kExitUsage;
  }
  size_t changed = written.written.size() + written.removed.size();
  summary(fmt::format(" in {} ({} file{} changed)", options.output_dir, changed, changed == 1 ? "" : "s"));
  timings.Lap("write");
  timings.Print(*compilation);
  return kExitOk;
}

}  // namespace stave::driver
