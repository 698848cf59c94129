// Resolving what an expectation asks about (spec §6), written once: the
// test checks resolve each `expect`'s target with it, and `stave who-can`
// its query, so that the same words name the same requests in both.
#pragma once

#include <optional>
#include <string>
#include <vector>

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
// a file that imports every package: bare names in the file's package,
// then in std, `pkg.name` in any package. With several user packages it
// is read in each; the ones it resolves in must agree on what it means.
// The subject of `query` is not read (who-can asks about every one), and
// the result points at `query`.
struct QueryTarget {
  // Absent when the query does not resolve (the reasons are in the
  // diagnostics) or means different requests in different packages.
  std::optional<Expectation> target;
  // One package for each meaning it has where it resolves: more than one
  // when it is ambiguous (and `target` is absent).
  std::vector<std::string> packages;
};
QueryTarget ResolveQuery(Program& program, const syntax::Expectation& query,
                         diag::DiagnosticList& diags);

}  // namespace stave::sema
