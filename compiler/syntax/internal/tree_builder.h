// Turns ANTLR's parse tree into the owned AST. Items that recovery left
// incomplete are dropped (their syntax error is already reported), so later
// stages never see half a rule and cascade errors from it.
#pragma once

#include "StaveParser.h"
#include "antlr4-runtime.h"
#include "compiler/diag/diagnostic.h"
#include "compiler/syntax/ast.h"
#include "compiler/syntax/internal/token_text.h"

namespace stave::syntax::internal {

File BuildFile(stave_antlr::StaveParser::FileContext* tree, antlr4::CommonTokenStream& tokens,
               const OffsetMap& map, base::FileId file, diag::DiagnosticList& diags);

// The target of a lone-target parse; nullopt when recovery left it
// incomplete (the syntax error is reported).
std::optional<ExpectTarget> BuildLoneTarget(stave_antlr::StaveParser::LoneExpectTargetContext* tree,
                                            antlr4::CommonTokenStream& tokens, const OffsetMap& map,
                                            base::FileId file, diag::DiagnosticList& diags);

}  // namespace stave::syntax::internal
