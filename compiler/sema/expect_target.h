// Resolving what an expectation asks about (spec §6), written once: the
// test checks resolve each `expect`'s target with it, and `stave who-can`
// its query, so that the same words name the same requests in both.
#pragma once

#include <optional>

#include "compiler/diag/diagnostic.h"
#include "compiler/sema/program.h"

namespace stave::sema {

class Checker;
struct FileScope;

// Resolves `target` as seen from `scope` into the target fields of `e`
// (form, verb or action, resource, object, app, pipeline, namespace).
// `WORD [WORD]` is a verb on a resource when the first word is a verb and
// the second a resource, and an action (with an optional app) otherwise.
// Unknown names are reported with did-you-mean, like every lookup; false
// when the target does not name a request.
bool ResolveTarget(Checker& c, FileScope& scope, const syntax::ExpectTarget& target, Expectation& e);

// A who-can query, `query.target`, resolved as it would be in a test of
// the program's user package (bare names there, then in std); `pkg.name`
// reaches any package. With several user packages, bare names are looked
// up in std only. The subject of `query` is not read (who-can asks about
// every one); the result points at `query`. Diagnostics go to `diags`;
// nullopt when the target does not resolve.
std::optional<Expectation> ResolveQuery(Program& program, const syntax::Expectation& query,
                                        diag::DiagnosticList& diags);

}  // namespace stave::sema
