// `// stave:allow CODE reason` on the line before a declaration, rule or
// test silences warnings of that code reported inside it. An allow without
// a reason, or one that silences nothing, is itself a warning, so
// suppressions stay justified and do not outlive their cause.
#pragma once

#include <vector>

#include "compiler/base/source.h"
#include "compiler/diag/diagnostic.h"
#include "compiler/syntax/ast.h"

namespace stave::sema {

// Run once, after every stage has reported.
void ApplySuppressions(const base::SourceSet& sources, const std::vector<syntax::SharedFile>& files,
                       diag::DiagnosticList& diags);

}  // namespace stave::sema
