// Test blocks (spec §6): resolves each expectation's subject, token and
// audit clauses here, and its target with ResolveTarget (expect_target.cpp,
// shared with who-can), into a concrete request shape.
#include <algorithm>

#include <fmt/format.h>

#include "compiler/sema/checker.h"
#include "compiler/sema/expect_target.h"
#include "compiler/sema/rule_checks.h"
#include "compiler/sema/values.h"

namespace stave::sema {
namespace {

using syntax::Subject;

std::optional<Principal> OneSubject(Checker& c, FileScope& scope, const Subject& s, bool call) {
  if (call) {
    if (s.kind == Subject::Kind::Namespace || s.kind == Subject::Kind::Any ||
        s.kind == Subject::Kind::Authenticated) {
      c.diags().report(diag::Code::E0209, s.span,
                       "a test's caller must be one concrete workload or `plaintext`",
                       "not one caller")
          .with_help("name a serviceaccount or an app, or `plaintext` for a caller without "
                     "mTLS identity");
      return std::nullopt;
    }
    auto sources = ResolveSources(c, scope, {s});
    if (sources.empty()) return std::nullopt;
    return sources.front();
  }
  if (s.kind == Subject::Kind::Plaintext || s.kind == Subject::Kind::Issuer) {
    c.diags().report(diag::Code::E0209, s.span,
                     fmt::format("`{}` is a mesh caller, not a Kubernetes subject",
                                 s.kind == Subject::Kind::Issuer ? "issuer NAME" : "plaintext"),
                     "not a subject")
        .with_help("name a user, group, serviceaccount or app");
    if (s.kind == Subject::Kind::Issuer) c.Resolve(scope, s.name, {DeclKind::Issuer});  // a use
    return std::nullopt;
  }
  auto subjects = ResolveSubjects(c, scope, {s}, "an expectation");
  if (subjects.empty()) return std::nullopt;
  return subjects.front();
}

// Spec §12: a token request's claims and its peer (`via`), an mTLS
// workload of the program.
bool ResolveToken(Checker& c, FileScope& scope, const syntax::Expectation& x, Expectation& e) {
  bool ok = true;
  if (x.subject.kind != Subject::Kind::Issuer) return true;
  for (const syntax::ClaimMatch& claim : x.claims) {
    if (claim.name.empty()) {
      c.diags().report(diag::Code::E0301, claim.name_span, "a claim name must not be empty",
                       "empty");
      ok = false;
      continue;
    }
    e.claims[claim.name].push_back(claim.value.value);
  }
  if (x.via.empty()) return ok;
  const Subject& via = x.via.front();
  if (via.kind != Subject::Kind::Named) {
    c.diags().report(diag::Code::E0209, via.span,
                     "the peer of a token request must be one serviceaccount or app",
                     "not one workload")
        .with_help("name the workload the token comes through over mTLS (the ingress gateway's "
                   "serviceaccount, for example), or drop `via` for a plaintext peer");
    return false;
  }
  auto peer = ResolveSources(c, scope, {via});
  if (peer.empty()) return false;
  e.via = peer.front();
  return ok;
}

// `expect audited|unaudited` (spec §14) asks about API requests and calls;
// `level` belongs to the API form of an audit expectation only.
bool CheckAuditExpectation(Checker& c, const syntax::Expectation& x, Expectation& e) {
  const auto* api = std::get_if<syntax::ExpectApi>(&x.target);
  if (api && api->level) {
    if (x.audit) {
      e.level = CheckAuditLevel(c, api->level);
    } else {
      c.diags().report(diag::Code::E0230, api->level->span,
                       fmt::format("an `expect {}` takes no `level`",
                                   x.effect == syntax::Effect::Allow ? "allow" : "deny"),
                       "only audit expectations have a level")
          .with_help("to ask how the API server's audit log records the request, write "
                     "`expect audited …`");
    }
  }
  if (x.audit && std::holds_alternative<syntax::ExpectRun>(x.target)) {
    c.diags().report(diag::Code::E0231, x.span, "`expect audited … to run` is not supported",
                     "audit expectations name an API request or a call")
        .with_help("ask about the PipelineRun itself: `expect audited SUBJECT to create "
                   "pipelineruns in NS`");
    return false;
  }
  return true;
}

}  // namespace

void CheckTests(Checker& c, std::vector<FileScope>& scopes) {
  for (FileScope& scope : scopes) {
    if (scope.package.empty()) continue;
    for (const syntax::TestBlock& block : scope.file->tests) {
      Test test{&block, {}};
      if (c.program().retain.expectations) test.expectations.reserve(block.expectations.size());
      for (const syntax::Expectation& x : block.expectations) {
        Expectation e;
        e.source = &x;
        e.effect = x.effect;
        e.audit = x.audit;
        if (!CheckAuditExpectation(c, x, e)) continue;
        bool call = std::holds_alternative<syntax::ExpectCall>(x.target);
        auto subject = OneSubject(c, scope, x.subject, call);
        bool ok = ResolveTarget(c, scope, x.target, e);
        if (call && !ResolveToken(c, scope, x, e)) ok = false;
        if (!subject || !ok) continue;
        e.subject = *subject;
        if (c.program().retain.expectations) test.expectations.push_back(std::move(e));
      }
      if (c.program().retain.expectations) c.program().tests.push_back(std::move(test));
    }
  }
}

void DropCheckedExpectations(Program& program) {
  for (SharedFile& file : program.files) {
    if (file.use_count() > 1) continue;  // shared (a parse cache's): unchanged
    for (syntax::TestBlock& block : file->tests) {
      block.expectations.clear();
      block.expectations.shrink_to_fit();
    }
  }
}

}  // namespace stave::sema
