// Checks shared by rules and test expectations: resolving subjects and
// call sources, HTTP methods, ports and conditions, and whether an app has
// objects an action can act on.
#pragma once

#include <string_view>
#include <vector>

#include "compiler/sema/checker.h"

namespace stave::sema {

// Subjects of API and run rules: users, groups, serviceaccounts, apps.
std::vector<Principal> ResolveSubjects(Checker& c, FileScope& scope,
                                       const std::vector<syntax::Subject>& subjects,
                                       std::string_view rule_kind);
// Sources of call rules: serviceaccounts, apps, `namespace NS`, `any`,
// `authenticated` (and, in tests, `plaintext`).
std::vector<Principal> ResolveSources(Checker& c, FileScope& scope,
                                      const std::vector<syntax::Subject>& sources);

void CheckOps(Checker& c, SymbolId app, const syntax::CallRule& call);
void CheckMethod(Checker& c, std::string_view method, base::Span span);
// Range, and membership in the app's ports when it declares any.
bool CheckPort(Checker& c, const AppInfo* app, const syntax::IntLit& port, SymbolId app_id);
// E0010: a number with more digits than fit in 64 bits.
void ReportNumberTooLarge(Checker& c, const syntax::IntLit& n);
void CheckCondition(Checker& c, const syntax::Condition& cond);

// True when the app has objects of at least one resource of the action,
// matched by group and resource (a subresource belongs to its resource).
bool AppCoversAction(const Program& p, SymbolId app, SymbolId action);
// True when the app lists objects of resource `r` (group and resource).
bool AppHasObjectsOf(const Program& p, SymbolId app, const ResourceInfo& r);

// Audit rules (spec §14, audit_checks.cpp). The level as written (E0330 for
// an unknown one; Metadata when absent); E0230 for `level` on a rule that
// is not an API audit rule (`rule_kind`: allow, deny, call); E0231 for
// `audit … to run`.
AuditLevel CheckAuditLevel(Checker& c, const std::optional<syntax::Ident>& level);
void ReportMisplacedLevel(Checker& c, const syntax::Ident& level, std::string_view rule_kind);
void ReportAuditRun(Checker& c, const syntax::Rule& rule);

}  // namespace stave::sema
