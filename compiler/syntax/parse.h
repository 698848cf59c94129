// The parser's public API: source text in, owned AST and diagnostics out.
// ANTLR is an implementation detail behind this header.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "compiler/base/source.h"
#include "compiler/diag/diagnostic.h"
#include "compiler/syntax/ast.h"

namespace stave::syntax {

// Files larger than this are refused before lexing (spec §10: huge input gets
// a diagnostic, not a long stall).
inline constexpr size_t kMaxFileBytes = 8u << 20;
// After this many syntax errors in one file the parser stops reporting.
inline constexpr size_t kMaxSyntaxErrors = 50;

struct ParseResult {
  File file;
  diag::DiagnosticList diagnostics;
};

ParseResult Parse(const base::SourceSet& sources, base::FileId id);

// A lone expectation target, the whole text (`get pods in prod`, `call api
// in prod method GET`): the query of `stave who-can`, in the grammar of the
// `expect` statement's target.
struct TargetParseResult {
  std::optional<ExpectTarget> target;  // absent after a syntax error
  diag::DiagnosticList diagnostics;
};
TargetParseResult ParseExpectTarget(const base::SourceSet& sources, base::FileId id);

// The text of a target given as command-line words, one token each. The
// shell takes the quotes off strings, so a word where the target takes a
// string (the object of `VERB RESOURCE OBJECT in NS`, the value of `path`,
// `host` or a header) is quoted again unless it still is.
std::string TargetText(const std::vector<std::string>& words);

// Tokenizes `text` (valid UTF-8) with both the lexer ANTLR generates from the
// grammar and the hand-written one Parse uses, and describes the first token
// where they differ (for tests: the grammar stays the source of truth).
std::optional<std::string> CompareTokenizers(std::string_view text);

}  // namespace stave::syntax
