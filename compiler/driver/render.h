// Printing a run's diagnostics in the format `--format` asks for: human
// text (stderr), or one JSON/SARIF document or GitHub workflow commands
// (stdout, unless stdout carries `build`'s YAML).
#pragma once

#include <cstdio>
#include <string>
#include <vector>

#include "compiler/base/source.h"
#include "compiler/diag/diagnostic.h"
#include "compiler/diag/render_machine.h"
#include "compiler/driver/options.h"

namespace stave::driver {

bool UseColor(ColorMode mode, FILE* stream);
// 1 when there are errors, or warnings under `-W error`; else 0.
int ExitCodeFor(const diag::DiagnosticList& list, const Options& options);

// Where machine-readable output goes: stdout, unless `stdout_taken`.
FILE* MachineStream(const Options& options, bool stdout_taken);

// Paths that do not exist or cannot be read (E0011): no source to point at.
void PrintLoadErrors(const std::vector<std::string>& errors, const Options& options,
                     FILE* machine);

// Prints the diagnostics (and for `stave test`, the failures in `tests`) in
// the chosen format; human text also ends with a summary line, except on
// success under `SuccessLine::Caller` (check and build print their own).
enum class SuccessLine { Print, Caller };
void PrintDiagnostics(const diag::DiagnosticList& list, const base::SourceSet& sources,
                      const Options& options, FILE* machine,
                      const diag::RunReport* tests = nullptr,
                      SuccessLine success = SuccessLine::Print);

// check and build on success, human format only (machine formats and
// stdout stay as they were): "checked 3 files: 14 objects, 1 warning".
void PrintSuccessSummary(std::string_view done, const base::SourceSet& sources, size_t objects,
                         const diag::DiagnosticList& list, const Options& options,
                         std::string_view where = "");

// Entries a load skipped on purpose (links out of the tree, FIFOs), as
// `note:` lines on stderr, the first few of them; human format only, so
// that a machine stream stays one document.
void PrintLoadNotes(const std::vector<std::string>& notes, const Options& options);

}  // namespace stave::driver
