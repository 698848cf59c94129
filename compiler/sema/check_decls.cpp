// Declarations: resolves what each declaration refers to, fills in its
// Symbol info, and checks names, values and shapes of spec §4. Runs in
// dependency order: namespaces and resources, then serviceaccounts, actions,
// apps and pipelines, then checks across declarations.
#include <algorithm>
#include <map>
#include <set>

#include <fmt/format.h>

#include "compiler/diag/did_you_mean.h"
#include "compiler/sema/checker.h"
#include "compiler/sema/rule_checks.h"
#include "compiler/sema/values.h"

namespace stave::sema {
namespace {

using syntax::Decl;

// The span to blame for a bad Kubernetes name: the string, else the name.
base::Span K8sNameSpan(const Decl& d) { return d.value ? d.value->span : d.name.span; }

void CheckK8sName(Checker& c, const Symbol& s, bool label) {
  Problem problem = label ? CheckDnsLabel(s.k8s_name) : CheckDnsSubdomain(s.k8s_name);
  if (!problem) return;
  auto& d = c.diags().report(
      diag::Code::E0301, K8sNameSpan(*s.decl),
      fmt::format("`{}` is not a valid Kubernetes name for a {}", s.k8s_name,
                  syntax::DeclKindName(s.kind)),
      *problem);
  if (!s.decl->value) {
    d.with_help(fmt::format("{} names are lowercase DNS {}s; give the Kubernetes name with "
                            "`= \"...\"`",
                            syntax::DeclKindName(s.kind), label ? "label" : "subdomain"));
  }
}

void FillSimple(Checker& c, Symbol& s) {
  switch (s.kind) {
    case DeclKind::Namespace: {
      const auto& body = std::get<syntax::NamespaceBody>(s.decl->body);
      s.info = NamespaceInfo{body.default_deny.has_value(), body.mtls_strict.has_value()};
      CheckK8sName(c, s, true);
      break;
    }
    case DeclKind::User:
    case DeclKind::Group:
      if (s.k8s_name.empty()) {
        c.diags().report(diag::Code::E0301, K8sNameSpan(*s.decl),
                         fmt::format("the {} name must not be empty", syntax::DeclKindName(s.kind)),
                         "empty name");
      }
      break;
    case DeclKind::Resource: {
      std::string problem;
      auto parsed = ParseResource(s.k8s_name, &problem);
      if (!parsed) {
        c.diags().report(diag::Code::E0308, K8sNameSpan(*s.decl),
                         fmt::format("`{}` is not a valid resource", s.k8s_name), problem)
            .with_help("write it as `kubectl auth can-i` does: `pods`, `pods/log`, "
                       "`deployments.apps`, `deployments.apps/scale`");
        s.info = ResourceInfo{};
      } else {
        s.info = *parsed;
      }
      break;
    }
    default: break;
  }
}

void FillServiceAccount(Checker& c, std::vector<FileScope>& scopes, Symbol& s) {
  const auto& body = std::get<syntax::ServiceAccountBody>(s.decl->body);
  ServiceAccountInfo info;
  info.namespaces = c.ResolveNamespaceList(ScopeOf(scopes, s), body.namespaces);
  info.external = body.external.has_value();
  s.info = std::move(info);
  CheckK8sName(c, s, true);
  CheckServiceAccountCredentials(c, s);
}

// Flattens an action's includes depth-first; `stack` detects cycles.
class ActionFlattener {
 public:
  ActionFlattener(Checker& c, std::vector<FileScope>& scopes) : c_(c), scopes_(scopes) {}

  void Flatten(SymbolId id) {
    Program& p = c_.program();
    if (done_.count(id)) return;
    Symbol& s = p.symbols[id];
    if (std::find(stack_.begin(), stack_.end(), id) != stack_.end()) return;
    stack_.push_back(id);
    ActionInfo info;
    FileScope& scope = ScopeOf(scopes_, s);
    for (const syntax::ActionItem& item : std::get<syntax::ActionBody>(s.decl->body).items) {
      if (item.kind == syntax::ActionItem::Kind::Include) {
        SymbolId inc = c_.Resolve(scope, item.target, {DeclKind::Action});
        if (inc == kNoSymbol) {
          info.complete = false;
          continue;
        }
        if (auto cycle = std::find(stack_.begin(), stack_.end(), inc); cycle != stack_.end()) {
          ReportCycle(cycle, item);
          info.complete = false;
          continue;
        }
        Flatten(inc);
        const ActionInfo& included = p.symbols[inc].action();
        info.permissions.insert(info.permissions.end(), included.permissions.begin(),
                                included.permissions.end());
        info.complete = info.complete && included.complete;
        continue;
      }
      SymbolId res = c_.Resolve(scope, item.target, {DeclKind::Resource});
      for (const syntax::Verb& v : item.verbs) {
        CheckVerb(v);
        if (res != kNoSymbol) info.permissions.push_back({res, v.text, v.span});
      }
    }
    Normalize(info);
    p.symbols[id].info = std::move(info);
    stack_.pop_back();
    done_.insert(id);
  }

