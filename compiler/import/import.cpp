// Import: each binding becomes `allow` rules (roles equal to a std action
// use it, others become actions named after the role; rules limited by
// resourceNames become an app with those objects), each
// AuthorizationPolicy rule an `allow`/`deny … to call` rule on an app made
// from its selector, a namespace-wide `spec: {}` `default deny`, a
// namespace-wide STRICT PeerAuthentication `mtls strict`, a
// RequestAuthentication's issuers `issuer` declarations that the policies'
// `requestPrincipals` name as sources. What the language cannot say
// becomes a comment where it would go, and a warning.
#include "compiler/import/import.h"

#include <algorithm>

#include <fmt/format.h>

#include "compiler/access/access.h"
#include "compiler/import/issuers.h"
#include "compiler/import/policy_text.h"
#include "compiler/syntax/tokens.h"

namespace stave::import {
namespace {

// Names a declaration cannot take: the reserved words, and the two
// contextual keywords that also begin a subject or a rule (`allow issuer
// google …`, `audit …`), where a name spelled like them would read as
// the keyword.
bool Unusable(const std::string& name) {
  return syntax::IsReservedWord(name) || name == "issuer" || name == "audit";
}

const std::set<std::string> kUnnamedVerbs = {"create", "list", "watch", "deletecollection"};
const std::set<std::string> kMethods = {"GET", "HEAD", "POST", "PUT", "DELETE", "PATCH", "OPTIONS", "CONNECT", "TRACE"};

std::string RbacResource(const Atom& a) {
  const auto& [group, resource, verb] = a;
  size_t slash = resource.find('/');
  std::string head = slash == std::string::npos ? resource : resource.substr(0, slash);
  std::string tail = slash == std::string::npos ? "" : resource.substr(slash);
  return head + (group.empty() ? "" : "." + group) + tail;
}

struct Out {
  std::vector<std::string> decls, rules;
};

struct RbacApp {
  std::string name;
  std::map<std::string, std::vector<std::string>> objects;  // resource symbol -> names
  std::set<std::string> namespaces;                          // k8s names
};

class Importer {
 public:
  Importer(const std::string& package, const StdLibrary& std_library) : package_(package), std_(std_library) {}

  ImportResult Run(std::vector<const kube::ClusterObject*> objects) {
    std::sort(objects.begin(), objects.end(), [](auto* a, auto* b) {
      return std::tie(a->kind, a->ns, a->name) < std::tie(b->kind, b->ns, b->name);
    });
    for (const auto* o : objects) {
      if (o->kind == "Role" || o->kind == "ClusterRole") roles_[{o->kind, o->ns, o->name}] = o;
    }
    for (const auto* o : objects) {
      if (o->kind == "ServiceAccount") ServiceAccount(o->ns, o->name, true);
      else if (o->kind == "RequestAuthentication") RequestAuthn(*o);
    }
    for (const auto* o : objects) {
      if (o->kind == "RoleBinding" || o->kind == "ClusterRoleBinding") Binding(*o);
      else if (o->kind == "PeerAuthentication") Peer(*o);
      else if (o->kind == "AuthorizationPolicy") Policy(*o);
    }
    UnnamedIssuers();
    return Finish();
  }

 private:
  // A readable, stable name: the Kubernetes name; taken, then with its
  // namespace (`app-0-team-5`), then its kind (`tekton-webhook-role`
  // beside the serviceaccount), then numbered.
  std::string Fresh(const std::string& wanted, const std::string& kind, const std::string& ns = "") {
    std::string base = Identifier(wanted);
    if (Unusable(base) || std_.names.count(base)) base += "-" + kind;
    std::string name = base;
    if (used_.count(name) && !ns.empty()) name = base + "-" + Identifier(ns);
    if (used_.count(name) && !ns.empty()) name = base + "-" + Identifier(ns) + "-" + kind;
    if (used_.count(name)) name = base + "-" + kind;
    for (int i = 2; used_.count(name); ++i) name = fmt::format("{}-{}-{}", base, kind, i);
    used_.insert(name);
    return name;
  }

  Out& File(const std::string& ns) { return files_[ns]; }

  void Warn(const kube::ClusterObject& o, const std::string& ns, const std::string& what) {
    std::string object = fmt::format("{} `{}`", o.kind, kube::Qualified(o));
    if (!warned_.insert({ns, object, what}).second) return;  // a role bound twice
    warnings_.push_back({o.origin, fmt::format("{}: {}; kept as a comment", object, what)});
    File(ns).rules.push_back(fmt::format("// not imported: {} ({}:{}): {}", object, o.origin.file, o.origin.line, what));
  }

