// The compilation pipeline that the CLI and the language server share:
// sources in (with the std library added), parsed files and the checked
// program out, with every diagnostic. Pure: no disk, no output.
#pragma once

#include <chrono>
#include <memory>
#include <vector>

#include "compiler/base/source.h"
#include "compiler/diag/diagnostic.h"
#include "compiler/driver/load.h"
#include "compiler/lower/lower.h"
#include "compiler/sema/program.h"

namespace stave::driver {

struct Compilation {
  base::SourceSet sources;
  std::unique_ptr<sema::Program> program;
  diag::DiagnosticList diagnostics;  // sorted
  lower::Output output;              // set by LowerChecked when there are no errors
  // Time per stage in milliseconds, for `--timings` and bench/.
  double parse_ms = 0, check_ms = 0, lower_ms = 0;
};

double MillisecondsSince(std::chrono::steady_clock::time_point start);

// Parses and checks `inputs` (sorted by path) together with the embedded
// std package, whose files come first under `std/` paths.
std::unique_ptr<Compilation> Compile(std::vector<SourceInput> inputs);

// Lowers the program when it has no errors, adding lowering's diagnostics
// (names the targets refuse, rules Istio can never match, precision lost).
// `check` runs it too, so that it reports everything `build` would.
void LowerChecked(Compilation& c, const lower::LowerOptions& options);

// Applies `stave:allow` comments and sorts. Call once, after the last
// stage that reports (check, or lowering in build).
void FinishDiagnostics(Compilation& c);

}  // namespace stave::driver
