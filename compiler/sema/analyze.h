// Semantic analysis: resolves names across packages and the std prelude,
// checks kinds, shapes and values (spec §2-6), and returns the Program with
// what it could resolve even when there are errors.
#pragma once

#include "compiler/diag/diagnostic.h"
#include "compiler/sema/program.h"

namespace stave::sema {

// `files` are the parsed user and std files, in file-id order. With two or
// more `threads`, a large program's costliest lints run on a second thread
// (analyze.cpp); the diagnostics are the same, in the same order. What
// `retain` leaves out is checked (and reported) all the same, then freed
// at once, or never stored.
std::unique_ptr<Program> Analyze(const base::SourceSet& sources, std::vector<SharedFile> files,
                                 diag::DiagnosticList& diags, unsigned threads = 1,
                                 Retain retain = {});

}  // namespace stave::sema