  std::string Namespace(const std::string& ns) {
    auto it = namespaces_.find(ns);
    if (it != namespaces_.end()) return it->second;
    return namespaces_[ns] = Fresh(ns, "ns");
  }

  std::string ServiceAccount(const std::string& ns, const std::string& name, bool object) {
    auto key = std::make_pair(ns, name);
    auto it = serviceaccounts_.find(key);
    if (it != serviceaccounts_.end()) return it->second;
    Namespace(ns);
    if (object) sa_objects_.insert(key);
    return serviceaccounts_[key] = Fresh(name, "sa", ns);
  }

  std::string Subject(const lower::RbacSubject& s) {
    if (s.kind == "ServiceAccount") return ServiceAccount(s.ns, s.name, false);
    auto& table = s.kind == "Group" ? groups_ : users_;
    auto it = table.find(s.name);
    if (it != table.end()) return it->second;
    return table[s.name] = Fresh(s.name, s.kind == "Group" ? "group" : "user");
  }

  std::string Resource(const std::string& text) {
    auto s = std_.resources.find(text);
    if (s != std_.resources.end()) return s->second;
    auto it = resources_.find(text);
    if (it != resources_.end()) return it->second;
    std::string name = text == "*" ? "all-resources" : text;
    return resources_[text] = Fresh(name, "resource");
  }

  // An action holding exactly `atoms`: a std action if one is equal, else
  // a declared one (shared by roles with the same permissions).
  std::string Action(const std::set<Atom>& atoms, const std::string& wanted, const std::string& ns) {
    for (const auto& [name, std_atoms] : std_.actions) {
      if (std_atoms == atoms) return name;
    }
    auto it = actions_.find(atoms);
    if (it != actions_.end()) return it->second;
    std::string name = Fresh(wanted, "role", ns);
    std::map<std::string, std::vector<std::string>> by_resource;
    for (const Atom& a : atoms) by_resource[Resource(RbacResource(a))].push_back(std::get<2>(a));
    std::string body;
    for (const auto& [resource, verbs] : by_resource) body += fmt::format("  {}: {}\n", resource, Join(verbs));
    File(ns).decls.push_back(fmt::format("action {} {{\n{}}}", name, body));
    return actions_[atoms] = name;
  }

  std::string SubjectList(const std::vector<lower::RbacSubject>& subjects) {
    std::vector<std::string> names;
    for (const auto& s : subjects) names.push_back(Subject(s));
    std::sort(names.begin(), names.end());
    names.erase(std::unique(names.begin(), names.end()), names.end());
    return Join(names);
  }

  void Binding(const kube::ClusterObject& o) {
    if (!o.model) return;
    const auto& b = std::get<lower::RoleBinding>(o.model->spec);
    bool cluster = o.kind == "ClusterRoleBinding";
    for (const std::string& u : o.unsupported) Warn(o, o.ns, u);
    auto role_it = roles_.find({b.role_kind, b.role_kind == "Role" ? o.ns : "", b.role_name});
    if (role_it == roles_.end() || !role_it->second->model) {
      Warn(o, o.ns, fmt::format("its {} `{}` is not in the input, so it grants nothing", b.role_kind, b.role_name));
      return;
    }
    if (b.subjects.empty()) return;
    const kube::ClusterObject& role = *role_it->second;
    for (const std::string& u : role.unsupported) Warn(role, o.ns, u);
    const auto& rules = std::get<lower::Role>(role.model->spec).rules();
    std::set<Atom> unnamed;
    std::string subjects = SubjectList(b.subjects);
    std::string where = cluster ? "cluster" : Namespace(o.ns);
    for (size_t i = 0; i < rules.size(); ++i) {
      const lower::PolicyRule& r = rules[i];
      if (std::count(r.api_groups.begin(), r.api_groups.end(), "*")) {
        Warn(role, o.ns, fmt::format("apiGroups `*` in rule {}", i + 1));
        continue;
      }
      std::set<Atom> atoms;
      for (const auto& g : r.api_groups)
        for (const auto& res : r.resources)
          for (const auto& v : r.verbs) atoms.insert({g, res, v});
      if (r.resource_names.empty()) {
        unnamed.insert(atoms.begin(), atoms.end());
        continue;
      }
      NamedRule(o, role, i, atoms, r.resource_names, subjects, cluster);
    }
    if (!unnamed.empty()) {
      std::string action = Action(unnamed, role.name, role.ns);
      File(cluster ? "" : o.ns).rules.push_back(fmt::format("allow {} to {} in {}", subjects, action, where));
    }
  }

