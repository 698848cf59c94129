// `stave test [PATH…]`: builds the program and runs its test blocks against
// the generated objects; one line per test, details under each failure,
// and `N passed, N failed`. Exit 1 when a test fails or the policy has
// errors.
#include <fmt/format.h>

#include "compiler/driver/commands.h"
#include "compiler/driver/compilation.h"
#include "compiler/driver/render.h"
#include "compiler/eval/expectations.h"

namespace stave::driver {

int RunTest(const Options& options) {
  std::vector<std::string> paths = options.args;
  if (paths.empty()) paths.push_back(".");
  LoadResult loaded = LoadPaths(paths);
  if (!loaded.errors.empty()) {
    PrintLoadErrors(loaded.errors, options, stderr);
    return kExitUsage;
  }
  auto compilation = Compile(std::move(loaded.inputs));
  LowerChecked(*compilation, {options.trust_domain, options.istio_dry_run});
  FinishDiagnostics(*compilation);
  PrintDiagnostics(compilation->diagnostics, compilation->sources, options, stderr);
  if (int code = ExitCodeFor(compilation->diagnostics, options); code != kExitOk) return code;

  auto results = eval::RunTests(*compilation->program, compilation->output, options.trust_domain);
  size_t passed = 0, failed = 0;
  for (const eval::TestResult& r : results) {
    if (r.passed()) {
      ++passed;
      fmt::print("ok   {} ({} expectation{})\n", r.name, r.expectations,
                 r.expectations == 1 ? "" : "s");
      continue;
    }
    ++failed;
    fmt::print("FAIL {} ({})\n", r.name, r.location);
    for (const eval::Failure& f : r.failures) {
      fmt::print("  {}  ({})\n    request: {}\n    {}\n", f.expectation, f.location, f.request,
                 f.decided);
    }
  }
  fmt::print("{} passed, {} failed\n", passed, failed);
  return failed > 0 ? kExitPolicyError : kExitOk;
}

}  // namespace stave::driver
