// Printing diagnostics for the CLI, with the closing summary line.
#pragma once

#include <cstdio>

#include "compiler/base/source.h"
#include "compiler/diag/diagnostic.h"
#include "compiler/driver/options.h"

namespace stave::driver {

bool UseColor(ColorMode mode, FILE* stream);
// Prints every diagnostic and a summary ("2 errors, 1 warning") to `out`.
void PrintDiagnostics(const diag::DiagnosticList& list, const base::SourceSet& sources,
                      const Options& options, FILE* out);

}  // namespace stave::driver