  // A rule limited by resourceNames: an app whose objects are those names,
  // and an action of the rule's verbs that act on a named object.
  void NamedRule(const kube::ClusterObject& binding, const kube::ClusterObject& role, size_t index,
                 const std::set<Atom>& atoms, const std::vector<std::string>& names,
                 const std::string& subjects, bool cluster) {
    if (cluster) {
      Warn(role, "", fmt::format("rule {} is limited by resourceNames, which a cluster-wide grant cannot be", index + 1));
      return;
    }
    std::set<Atom> named;
    for (const Atom& a : atoms) {
      if (kUnnamedVerbs.count(std::get<2>(a))) {
        Warn(role, binding.ns, fmt::format("rule {} limits `{}` by resourceNames", index + 1, std::get<2>(a)));
      } else {
        named.insert(a);
      }
    }
    if (named.empty()) return;
    auto key = std::make_tuple(role.kind, role.ns, role.name, index);
    RbacApp& app = rbac_apps_[key];
    if (app.name.empty()) {
      app.name = Fresh(role.name + "-objects" + (index ? "-" + std::to_string(index + 1) : ""), "app", role.ns);
      for (const Atom& a : named) {
        std::string res = std::get<1>(a);
        res = res.substr(0, res.find('/'));
        auto& list = app.objects[Resource(RbacResource({std::get<0>(a), res, ""}))];
        list = names;
      }
    }
    app.namespaces.insert(binding.ns);
    std::string action = Action(named, role.name + "-named" + (index ? "-" + std::to_string(index + 1) : ""), role.ns);
    File(binding.ns).rules.push_back(fmt::format("allow {} to {} {} in {}", subjects, action, app.name, Namespace(binding.ns)));
  }

  void Peer(const kube::ClusterObject& o) {
    for (const std::string& u : o.unsupported) Warn(o, o.ns, u);
    if (!o.model) return;
    std::string mode = std::get<lower::PeerAuthentication>(o.model->spec).mode;
    Namespace(o.ns);
    if (mode == "STRICT") mtls_strict_.insert(o.ns);
  }

  std::string App(const std::string& ns, const std::map<std::string, std::string>& selector) {
    Namespace(ns);
    auto key = std::make_pair(ns, selector);
    auto it = mesh_apps_.find(key);
    if (it != mesh_apps_.end()) return it->second;
    std::vector<std::string> values;
    for (const auto& [k, v] : selector) values.push_back(v);
    return mesh_apps_[key] = Fresh(Join(values, "-"), "app", ns);
  }

  // A rule's sources, or an empty string after warning why they cannot be
  // said. The issuers its request principals name are added to `issuers`.
  std::string Sources(const kube::ClusterObject& o, const lower::AuthorizationPolicy& ap, const lower::IstioRule& r,
                      size_t index, std::set<std::string>& issuers) {
    if (r.from.empty()) return "any";
    std::vector<std::string> out;
    for (const lower::IstioSource& s : r.from) {
      if (!s.principals.empty() && !s.namespaces.empty()) {
        Warn(o, o.ns, fmt::format("rule {} has a source with both principals and namespaces", index + 1));
        return "";
      }
      if (!s.request_principals.empty()) {
        if (!s.principals.empty() || !s.namespaces.empty()) {
          // Fields of one source must all match; stave's sources are alternatives.
          Warn(o, o.ns, fmt::format("rule {} has a source with both requestPrincipals and peer identities", index + 1));
          return "";
        }
        const auto accepted = accepted_.find({o.ns, ap.selector});
        std::set<std::string> strings;
        if (accepted != accepted_.end()) {
          for (const auto& [issuer, rule] : accepted->second) strings.insert(issuer);
        }
        for (const std::string& value : s.request_principals) {
          auto parsed = ParseRequestPrincipal(value, strings);
          if (const std::string* why = std::get_if<std::string>(&parsed)) {
            Warn(o, o.ns, fmt::format("{} in rule {}", *why, index + 1));
            return "";
          }
          const IssuerSource& source = std::get<IssuerSource>(parsed);
          issuers.insert(source.issuer);
          std::string name = IssuerName(accepted->second.at(source.issuer));
          out.push_back("issuer " + name + (source.subject ? " subject " + syntax::StringLiteral(*source.subject) : ""));
        }
        continue;
      }
      if (s.principals.empty() && s.namespaces.empty()) return "any";
      for (const std::string& p : s.principals) {
        std::string ns, name;
        if (p == "*") out.push_back("authenticated");
        else if (p.rfind("cluster.local/", 0) == 0 && access::ParsePrincipal(p, ns, name)) {
          out.push_back(ServiceAccount(ns, name, false));
        } else {
          Warn(o, o.ns, fmt::format("principal `{}` in rule {}", p, index + 1));
          return "";
        }
      }
      for (const std::string& n : s.namespaces) {
        if (n.find('*') != std::string::npos) {
          Warn(o, o.ns, fmt::format("namespace pattern `{}` in rule {}", n, index + 1));
          return "";
        }
        out.push_back("namespace " + Namespace(n));
      }
    }
    std::sort(out.begin(), out.end());
    out.erase(std::unique(out.begin(), out.end()), out.end());
    return Join(out);
  }

