// Test blocks (spec §6): resolves each expectation into a concrete request
// shape. `WORD [WORD]` is a verb on a resource when the first word is a verb
// and the second a resource, and an action (with an optional app) otherwise.
#include <algorithm>

#include <fmt/format.h>

#include "compiler/sema/checker.h"
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

bool ResolveApi(Checker& c, FileScope& scope, const syntax::ExpectApi& api, Expectation& e) {
  const Program& p = c.program();
  e.cluster = api.cluster.has_value();
  if (api.ns) {
    e.ns = c.Resolve(scope, *api.ns, {DeclKind::Namespace});
    if (e.ns == kNoSymbol) return false;
  }
  bool verb_form = api.star.has_value();
  if (!verb_form && api.first && !api.first->package && IsKnownVerb(api.first->name.text)) {
    SymbolId second = api.second ? c.Peek(scope, *api.second) : kNoSymbol;
    verb_form = api.object || (second != kNoSymbol && p.symbol(second).kind == DeclKind::Resource) ||
                c.Peek(scope, *api.first) == kNoSymbol;
  }
  if (verb_form) {
    e.form = Expectation::Form::Verb;
    e.verb = api.star ? "*" : api.first->name.text;
    if (!api.second) {
      c.diags().report(diag::Code::E0213, api.star ? *api.star : api.first->span,
                       fmt::format("expected a resource after the verb `{}`", e.verb),
                       "a verb alone names no request")
          .with_help("write `VERB RESOURCE [\"OBJECT\"] in NAMESPACE`, e.g. `get pods in ci`");
      return false;
    }
    e.resource = c.Resolve(scope, *api.second, {DeclKind::Resource});
    if (api.object) e.object = api.object->value;
    return e.resource != kNoSymbol;
  }
  e.form = Expectation::Form::Action;
  e.action = c.Resolve(scope, *api.first, {DeclKind::Action});
  if (api.object) {
    c.diags().report(diag::Code::E0213, api.object->span,
                     "an action expectation takes no object name", "not allowed here")
        .with_help("to ask about one object, write `VERB RESOURCE \"NAME\"`; an action with an app "
                   "asks about the app's objects");
  }
  if (api.second) {
    e.app = c.Resolve(scope, *api.second, {DeclKind::App});
    if (e.app != kNoSymbol && e.cluster) {
      c.diags().report(diag::Code::E0207, api.second->span,
                       "an app cannot be named with `in cluster`", "an app lives in namespaces");
      return false;
    }
    if (e.app != kNoSymbol && e.ns != kNoSymbol) {
      const auto& runs = p.symbol(e.app).app().namespaces;
      if (std::find(runs.begin(), runs.end(), e.ns) == runs.end()) {
        c.diags().report(diag::Code::E0203, api.ns->span,
                         fmt::format("app `{}` does not run in namespace `{}`",
                                     p.symbol(e.app).name, p.symbol(e.ns).name),
                         "not one of the app's namespaces");
        return false;
      }
    }
    if (e.app == kNoSymbol) return false;
  }
  return e.action != kNoSymbol && !api.object;
}

bool ResolveCall(Checker& c, FileScope& scope, const syntax::ExpectCall& call, Expectation& e) {
  const Program& p = c.program();
  e.form = Expectation::Form::Call;
  e.app = c.Resolve(scope, call.app, {DeclKind::App});
  bool ok = e.app != kNoSymbol;
  if (call.ns) {
    e.ns = c.Resolve(scope, *call.ns, {DeclKind::Namespace});
    ok = ok && e.ns != kNoSymbol;
    if (ok) {
      const auto& runs = p.symbol(e.app).app().namespaces;
      if (std::find(runs.begin(), runs.end(), e.ns) == runs.end()) {
        c.diags().report(diag::Code::E0203, call.ns->span,
                         fmt::format("app `{}` does not run in namespace `{}`",
                                     p.symbol(e.app).name, p.symbol(e.ns).name),
                         "not one of the app's namespaces");
        ok = false;
      }
    }
  }
  if (call.method) CheckMethod(c, call.method->text, call.method->span);
  if (call.path && (call.path->value.empty() || call.path->value[0] != '/')) {
    c.diags().report(diag::Code::E0306, call.path->span, "a request path starts with `/`",
                     "not a path");
    ok = false;
  }
  if (call.port && ok) {
    ok = CheckPort(c, &p.symbol(e.app).app(), *call.port, e.app) && ok;
  } else if (call.port) {
    CheckPort(c, nullptr, *call.port, kNoSymbol);
  }
  return ok;
}

bool ResolveRun(Checker& c, FileScope& scope, const syntax::ExpectRun& run, Expectation& e) {
  e.form = Expectation::Form::Run;
  e.pipeline = c.Resolve(scope, run.pipeline, {DeclKind::Pipeline});
  if (run.as) {
    e.run_as = c.Resolve(scope, *run.as, {DeclKind::ServiceAccount});
    return e.pipeline != kNoSymbol && e.run_as != kNoSymbol;
  }
  if (e.pipeline == kNoSymbol) return false;
  e.run_as = c.program().symbol(e.pipeline).pipeline().serviceaccount;
  return true;
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
      test.expectations.reserve(block.expectations.size());
      for (const syntax::Expectation& x : block.expectations) {
        Expectation e;
        e.source = &x;
        e.effect = x.effect;
        e.audit = x.audit;
        if (!CheckAuditExpectation(c, x, e)) continue;
        bool call = std::holds_alternative<syntax::ExpectCall>(x.target);
        auto subject = OneSubject(c, scope, x.subject, call);
        bool ok = std::visit(
            [&](const auto& t) {
              using T = std::decay_t<decltype(t)>;
              if constexpr (std::is_same_v<T, syntax::ExpectApi>) return ResolveApi(c, scope, t, e);
              else if constexpr (std::is_same_v<T, syntax::ExpectCall>) return ResolveCall(c, scope, t, e);
              else return ResolveRun(c, scope, t, e);
            },
            x.target);
        if (call && !ResolveToken(c, scope, x, e)) ok = false;
        if (!subject || !ok) continue;
        e.subject = *subject;
        test.expectations.push_back(std::move(e));
      }
      c.program().tests.push_back(std::move(test));
    }
  }
}

}  // namespace stave::sema
