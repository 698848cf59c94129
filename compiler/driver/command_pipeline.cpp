// The shared start of the compiling commands.
#include "compiler/driver/command_pipeline.h"

#include "compiler/driver/render.h"

#include <fmt/format.h>

namespace stave::driver {
void KeepUntilExit::operator()(pipeline::Compilation* c) const {
  // Never destroyed: reachable from here until the process exits.
  static auto* kept = new std::vector<pipeline::Compilation*>;
  kept->push_back(c);
}

CompilationPtr LoadAndCompile(std::vector<std::string> paths, const Options& options, FILE* machine,
                              Tests tests) {
  if (paths.empty()) paths.push_back(".");
  auto reading = std::chrono::steady_clock::now();
  pipeline::LoadResult loaded = pipeline::LoadPaths(paths);
  double read_ms = pipeline::MillisecondsSince(reading);
  PrintLoadNotes(loaded.notes, options);
  if (!loaded.errors.empty()) {
    PrintLoadErrors(loaded.errors, options, machine);
    return nullptr;
  }
  pipeline::PipelineOptions stages;
  stages.lowering = {options.trust_domain, options.istio_dry_run, options.access_log_provider};
  stages.drop_expectations = tests == Tests::Drop;
  CompilationPtr compilation(pipeline::CompileFinished(std::move(loaded.inputs), stages).release());
  compilation->read_ms = read_ms;
  return compilation;
}

void PrintTimings(const pipeline::Compilation& c, const std::string& extra) {
  fmt::print(stderr, "timings: read {:.1f} ms, parse {:.1f} ms, check {:.1f} ms, lower {:.1f} ms{}\n", c.read_ms,
             c.parse_ms, c.check_ms, c.lower_ms, extra);
}

}  // namespace stave::driver
