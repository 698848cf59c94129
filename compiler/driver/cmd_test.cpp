// `stave test [PATH…]`: builds the program and runs its test blocks against
// the generated objects; one line per test, details under each failure,
// and `N passed, N failed`. Exit 1 when a test fails or the policy has
// errors. With `--format json|sarif|github` the results go into that
// document instead of the text lines.
#include <fmt/format.h>

#include "compiler/driver/command_pipeline.h"
#include "compiler/driver/commands.h"
#include "compiler/driver/render.h"
#include "compiler/eval/expectations.h"
#include "compiler/pipeline/compilation.h"

namespace stave::driver {
namespace {

void PrintHuman(const std::vector<eval::TestResult>& results) {
  for (const eval::TestResult& r : results) {
    if (r.passed()) {
      fmt::print("ok   {} ({} expectation{})\n", r.name, r.expectations,
                 r.expectations == 1 ? "" : "s");
      continue;
    }
    fmt::print("FAIL {} ({})\n", r.name, r.location);
    for (const eval::Failure& f : r.failures) {
      fmt::print("  {}  ({})\n    request: {}\n    {}\n", f.expectation, f.location, f.request,
                 f.decided);
    }
  }
}

}  // namespace

int RunTest(const Options& options) {
  auto compilation = LoadAndCompile(options.args, options, MachineStream(options, false));
  if (!compilation) return kExitUsage;
  Timings timings(options);
  int code = ExitCodeFor(compilation->diagnostics, options);
  std::vector<eval::TestResult> results;
  if (code == kExitOk) {
    results = eval::RunTests(*compilation->program, compilation->output, options.trust_domain);
  }
  timings.Lap("test");
  diag::RunReport report;
  report.has_tests = code == kExitOk;
  for (const eval::TestResult& r : results) {
    (r.passed() ? report.tests_passed : report.tests_failed)++;
    report.test_cases.push_back({r.name, r.location, r.expectations});
    for (const eval::Failure& f : r.failures) {
      report.test_failures.push_back(
          {r.name, f.span, fmt::format("{} — request: {}; {}", f.expectation, f.request, f.decided)});
    }
  }
  PrintDiagnostics(compilation->diagnostics, compilation->sources, options,
                   MachineStream(options, false), &report);
  if (code == kExitOk && (options.format == Format::Human || options.format == Format::Github)) {
    PrintHuman(results);  // the text lines
    fmt::print("{} passed, {} failed\n", report.tests_passed, report.tests_failed);
  }
  timings.Lap("report");
  timings.Print(*compilation);
  if (code != kExitOk) return code;
  return report.tests_failed > 0 ? kExitPolicyError : kExitOk;
}

}  // namespace stave::driver