  bool ValidPorts(const std::vector<std::string>& ports) {
    return std::all_of(ports.begin(), ports.end(), [](const std::string& p) {
      return !p.empty() && p.size() <= 5 && std::all_of(p.begin(), p.end(), ::isdigit) && std::stoul(p) >= 1 &&
             std::stoul(p) <= 65535;
    });
  }

  // The operation clauses, or nullopt after warning.
  std::optional<std::string> Operation(const kube::ClusterObject& o, const lower::IstioOperation& op, size_t index) {
    std::string out;
    auto quoted = [](const std::vector<std::string>& v) {
      std::vector<std::string> q;
      for (const auto& s : v) q.push_back(syntax::StringLiteral(s));
      return Join(q);
    };
    for (const auto* list : {&op.methods, &op.not_methods}) {
      for (const auto& m : *list) {
        if (!kMethods.count(m)) {
          Warn(o, o.ns, fmt::format("method `{}` in rule {}", m, index + 1));
          return std::nullopt;
        }
      }
    }
    for (const auto* list : {&op.paths, &op.not_paths}) {
      for (const auto& p : *list) {
        if (p.empty() || (p[0] != '/' && p[0] != '*')) {
          Warn(o, o.ns, fmt::format("path `{}` in rule {}", p, index + 1));
          return std::nullopt;
        }
      }
    }
    if (!ValidPorts(op.ports) || !ValidPorts(op.not_ports)) {
      Warn(o, o.ns, fmt::format("a port that is not 1-65535 in rule {}", index + 1));
      return std::nullopt;
    }
    auto clause = [&](const char* word, const std::vector<std::string>& v, bool quote) {
      if (!v.empty()) out += fmt::format(" {} {}", word, quote ? quoted(v) : Join(v));
    };
    clause("methods", op.methods, false);
    clause("not methods", op.not_methods, false);
    clause("paths", op.paths, true);
    clause("not paths", op.not_paths, true);
    clause("ports", op.ports, false);
    clause("not ports", op.not_ports, false);
    clause("hosts", op.hosts, true);
    clause("not hosts", op.not_hosts, true);
    return out;
  }

  std::string ConditionKey(const std::string& key) {
    size_t open = key.find('[');
    if (open == std::string::npos || key.back() != ']') return key;
    std::string name = key.substr(open + 1, key.size() - open - 2);
    if (name.size() >= 2 && name.front() == '"') return key;
    return key.substr(0, open) + "[" + syntax::StringLiteral(name) + "]";
  }

