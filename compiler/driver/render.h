// Printing diagnostics for the CLI, with the closing summary line.
#pragma once

#include <cstdio>
#include <string>
#include <vector>

#include "compiler/base/source.h"
#include "compiler/diag/diagnostic.h"
#include "compiler/driver/options.h"

namespace stave::driver {

bool UseColor(ColorMode mode, FILE* stream);
// 1 when there are errors, or warnings under `-W error`; else 0.
int ExitCodeFor(const diag::DiagnosticList& list, const Options& options);
// Paths that do not exist or cannot be read (E0011): no source to point at.
void PrintLoadErrors(const std::vector<std::string>& errors, const Options& options, FILE* out);
// Prints every diagnostic and a summary ("2 errors, 1 warning") to `out`.
void PrintDiagnostics(const diag::DiagnosticList& list, const base::SourceSet& sources,
                      const Options& options, FILE* out);

}  // namespace stave::driver
