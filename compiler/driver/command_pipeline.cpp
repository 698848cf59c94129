// The shared start of the compiling commands.
#include "compiler/driver/command_pipeline.h"

#include "compiler/driver/render.h"

#include <fmt/format.h>

namespace stave::driver {
namespace {

// Keeps each test block's span, which `stave:allow` comments attach to.
void DropExpectations(sema::Program& program) {
  program.tests.clear();
  program.tests.shrink_to_fit();
  for (syntax::File& file : program.files) {
    for (syntax::TestBlock& block : file.tests) {
      block.expectations.clear();
      block.expectations.shrink_to_fit();
    }
  }
}

}  // namespace

void KeepUntilExit::operator()(Compilation* c) const {
  // Never destroyed: reachable from here until the process exits.
  static auto* kept = new std::vector<Compilation*>;
  kept->push_back(c);
}

CompilationPtr LoadAndCompile(std::vector<std::string> paths, const Options& options, FILE* machine,
                              Tests tests) {
  if (paths.empty()) paths.push_back(".");
  auto reading = std::chrono::steady_clock::now();
  LoadResult loaded = LoadPaths(paths);
  double read_ms = MillisecondsSince(reading);
  PrintLoadNotes(loaded.notes, options);
  if (!loaded.errors.empty()) {
    PrintLoadErrors(loaded.errors, options, machine);
    return nullptr;
  }
  CompilationPtr compilation(Compile(std::move(loaded.inputs)).release());
  compilation->read_ms = read_ms;
  if (tests == Tests::Drop) DropExpectations(*compilation->program);
  LowerChecked(*compilation, {options.trust_domain, options.istio_dry_run, options.access_log_provider});
  FinishDiagnostics(*compilation);
  return compilation;
}

void PrintTimings(const Compilation& c, const std::string& extra) {
  fmt::print(stderr, "timings: read {:.1f} ms, parse {:.1f} ms, check {:.1f} ms, lower {:.1f} ms{}\n", c.read_ms,
             c.parse_ms, c.check_ms, c.lower_ms, extra);
}

}  // namespace stave::driver
