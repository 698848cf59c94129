// The shared start of the compiling commands.
#include "compiler/driver/command_pipeline.h"

#include "compiler/driver/render.h"

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

std::unique_ptr<Compilation> LoadAndCompile(std::vector<std::string> paths, const Options& options,
                                            FILE* machine, Tests tests) {
  if (paths.empty()) paths.push_back(".");
  LoadResult loaded = LoadPaths(paths);
  PrintLoadNotes(loaded.notes, options);
  if (!loaded.errors.empty()) {
    PrintLoadErrors(loaded.errors, options, machine);
    return nullptr;
  }
  auto compilation = Compile(std::move(loaded.inputs));
  if (tests == Tests::Drop) DropExpectations(*compilation->program);
  LowerChecked(*compilation, {options.trust_domain, options.istio_dry_run, options.access_log_provider});
  FinishDiagnostics(*compilation);
  return compilation;
}

}  // namespace stave::driver