 private:
  void CheckVerb(const syntax::Verb& v) {
    if (v.text == "*" || IsKnownVerb(v.text)) return;
    auto& d = c_.diags().report(diag::Code::W0301, v.span,
                                fmt::format("`{}` is not a verb of Kubernetes' built-in APIs", v.text),
                                "unknown verb");
    if (auto guess = diag::ClosestMatch(v.text, KnownVerbs())) {
      d.with_help(fmt::format("did you mean `{}`?", *guess)).fix(v.span, *guess);
    } else {
      d.with_help("aggregated APIs may define their own verbs; if this is one, keep it");
    }
  }

  void ReportCycle(std::vector<SymbolId>::iterator from, const syntax::ActionItem& item) {
    Program& p = c_.program();
    std::string chain;
    for (auto it = from; it != stack_.end(); ++it) chain += "`" + p.symbols[*it].name + "` includes ";
    chain += "`" + p.symbols[*from].name + "`";
    auto& d = c_.diags().report(diag::Code::E0208, item.span,
                                fmt::format("actions include each other in a cycle: {}", chain),
                                "this include closes the cycle");
    for (auto it = from; it != stack_.end(); ++it) {
      if (p.symbols[*it].decl->name.span != item.target.span) {
        d.label(p.symbols[*it].name_span(), "part of the cycle");
      }
    }
    d.with_help("remove one of the includes");
  }

  static void Normalize(ActionInfo& info) {
    auto key = [](const Permission& x) { return std::make_pair(x.resource, x.verb); };
    std::stable_sort(info.permissions.begin(), info.permissions.end(),
                     [&](const Permission& a, const Permission& b) { return key(a) < key(b); });
    info.permissions.erase(std::unique(info.permissions.begin(), info.permissions.end(),
                                       [&](const Permission& a, const Permission& b) {
                                         return key(a) == key(b);
                                       }),
                           info.permissions.end());
  }

