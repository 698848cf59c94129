// Resolving an expectation's target (spec §6): the API forms (a verb on a
// resource, or an action with an optional app), calls and pipeline runs.
// Shared by the test checks and who-can's query (expect_target.h).
#include "compiler/sema/expect_target.h"

#include <algorithm>

#include <fmt/format.h>

#include "compiler/sema/checker.h"
#include "compiler/sema/rule_checks.h"
#include "compiler/sema/values.h"

namespace stave::sema {
namespace {

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

}  // namespace

bool ResolveTarget(Checker& c, FileScope& scope, const syntax::ExpectTarget& target, Expectation& e) {
  return std::visit(
      [&](const auto& t) {
        using T = std::decay_t<decltype(t)>;
        if constexpr (std::is_same_v<T, syntax::ExpectApi>) return ResolveApi(c, scope, t, e);
        else if constexpr (std::is_same_v<T, syntax::ExpectCall>) return ResolveCall(c, scope, t, e);
        else return ResolveRun(c, scope, t, e);
      },
      target);
}

namespace {

bool SameTarget(const Expectation& a, const Expectation& b) {
  return a.form == b.form && a.verb == b.verb && a.resource == b.resource && a.object == b.object &&
         a.action == b.action && a.app == b.app && a.pipeline == b.pipeline &&
         a.run_as == b.run_as && a.cluster == b.cluster && a.ns == b.ns;
}

// The query read in a file of `package` that imports every package under
// its own name.
Expectation ReadQueryIn(Checker& c, const std::string& package, const syntax::Expectation& query,
                        bool& ok) {
  FileScope scope;
  scope.package = package;
  for (const auto& [name, symbols] : c.program().packages) {
    if (name != "std") scope.imports[name] = {name, nullptr, false};
  }
  Expectation e;
  e.source = &query;
  e.effect = query.effect;
  ok = ResolveTarget(c, scope, query.target, e);
  return e;
}

}  // namespace

QueryTarget ResolveQuery(Program& program, const syntax::Expectation& query,
                         diag::DiagnosticList& diags) {
  std::vector<std::string> packages;
  for (const auto& [name, symbols] : program.packages) {
    if (name != "std") packages.push_back(name);
  }
  if (packages.empty()) packages.push_back("");
  // The query is no part of the program: the references its names make
  // are dropped again.
  size_t references = program.references.size();
  QueryTarget result;
  std::optional<diag::DiagnosticList> fewest;  // the failed reading with the fewest errors
  for (const std::string& package : packages) {
    diag::DiagnosticList reading;
    Checker c(program, reading);
    bool ok = false;
    Expectation e = ReadQueryIn(c, package, query, ok);
    if (!ok || reading.has_errors()) {
      if (!fewest || reading.error_count() < fewest->error_count()) fewest = std::move(reading);
      continue;
    }
    if (!result.target) {
      result.target = std::move(e);
      result.packages.push_back(package);
      diags.append(reading);
    } else if (!SameTarget(*result.target, e)) {
      result.packages.push_back(package);
    }
  }
  program.references.resize(references);
  if (result.packages.size() > 1) {
    result.target.reset();  // it means different requests in different packages
  } else if (!result.target && fewest) {
    diags.append(*fewest);
  }
  return result;
}

}  // namespace stave::sema
