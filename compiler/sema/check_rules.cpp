// Rules (spec §5): resolves subjects, actions, apps, namespaces and
// pipelines, checks each rule's shape and values, and records the resolved
// rule in the Program for lowering.
#include <algorithm>

#include <fmt/format.h>

#include "compiler/diag/did_you_mean.h"
#include "compiler/sema/checker.h"
#include "compiler/sema/rule_checks.h"
#include "compiler/sema/values.h"

namespace stave::sema {
namespace {

using syntax::Effect;

// An app names its serviceaccount; without one it cannot act (spec §4).
bool AppHasAccount(Checker& c, SymbolId app, base::Span use, std::string_view role) {
  const Symbol& s = c.program().symbol(app);
  if (s.app().serviceaccount != kNoSymbol) return true;
  if (std::get<syntax::AppBody>(s.decl->body).serviceaccount) return false;  // reported already
  c.diags().report(diag::Code::E0205, use,
                   fmt::format("app `{}` has no serviceaccount, so it cannot be {}", s.name, role),
                   "used here")
      .label(s.name_span(), "declared without `serviceaccount`")
      .with_help("add `serviceaccount NAME` to the app; an app acts as its serviceaccount");
  return false;
}

void CheckAppRunsIn(Checker& c, SymbolId app, const std::vector<SymbolId>& namespaces,
                    const std::vector<base::Span>& spans) {
  const Program& p = c.program();
  const auto& runs = p.symbol(app).app().namespaces;
  for (size_t i = 0; i < namespaces.size(); ++i) {
    if (std::find(runs.begin(), runs.end(), namespaces[i]) != runs.end()) continue;
    c.diags().report(diag::Code::E0203, spans[i],
                     fmt::format("app `{}` does not run in namespace `{}`", p.symbol(app).name,
                                 p.symbol(namespaces[i]).name),
                     "not one of the app's namespaces")
        .label(p.symbol(app).name_span(), "the app's namespaces are listed in its declaration")
        .with_help("name only namespaces listed after `in` in the app's declaration");
  }
}

}  // namespace

std::vector<Principal> ResolveSubjects(Checker& c, FileScope& scope,
                                       const std::vector<syntax::Subject>& subjects,
                                       std::string_view rule_kind) {
  std::vector<Principal> out;
  for (const syntax::Subject& s : subjects) {
    if (s.kind != syntax::Subject::Kind::Named) {
      std::string what = s.kind == syntax::Subject::Kind::Namespace ? "`namespace NS`"
                         : s.kind == syntax::Subject::Kind::Any     ? "`any`"
                         : s.kind == syntax::Subject::Kind::Plaintext ? "`plaintext`"
                         : s.kind == syntax::Subject::Kind::Issuer    ? "`issuer NAME`"
                                                                      : "`authenticated`";
      c.diags().report(diag::Code::E0209, s.span,
                       fmt::format("{} cannot be the subject of {}", what, rule_kind),
                       "a mesh source, not a Kubernetes subject")
          .with_help("API and run rules grant to users, groups, serviceaccounts and apps; "
                     "mesh sources belong in `call` rules");
      // The issuer's name is still a use: definition and rename find it.
      if (s.kind == syntax::Subject::Kind::Issuer) c.Resolve(scope, s.name, {DeclKind::Issuer});
      continue;
    }
    SymbolId id = c.Resolve(scope, s.name,
                            {DeclKind::User, DeclKind::Group, DeclKind::ServiceAccount, DeclKind::App});
    if (id == kNoSymbol) continue;
    if (c.program().symbol(id).kind == DeclKind::App &&
        !AppHasAccount(c, id, s.span, "a subject")) {
      continue;
    }
    out.push_back({Principal::Kind::Symbol, id, s.span, std::nullopt});
  }
  return out;
}

std::vector<Principal> ResolveSources(Checker& c, FileScope& scope,
                                      const std::vector<syntax::Subject>& sources) {
  std::vector<Principal> out;
  for (const syntax::Subject& s : sources) {
    switch (s.kind) {
      case syntax::Subject::Kind::Any:
        out.push_back({Principal::Kind::Any, kNoSymbol, s.span, std::nullopt});
        continue;
      case syntax::Subject::Kind::Authenticated:
        out.push_back({Principal::Kind::Authenticated, kNoSymbol, s.span, std::nullopt});
        continue;
      case syntax::Subject::Kind::Plaintext:
        out.push_back({Principal::Kind::Plaintext, kNoSymbol, s.span, std::nullopt});
        continue;
      case syntax::Subject::Kind::Namespace: {
        SymbolId ns = c.Resolve(scope, s.name, {DeclKind::Namespace});
        if (ns != kNoSymbol) out.push_back({Principal::Kind::Namespace, ns, s.span, std::nullopt});
        continue;
      }
      case syntax::Subject::Kind::Issuer: {
        SymbolId iss = c.Resolve(scope, s.name, {DeclKind::Issuer});
        if (iss == kNoSymbol) continue;
        Principal token{Principal::Kind::Issuer, iss, s.span, std::nullopt};
        if (s.token_subject) {
          token.token_subject = s.token_subject->value;
          if (s.token_subject->value.empty()) {
            c.diags().report(diag::Code::E0301, s.token_subject->span,
                             "a token subject must not be empty", "empty `sub`")
                .with_help("drop `subject \"\"` to admit every subject of the issuer");
          }
        }
        out.push_back(std::move(token));
        continue;
      }
      case syntax::Subject::Kind::Named: break;
    }
    SymbolId peek = c.Peek(scope, s.name);
    if (peek != kNoSymbol && c.program().symbol(peek).kind == DeclKind::Issuer) {
      c.Resolve(scope, s.name, {DeclKind::Issuer});  // records the reference
      const Symbol& iss = c.program().symbol(peek);
      c.diags().report(diag::Code::E0201, s.span,
                       fmt::format("`{}` is an issuer, but a bare name as a call source must be "
                                   "a serviceaccount or an app",
                                   s.name.text()),
                       "an issuer")
          .label(iss.name_span(), fmt::format("`{}` is declared as an issuer here", iss.name))
          .with_help(fmt::format("to admit the issuer's tokens, write `issuer {}`", s.name.text()))
          .fix({s.span.file, s.span.begin, s.span.begin}, "issuer ");
      continue;
    }
    if (peek != kNoSymbol && c.program().symbol(peek).kind == DeclKind::Namespace) {
      c.Resolve(scope, s.name, {DeclKind::Namespace});  // records the reference
      const Symbol& ns = c.program().symbol(peek);
      c.diags().report(diag::Code::E0201, s.span,
                       fmt::format("`{}` is a namespace, but a call source must be a "
                                   "serviceaccount or an app",
                                   s.name.text()),
                       "a namespace")
          .label(ns.name_span(), fmt::format("`{}` is declared as a namespace here", ns.name))
          .with_help(fmt::format("to admit every workload of the namespace, write `namespace {}`",
                                 s.name.text()))
          .fix({s.span.file, s.span.begin, s.span.begin}, "namespace ");
      continue;
    }
    // Users and groups get their own error (E0202); every other wrong kind
    // an E0201 that names only what a call source can be.
    bool rbac_only = peek != kNoSymbol && (c.program().symbol(peek).kind == DeclKind::User ||
                                           c.program().symbol(peek).kind == DeclKind::Group);
    SymbolId id = rbac_only ? c.Resolve(scope, s.name, {DeclKind::User, DeclKind::Group})
                            : c.Resolve(scope, s.name, {DeclKind::ServiceAccount, DeclKind::App});
    if (id == kNoSymbol) continue;
    const Symbol& sym = c.program().symbol(id);
    if (rbac_only) {
      const char* kind = syntax::DeclKindName(sym.kind);
      c.diags().report(diag::Code::E0202, s.span,
                       fmt::format("{} `{}` cannot be the source of a call", kind, s.name.text()),
                       fmt::format("a {} is a Kubernetes RBAC subject; Istio sees workload identities",
                                   kind))
          .with_help("name a serviceaccount, an app with a serviceaccount, `namespace NS`, or "
                     "`authenticated`");
      continue;
    }
    if (sym.kind == DeclKind::App && !AppHasAccount(c, id, s.span, "the source of a call")) continue;
    out.push_back({Principal::Kind::Symbol, id, s.span, std::nullopt});
  }
  return out;
}

bool AppHasObjectsOf(const Program& p, SymbolId app, const ResourceInfo& r) {
  for (const AppObjects& objects : p.symbol(app).app().objects) {
    if (p.symbol(objects.resource).resource().SameResource(r)) return true;
  }
  return false;
}

bool AppCoversAction(const Program& p, SymbolId app, SymbolId action) {
  for (const Permission& perm : p.symbol(action).action().permissions) {
    const ResourceInfo& r = p.symbol(perm.resource).resource();
    for (const AppObjects& objects : p.symbol(app).app().objects) {
      if (p.symbol(objects.resource).resource().SameResource(r)) return true;
    }
  }
  return false;
}

void CheckOps(Checker& c, SymbolId app, const syntax::CallRule& call) {
  const AppInfo* info = app != kNoSymbol ? &c.program().symbol(app).app() : nullptr;
  for (const syntax::OpClause& op : call.ops) {
    for (const syntax::OpValue& v : op.values) {
      switch (op.field) {
        case syntax::OpField::Methods:
          CheckMethod(c, v.text, v.span);
          break;
        case syntax::OpField::Paths:
          if (Problem p = CheckPathPattern(v.text)) {
            c.diags().report(diag::Code::E0306, v.span,
                             fmt::format("`{}` is not a valid path pattern", v.text), *p)
                .with_help("Istio matches paths exactly, by prefix (`/v1/*`), by suffix "
                           "(`*.png`), or `*` for any");
          }
          break;
        case syntax::OpField::Hosts:
          if (Problem p = CheckHostPattern(v.text)) {
            c.diags().report(diag::Code::E0307, v.span,
                             fmt::format("`{}` is not a valid host pattern", v.text), *p);
          }
          break;
        case syntax::OpField::Ports:
          CheckPort(c, info, v.port, app);
          break;
      }
    }
  }
  for (const syntax::Condition& cond : call.conditions) CheckCondition(c, cond);
}

void ReportNumberTooLarge(Checker& c, const syntax::IntLit& n) {
  c.diags().report(diag::Code::E0010, n.span, "this number is too large to be a port",
                   "more digits than any port has")
      .with_help("ports are between 1 and 65535");
}

void CheckMethod(Checker& c, std::string_view method, base::Span span) {
  if (IsHttpMethod(method)) return;
  auto& d = c.diags().report(diag::Code::E0305, span, fmt::format("unknown HTTP method `{}`", method),
                             "not an HTTP method");
  std::string upper(method);
  std::transform(upper.begin(), upper.end(), upper.begin(), ::toupper);
  if (IsHttpMethod(upper)) {
    d.with_help(fmt::format("methods are upper case: `{}`", upper)).fix(span, upper);
  } else if (auto guess = diag::ClosestMatch(upper, HttpMethods())) {
    d.with_help(fmt::format("did you mean `{}`?", *guess)).fix(span, *guess);
  } else {
    d.with_help("the methods are GET, HEAD, POST, PUT, DELETE, PATCH, OPTIONS, CONNECT and TRACE");
  }
}

bool CheckPort(Checker& c, const AppInfo* app, const syntax::IntLit& port, SymbolId app_id) {
  if (port.overflow) {
    ReportNumberTooLarge(c, port);
    return false;
  }
  if (port.value < 1 || port.value > 65535) {
    c.diags().report(diag::Code::E0303, port.span, "a port must be between 1 and 65535",
                     "out of range");
    return false;
  }
  if (app == nullptr || app->ports.empty()) return true;
  for (const Port& p : app->ports) {
    if (p.number == port.value) return true;
  }
  const Symbol& s = c.program().symbol(app_id);
  std::string listed;
  for (const Port& p : app->ports) listed += (listed.empty() ? "" : ", ") + std::to_string(p.number);
  c.diags().report(diag::Code::E0304, port.span,
                   fmt::format("app `{}` does not declare port {}", s.name, port.value),
                   "not one of the app's ports")
      .label(std::get<syntax::AppBody>(s.decl->body).ports_span.value_or(s.name_span()),
             fmt::format("the app's ports: {}", listed));
  return false;
}

void CheckCondition(Checker& c, const syntax::Condition& cond) {
  std::string base;
  for (const auto& part : cond.key.parts) base += (base.empty() ? "" : ".") + part.text;
  const ConditionKeyInfo* key = FindConditionKey(base);
  if (key == nullptr) {
    std::vector<std::string> names;
    for (const auto& k : ConditionKeys()) names.emplace_back(k.name);
    auto& d = c.diags().report(diag::Code::E0309, cond.key.span,
                               fmt::format("`{}` is not an Istio condition key", base),
                               "unknown condition key");
    if (auto guess = diag::ClosestMatch(base, names)) {
      d.with_help(fmt::format("did you mean `{}`?", *guess));
    } else {
      d.with_help("see Istio's authorization policy conditions: request.headers[NAME], "
                  "source.ip, source.namespace, request.auth.claims[NAME], …");
    }
    return;
  }
  if (key->indexed && !cond.key.index) {
    c.diags().report(diag::Code::E0309, cond.key.span,
                     fmt::format("`{}` needs a name in brackets", base), "missing `[NAME]`")
        .with_help(fmt::format("for example `{}[x-tenant]`", base));
    return;
  }
  if (!key->indexed && cond.key.index) {
    c.diags().report(diag::Code::E0309, cond.key.index->span,
                     fmt::format("`{}` takes no `[…]`", base), "remove this");
    return;
  }
  for (const syntax::StringLit& v : cond.values) {
    if (Problem p = CheckConditionValue(base, v.value)) {
      c.diags().report(diag::Code::E0311, v.span,
                       fmt::format("`{}` is not a valid value for `{}`", v.value, base),
                       "invalid value")
          .note(*p);
    }
  }
}

namespace {

void CheckApiRule(Checker& c, FileScope& scope, const syntax::Rule& rule,
                  const syntax::ApiRule& api) {
  Program& p = c.program();
  ApiRule out{&rule, rule.effect, {}, kNoSymbol, kNoSymbol, api.cluster.has_value(), {}};
  bool audit = rule.effect == Effect::Audit;
  if (audit) {
    // `audit any to …` (spec §14) audits every user; `any` grants nothing.
    std::vector<syntax::Subject> named;
    for (const syntax::Subject& s : rule.subjects) {
      if (s.kind == syntax::Subject::Kind::Any) out.subjects.push_back({Principal::Kind::Any, kNoSymbol, s.span});
      else named.push_back(s);
    }
    auto resolved = ResolveSubjects(c, scope, named, "an audit rule");
    out.subjects.insert(out.subjects.end(), resolved.begin(), resolved.end());
    out.level = CheckAuditLevel(c, api.level);
  } else {
    out.subjects = ResolveSubjects(c, scope, rule.subjects, "an API rule");
    if (api.level) ReportMisplacedLevel(c, *api.level, rule.effect == Effect::Deny ? "deny" : "allow");
  }
  out.action = c.Resolve(scope, api.action, {DeclKind::Action});
  if (api.app) out.app = c.Resolve(scope, *api.app, {DeclKind::App});
  if (api.cluster && out.app != kNoSymbol) {
    c.diags().report(diag::Code::E0207, api.app->span,
                     fmt::format("app `{}` cannot be named in an `in cluster` rule", api.app->text()),
                     "an app lives in namespaces")
        .label(p.symbol(out.app).name_span(), "the app's namespaces are listed here")
        .with_help("name the app's namespaces instead of `cluster`, or drop the app");
    out.app = kNoSymbol;
  }
  std::vector<base::Span> ns_spans;
  out.namespaces = c.ResolveNamespaceList(scope, api.namespaces, &ns_spans);
  if (out.app != kNoSymbol) {
    CheckAppRunsIn(c, out.app, out.namespaces, ns_spans);
    if (out.action != kNoSymbol && !AppCoversAction(p, out.app, out.action)) {
      const Symbol& app = p.symbol(out.app);
      c.diags().report(diag::Code::E0212, api.app->span,
                       fmt::format("app `{}` has no objects of any resource that `{}` covers",
                                   app.name, p.symbol(out.action).name),
                       "nothing of the action is left for this app")
          .label(app.name_span(), "declared here")
          .with_help(fmt::format("list the app's objects with `objects {{ RESOURCE: \"name\" }}`, "
                                 "or grant `{}` without naming the app",
                                 p.symbol(out.action).name));
    }
  }
  if (out.action != kNoSymbol && (out.cluster || !out.namespaces.empty())) {
    (audit ? p.audit_api_rules : p.api_rules).push_back(std::move(out));
  }
}

void CheckCallRule(Checker& c, FileScope& scope, const syntax::Rule& rule,
                   const syntax::CallRule& call) {
  Program& p = c.program();
  CallRule out{&rule, rule.effect, {}, kNoSymbol, {}, &call};
  out.sources = ResolveSources(c, scope, rule.subjects);
  out.app = c.Resolve(scope, call.app, {DeclKind::App});
  if (out.app != kNoSymbol) {
    const Symbol& app = p.symbol(out.app);
    if (!app.app().has_selector) {
      c.diags().report(diag::Code::E0206, call.app.span,
                       fmt::format("app `{}` has no selector, so no call to it can be matched",
                                   app.name),
                       "called here")
          .label(app.name_span(), "declared without `selector`")
          .with_help("add `selector { KEY = \"VALUE\" }` with the labels of the app's pods");
    }
    std::vector<base::Span> ns_spans;
    out.namespaces = c.ResolveNamespaceList(scope, call.namespaces, &ns_spans);
    CheckAppRunsIn(c, out.app, out.namespaces, ns_spans);
    if (call.namespaces.empty()) out.namespaces = app.app().namespaces;
  }
  CheckOps(c, out.app, call);
  if (call.level) ReportMisplacedLevel(c, *call.level, "call");
  if (out.app == kNoSymbol) return;
  (rule.effect == Effect::Audit ? p.audit_call_rules : p.call_rules).push_back(std::move(out));
}

void CheckRunRule(Checker& c, FileScope& scope, const syntax::Rule& rule, const syntax::RunRule& run) {
  if (rule.effect == Effect::Audit) {
    ReportAuditRun(c, rule);
    return;
  }
  if (rule.effect == Effect::Deny) {
    c.diags().report(diag::Code::E0214, rule.effect_span, "`deny … to run` is not supported",
                     "only `allow` can name pipelines to run")
        .with_help("in a guarded namespace nobody may run a pipeline unless an `allow … to run` "
                   "rule names them, so there is nothing to deny");
    return;
  }
  RunRule out{&rule, ResolveSubjects(c, scope, rule.subjects, "a run rule"), {}};
  for (const auto& q : run.pipelines) {
    SymbolId id = c.Resolve(scope, q, {DeclKind::Pipeline});
    if (id != kNoSymbol) out.pipelines.push_back(id);
  }
  if (!out.pipelines.empty()) c.program().run_rules.push_back(std::move(out));
}

}  // namespace

void CheckRules(Checker& c, std::vector<FileScope>& scopes) {
  for (FileScope& scope : scopes) {
    if (scope.package.empty()) continue;
    for (const syntax::Rule& rule : scope.file->rules) {
      std::visit(
          [&](const auto& target) {
            using T = std::decay_t<decltype(target)>;
            if constexpr (std::is_same_v<T, syntax::ApiRule>) CheckApiRule(c, scope, rule, target);
            else if constexpr (std::is_same_v<T, syntax::CallRule>) CheckCallRule(c, scope, rule, target);
            else CheckRunRule(c, scope, rule, target);
          },
          rule.target);
    }
  }
}

}  // namespace stave::sema