  void Policy(const kube::ClusterObject& o) {
    for (const std::string& u : o.unsupported) Warn(o, o.ns, u);
    if (!o.model) return;
    const auto& ap = std::get<lower::AuthorizationPolicy>(o.model->spec);
    if (ap.selector.empty()) {
      if (ap.allow_nothing && ap.action == "ALLOW") {
        default_deny_.insert(o.ns);
        Namespace(o.ns);
      } else {
        Warn(o, o.ns, "a namespace-wide policy with rules (no app stands for every workload)");
      }
      return;
    }
    if (ap.allow_nothing) {
      Warn(o, o.ns, "an ALLOW policy without rules on selected workloads");
      return;
    }
    std::string app = App(o.ns, ap.selector);
    std::string effect = ap.action == "DENY" ? "deny" : "allow";
    for (size_t i = 0; i < ap.rules.size(); ++i) {
      const lower::IstioRule& r = ap.rules[i];
      std::set<std::string> issuers;
      std::string sources = Sources(o, ap, r, i, issuers);
      if (sources.empty()) continue;
      std::string ops;
      if (r.to) {
        auto op = Operation(o, *r.to, i);
        if (!op) continue;
        ops = *op;
      }
      for (const lower::IstioCondition& c : r.when) {
        std::vector<std::string> q;
        for (const auto& v : c.values) q.push_back(syntax::StringLiteral(v));
        if (!q.empty()) ops += fmt::format(" when {} == {}", ConditionKey(c.key), Join(q));
        q.clear();
        for (const auto& v : c.not_values) q.push_back(syntax::StringLiteral(v));
        if (!q.empty()) ops += fmt::format(" when {} != {}", ConditionKey(c.key), Join(q));
      }
      File(o.ns).rules.push_back(fmt::format("{} {} to call {} in {}{}", effect, sources, app, Namespace(o.ns), ops));
      named_[{o.ns, ap.selector}].insert(issuers.begin(), issuers.end());
    }
  }

  // The issuers a RequestAuthentication accepts, by namespace and selector.
  // Stave emits one per app, listing the issuers the app's rules name, so
  // only a workload-level one whose every issuer an imported rule names
  // means the same after the import (see UnnamedIssuers).
  void RequestAuthn(const kube::ClusterObject& o) {
    for (const std::string& u : o.unsupported) Warn(o, o.ns, u);
    if (!o.model || !o.unsupported.empty()) return;
    const auto& ra = std::get<lower::RequestAuthentication>(o.model->spec);
    if (ra.selector.empty()) {
      Warn(o, o.ns, "a namespace-wide RequestAuthentication (stave validates tokens per app)");
      return;
    }
    auto& accepted = accepted_[{o.ns, ra.selector}];
    authn_objects_[{o.ns, ra.selector}].push_back(&o);
    for (const auto& [issuer, rule] : ra.rules) {
      if (std::string why = InexpressibleJwtRule(rule); !why.empty()) {
        Warn(o, o.ns, why);
        continue;
      }
      auto [it, inserted] = accepted.emplace(issuer, rule);
      if (!inserted && it->second != rule) {
        Warn(o, o.ns, fmt::format("issuer `{}` is also accepted, with other settings, by another "
                                  "RequestAuthentication of the same workloads", issuer));
        accepted.erase(it);
      }
    }
  }

  // A token of an accepted issuer that no rule names is validated by the
  // input but refused (401) by the rebuilt objects: a warning at its
  // RequestAuthentication.
  void UnnamedIssuers() {
    for (const auto& [key, accepted] : accepted_) {
      const std::set<std::string>& named = named_[key];
      for (const auto& [issuer, rule] : accepted) {
        if (named.count(issuer)) continue;
        for (const kube::ClusterObject* o : authn_objects_[key]) {
          if (!std::get<lower::RequestAuthentication>(o->model->spec).rules.count(issuer)) continue;
          Warn(*o, o->ns, fmt::format("issuer `{}` is named by no imported rule of the workloads it "
                                      "selects; stave validates only the issuers its rules name",
                                      issuer));
        }
      }
    }
  }

  // One declaration per issuer and settings, shared by every app.
  std::string IssuerName(const lower::JwtRule& rule) {
    auto it = issuers_.find(rule);
    if (it != issuers_.end()) return it->second;
    std::string name = Fresh(IssuerNameBase(rule.issuer), "issuer");
    File("").decls.push_back(IssuerDeclaration(name, rule));
    return issuers_[rule] = name;
  }

