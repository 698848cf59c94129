// The shared start of the compiling commands.
#include "compiler/driver/command_pipeline.h"

#include "compiler/base/process_clock.h"
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
  double start_ms =
      std::chrono::duration<double, std::milli>(reading - base::ProcessStart()).count();
  pipeline::LoadResult loaded = pipeline::LoadPaths(paths);
  double read_ms = pipeline::MillisecondsSince(reading);
  PrintLoadNotes(loaded.notes, options);
  if (!loaded.errors.empty()) {
    PrintLoadErrors(loaded.errors, options, machine);
    return nullptr;
  }
  pipeline::PipelineOptions stages;
  stages.lowering = {options.trust_domain, options.istio_dry_run, options.access_log_provider};
  // the references are the language server's
  stages.retain = {.references = false, .expectations = tests == Tests::Keep};
  CompilationPtr compilation(pipeline::CompileFinished(std::move(loaded.inputs), stages).release());
  compilation->start_ms = start_ms;
  compilation->read_ms = read_ms;
  return compilation;
}

Timings::Timings(const Options& options)
    : on_(options.timings), last_(std::chrono::steady_clock::now()) {}

void Timings::Lap(std::string name) {
  if (!on_) return;
  laps_.emplace_back(std::move(name), pipeline::MillisecondsSince(last_));
  last_ = std::chrono::steady_clock::now();
}

void Timings::Print(const pipeline::Compilation& c) const {
  if (!on_) return;
  std::string line = fmt::format(
      "timings: start {:.1f} ms, read {:.1f} ms, parse {:.1f} ms, check {:.1f} ms, lower {:.1f} ms",
      c.start_ms, c.read_ms, c.parse_ms, c.check_ms, c.lower_ms);
  for (const auto& [name, ms] : laps_) line += fmt::format(", {} {:.1f} ms", name, ms);
  fmt::print(stderr, "{}\n", line);
}

}  // namespace stave::driver
