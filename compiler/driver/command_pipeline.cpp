// The shared start of the compiling commands.
#include "compiler/driver/command_pipeline.h"

#include "compiler/driver/render.h"

namespace stave::driver {

std::unique_ptr<Compilation> LoadAndCompile(std::vector<std::string> paths, const Options& options,
                                            FILE* machine) {
  if (paths.empty()) paths.push_back(".");
  LoadResult loaded = LoadPaths(paths);
  if (!loaded.errors.empty()) {
    PrintLoadErrors(loaded.errors, options, machine);
    return nullptr;
  }
  auto compilation = Compile(std::move(loaded.inputs));
  LowerChecked(*compilation, {options.trust_domain, options.istio_dry_run});
  FinishDiagnostics(*compilation);
  return compilation;
}

}  // namespace stave::driver