  ImportResult Finish() {
    for (const auto& [ns, name] : namespaces_) {
      std::vector<std::string> body;
      if (default_deny_.count(ns)) body.push_back("default deny");
      if (mtls_strict_.count(ns)) body.push_back("mtls strict");
      std::string decl = fmt::format("namespace {} = {}", name, syntax::StringLiteral(ns));
      if (!body.empty()) decl += " { " + Join(body, "  ") + " }";
      File(ns).decls.insert(File(ns).decls.begin(), decl);
    }
    for (const auto& [key, name] : serviceaccounts_) {
      File(key.first).decls.push_back(fmt::format("serviceaccount {} = {} in {}{}", name, syntax::StringLiteral(key.second),
                                                  namespaces_[key.first], sa_objects_.count(key) ? "" : " { external }"));
    }
    for (const auto& [k8s, name] : users_) File("").decls.push_back(fmt::format("user {} = {}", name, syntax::StringLiteral(k8s)));
    for (const auto& [k8s, name] : groups_) File("").decls.push_back(fmt::format("group {} = {}", name, syntax::StringLiteral(k8s)));
    for (const auto& [text, name] : resources_) File("").decls.push_back(fmt::format("resource {} = {}", name, syntax::StringLiteral(text)));
    for (const auto& [key, app] : rbac_apps_) {
      std::vector<std::string> nss, objects;
      for (const auto& ns : app.namespaces) nss.push_back(namespaces_[ns]);
      for (const auto& [res, names] : app.objects) {
        std::vector<std::string> q;
        for (const auto& n : names) q.push_back(syntax::StringLiteral(n));
        objects.push_back(fmt::format("    {}: {}\n", res, Join(q)));
      }
      std::string file = app.namespaces.size() == 1 ? *app.namespaces.begin() : "";
      File(file).decls.push_back(fmt::format("app {} in {} {{\n  objects {{\n{}  }}\n}}", app.name, Join(nss), Join(objects, "")));
    }
    for (const auto& [key, name] : mesh_apps_) {
      std::string labels;
      for (const auto& [k, v] : key.second) labels += fmt::format(" {} = {}", syntax::StringLiteral(k), syntax::StringLiteral(v));
      File(key.first).decls.push_back(fmt::format("app {} in {} {{\n  selector {{{} }}\n}}", name, namespaces_[key.first], labels));
    }
    ImportResult result;
    for (auto& [ns, out] : files_) {
      std::string text = fmt::format("package {}\n\n", package_);
      if (ns.empty()) text = fmt::format("// Imported by `stave import`: users, groups, resources and cluster-wide grants.\n{}", text);
      else text = fmt::format("// Imported by `stave import`: namespace `{}`.\n{}", ns, text);
      for (const auto& d : out.decls) text += d + "\n";
      if (!out.decls.empty() && !out.rules.empty()) text += "\n";
      for (const auto& r : out.rules) text += r + "\n";
      result.files[(ns.empty() ? "cluster" : ns) + ".policy"] = std::move(text);
    }
    if (!result.files.count("cluster.policy")) {
      result.files["cluster.policy"] =
          fmt::format("// Imported by `stave import`: nothing cluster-wide.\npackage {}\n", package_);
    }
    result.warnings = std::move(warnings_);
    return result;
  }

  std::string package_;
  const StdLibrary& std_;
  std::set<std::string> used_;
  std::map<std::string, Out> files_;  // by namespace; "" is cluster.policy
  std::vector<kube::Problem> warnings_;
  std::set<std::tuple<std::string, std::string, std::string>> warned_;
  std::map<std::tuple<std::string, std::string, std::string>, const kube::ClusterObject*> roles_;
  using AppKey = std::pair<std::string, std::map<std::string, std::string>>;  // namespace, selector
  std::map<AppKey, std::map<std::string, lower::JwtRule>> accepted_;  // by issuer string
  std::map<AppKey, std::vector<const kube::ClusterObject*>> authn_objects_;
  std::map<AppKey, std::set<std::string>> named_;  // issuers the imported rules name
  std::map<lower::JwtRule, std::string> issuers_;
  std::map<std::string, std::string> namespaces_, users_, groups_, resources_;
  std::map<std::pair<std::string, std::string>, std::string> serviceaccounts_;
  std::set<std::pair<std::string, std::string>> sa_objects_;
  std::set<std::string> default_deny_, mtls_strict_;
  std::map<std::set<Atom>, std::string> actions_;
  std::map<std::tuple<std::string, std::string, std::string, size_t>, RbacApp> rbac_apps_;
  std::map<std::pair<std::string, std::map<std::string, std::string>>, std::string> mesh_apps_;
};

}  // namespace

ImportResult Import(const std::vector<kube::ClusterObject>& objects, const std::string& package,
                    const StdLibrary& std_library) {
  std::vector<const kube::ClusterObject*> pointers;
  for (const auto& o : objects) pointers.push_back(&o);
  return Importer(package, std_library).Run(std::move(pointers));
}

}  // namespace stave::import