  Checker& c_;
  std::vector<FileScope>& scopes_;
  std::vector<SymbolId> stack_;
  std::set<SymbolId> done_;
};

void CheckSelector(Checker& c, const syntax::AppBody& body, AppInfo& info) {
  std::map<std::string, base::Span> seen;
  for (const syntax::LabelPair& lp : body.selector) {
    if (Problem p = CheckLabelKey(lp.key)) {
      c.diags().report(diag::Code::E0302, lp.key_span,
                       fmt::format("`{}` is not a valid label key", lp.key), *p);
    }
    if (Problem p = CheckLabelValue(lp.value.value)) {
      c.diags().report(diag::Code::E0302, lp.value.span,
                       fmt::format("`{}` is not a valid label value", lp.value.value), *p);
    }
    if (auto [it, inserted] = seen.emplace(lp.key, lp.key_span); !inserted) {
      c.diags().report(diag::Code::E0312, lp.key_span,
                       fmt::format("label `{}` is given twice in the selector", lp.key),
                       "given again here")
          .note("first given here", it->second);
      continue;
    }
    info.selector.emplace_back(lp.key, lp.value.value);
  }
  std::sort(info.selector.begin(), info.selector.end());
}

void CheckPorts(Checker& c, const syntax::AppBody& body, AppInfo& info) {
  std::map<uint64_t, base::Span> seen;
  for (const syntax::PortSpec& spec : body.ports) {
    const syntax::IntLit& n = spec.number;
    if (n.overflow) {
      ReportNumberTooLarge(c, n);
      continue;
    }
    if (n.value < 1 || n.value > 65535) {
      c.diags().report(diag::Code::E0303, n.span, "a port must be between 1 and 65535",
                       "out of range");
      continue;
    }
    std::string protocol = spec.protocol ? spec.protocol->text : "http";
    if (!IsKnownProtocol(protocol)) {
      auto& d = c.diags().report(diag::Code::E0310, spec.protocol->span,
                                 fmt::format("unknown port protocol `{}`", protocol),
                                 "not a protocol Istio knows");
      if (auto guess = diag::ClosestMatch(protocol, PortProtocols())) {
        d.with_help(fmt::format("did you mean `{}`?", *guess)).fix(spec.protocol->span, *guess);
      } else {
        d.with_help("the protocols are http, http2, grpc, grpc-web, tcp, tls, https, mongo, "
                    "mysql and redis");
      }
      continue;
    }
    if (auto [it, inserted] = seen.emplace(n.value, n.span); !inserted) {
      c.diags().report(diag::Code::E0312, n.span, fmt::format("port {} is listed twice", n.value),
                       "listed again")
          .note("first listed here", it->second);
      continue;
    }
    info.ports.push_back({static_cast<uint32_t>(n.value), protocol, IsHttpProtocol(protocol),
                          spec.span});
  }
  std::sort(info.ports.begin(), info.ports.end(),
            [](const Port& a, const Port& b) { return a.number < b.number; });
}

void FillApp(Checker& c, std::vector<FileScope>& scopes, Symbol& s) {
  const auto& body = std::get<syntax::AppBody>(s.decl->body);
  FileScope& scope = ScopeOf(scopes, s);
  AppInfo info;
  info.namespaces = c.ResolveNamespaceList(scope, body.namespaces);
  info.has_selector = body.selector_span.has_value();
  CheckSelector(c, body, info);
  CheckPorts(c, body, info);
  if (body.serviceaccount) {
    info.serviceaccount = c.Resolve(scope, *body.serviceaccount, {DeclKind::ServiceAccount});
  }
  Program& p = c.program();
  if (info.serviceaccount != kNoSymbol) {
    const Symbol& sa = p.symbol(info.serviceaccount);
    const auto& sa_ns = sa.sa().namespaces;
    for (SymbolId ns : info.namespaces) {
      if (std::find(sa_ns.begin(), sa_ns.end(), ns) != sa_ns.end()) continue;
      c.diags().report(diag::Code::E0204, body.serviceaccount->span,
                       fmt::format("serviceaccount `{}` is not declared in namespace `{}`, where "
                                   "app `{}` runs",
                                   sa.name, p.symbol(ns).name, s.name),
                       fmt::format("missing in `{}`", p.symbol(ns).name))
          .label(sa.name_span(), "declared here")
          .with_help(fmt::format("add `{}` to the namespaces after `in` in the declaration of `{}`",
                                 p.symbol(ns).name, sa.name));
    }
  }
  for (const syntax::ObjectsEntry& entry : body.objects) {
    SymbolId res = c.Resolve(scope, entry.resource, {DeclKind::Resource});
    AppObjects objects{res, {}, entry.span};
    for (const syntax::StringLit& name : entry.names) {
      if (Problem problem = CheckDnsSubdomain(name.value)) {
        c.diags().report(diag::Code::E0301, name.span,
                         fmt::format("`{}` is not a valid Kubernetes object name", name.value),
                         *problem);
        continue;
      }
      objects.names.push_back(name.value);
    }
    std::sort(objects.names.begin(), objects.names.end());
    if (res != kNoSymbol) info.objects.push_back(std::move(objects));
  }
  s.info = std::move(info);
}

void FillPipeline(Checker& c, std::vector<FileScope>& scopes, Symbol& s) {
  const auto& body = std::get<syntax::PipelineBody>(s.decl->body);
  FileScope& scope = ScopeOf(scopes, s);
  PipelineInfo info;
  info.ns = c.Resolve(scope, body.ns, {DeclKind::Namespace});
  CheckK8sName(c, s, false);
  if (!body.serviceaccount) {
    c.diags().report(diag::Code::E0211, s.decl->name.span,
                     fmt::format("pipeline `{}` names no serviceaccount", s.name),
                     "no `serviceaccount` clause")
        .with_help("a pipeline runs as exactly one serviceaccount of its namespace: add "
                   "`{ serviceaccount NAME }`");
  } else {
    info.serviceaccount = c.Resolve(scope, *body.serviceaccount, {DeclKind::ServiceAccount});
  }
  Program& p = c.program();
  if (info.ns != kNoSymbol && info.serviceaccount != kNoSymbol) {
    const Symbol& sa = p.symbol(info.serviceaccount);
    const auto& sa_ns = sa.sa().namespaces;
    if (std::find(sa_ns.begin(), sa_ns.end(), info.ns) == sa_ns.end()) {
      c.diags().report(diag::Code::E0210, body.serviceaccount->span,
                       fmt::format("serviceaccount `{}` is not declared in namespace `{}`, where "
                                   "pipeline `{}` runs",
                                   sa.name, p.symbol(info.ns).name, s.name),
                       "not in the pipeline's namespace")
          .label(sa.name_span(), "declared here")
          .with_help("a PipelineRun can only run as a serviceaccount of its own namespace");
      info.serviceaccount = kNoSymbol;
    }
  }
  s.info = info;
}

// Spec §4: each Kubernetes object is declared once, across all packages.
void CheckUniqueObjects(Checker& c) {
  Program& p = c.program();
  std::map<std::string, SymbolId> namespaces;
  std::map<std::pair<std::string, std::string>, SymbolId> accounts;
  std::map<std::pair<std::string, std::string>, SymbolId> pipelines;
  auto clash = [&](const Symbol& later, const Symbol& first, std::string what) {
    c.diags().report(diag::Code::E0106, K8sNameSpan(*later.decl),
                     fmt::format("{} is declared twice", what), "declared again here")
        .note(fmt::format("first declared here, as `{}`", first.qualified()), K8sNameSpan(*first.decl))
        .with_help("declare each Kubernetes object once, in one package, and import it elsewhere");
  };
  for (SymbolId id = 0; id < p.symbols.size(); ++id) {
    const Symbol& s = p.symbols[id];
    if (s.kind == DeclKind::Namespace) {
      auto [it, inserted] = namespaces.emplace(s.k8s_name, id);
      if (!inserted) clash(s, p.symbol(it->second), fmt::format("namespace `{}`", s.k8s_name));
    } else if (s.kind == DeclKind::ServiceAccount) {
      for (SymbolId ns : s.sa().namespaces) {
        const std::string& ns_name = p.symbol(ns).k8s_name;
        auto [it, inserted] = accounts.emplace(std::make_pair(ns_name, s.k8s_name), id);
        if (!inserted) {
          clash(s, p.symbol(it->second),
                fmt::format("serviceaccount `{}` in namespace `{}`", s.k8s_name, ns_name));
        }
      }
    } else if (s.kind == DeclKind::Pipeline && s.pipeline().ns != kNoSymbol) {
      const std::string& ns_name = p.symbol(s.pipeline().ns).k8s_name;
      auto [it, inserted] = pipelines.emplace(std::make_pair(ns_name, s.k8s_name), id);
      if (!inserted) {
        clash(s, p.symbol(it->second), fmt::format("pipeline `{}` in namespace `{}`", s.k8s_name, ns_name));
      }
    }
  }
}

// Two selectors can match one pod unless they require different values for
// a shared key.
bool SelectorsOverlap(const AppInfo& a, const AppInfo& b) {
  for (const auto& [key, value] : a.selector) {
    for (const auto& [key2, value2] : b.selector) {
      if (key == key2 && value != value2) return false;
    }
  }
  return true;
}

void CheckOverlappingApps(Checker& c) {
  Program& p = c.program();
  std::map<SymbolId, std::vector<SymbolId>> apps_by_ns;
  for (SymbolId id = 0; id < p.symbols.size(); ++id) {
    const Symbol& s = p.symbols[id];
    if (s.kind != DeclKind::App || !s.app().has_selector) continue;
    for (SymbolId ns : s.app().namespaces) apps_by_ns[ns].push_back(id);
  }
  std::set<std::pair<SymbolId, SymbolId>> reported;
  for (const auto& [ns, apps] : apps_by_ns) {
    for (size_t i = 0; i < apps.size(); ++i) {
      for (size_t j = i + 1; j < apps.size(); ++j) {
        const Symbol& a = p.symbol(apps[i]);
        const Symbol& b = p.symbol(apps[j]);
        if (!SelectorsOverlap(a.app(), b.app()) || !reported.insert({apps[i], apps[j]}).second) {
          continue;
        }
        const auto& sel = std::get<syntax::AppBody>(b.decl->body).selector_span;
        c.diags().report(diag::Code::W0201, sel ? *sel : b.name_span(),
                         fmt::format("apps `{}` and `{}` can select the same pods in namespace `{}`",
                                     a.name, b.name, p.symbol(ns).name),
                         "this selector")
            .label(a.name_span(), fmt::format("`{}` declared here", a.name))
            .with_help("Istio applies every policy that selects a pod; give the selectors a "
                       "label with different values");
      }
    }
  }
}

}  // namespace

void CheckDeclarations(Checker& c, std::vector<FileScope>& scopes) {
  Program& p = c.program();
  for (Symbol& s : p.symbols) FillSimple(c, s);
  for (Symbol& s : p.symbols) {
    if (s.kind == DeclKind::ServiceAccount) FillServiceAccount(c, scopes, s);
    else if (s.kind == DeclKind::Issuer) FillIssuer(c, s);
  }
  ActionFlattener flattener(c, scopes);
  for (SymbolId id = 0; id < p.symbols.size(); ++id) {
    if (p.symbols[id].kind == DeclKind::Action) flattener.Flatten(id);
  }
  for (Symbol& s : p.symbols) {
    if (s.kind == DeclKind::App) FillApp(c, scopes, s);
    else if (s.kind == DeclKind::Pipeline) FillPipeline(c, scopes, s);
  }
  CheckUniqueObjects(c);
  CheckOverlappingApps(c);
}

}  // namespace stave::sema
