// A seeded generator of random, valid Stave programs for the cross-check
// property test (crosscheck_test.cpp). The generator writes policy TEXT and,
// while doing so, fills plain structs that say what that text means; the
// test's reference model works on these structs only, never on the
// compiler's own data (sema::Program, lowering).
//
// Everything is chosen with `Rng`, which uses only std::mt19937's raw output
// (no distributions, whose results differ between standard libraries), so a
// seed gives the same program on every machine.
#pragma once

#include <algorithm>
#include <cstdint>
#include <map>
#include <optional>
#include <random>
#include <set>
#include <string>
#include <vector>

namespace stave::xcheck {

struct Rng {
  explicit Rng(uint32_t seed) : g(seed) {}
  std::mt19937 g;
  // In [0, n).
  int Below(int n) { return n <= 1 ? 0 : static_cast<int>(g() % static_cast<uint32_t>(n)); }
  // In [lo, hi].
  int Int(int lo, int hi) { return lo + Below(hi - lo + 1); }
  bool P(double p) { return (g() % 10000u) < static_cast<uint32_t>(p * 10000); }
  template <class T>
  const T& Pick(const std::vector<T>& v) {
    return v[static_cast<size_t>(Below(static_cast<int>(v.size())))];
  }
  // `count` distinct indices below n, sorted.
  std::vector<int> Distinct(int n, int count) {
    std::vector<int> all(static_cast<size_t>(n));
    for (int i = 0; i < n; ++i) all[static_cast<size_t>(i)] = i;
    for (int i = n - 1; i > 0; --i)
      std::swap(all[static_cast<size_t>(i)], all[static_cast<size_t>(Below(i + 1))]);
    all.resize(static_cast<size_t>(std::min(count, n)));
    std::sort(all.begin(), all.end());
    return all;
  }
  template <class T>
  void Shuffle(std::vector<T>& v) {
    for (size_t i = v.size(); i > 1; --i)
      std::swap(v[i - 1], v[static_cast<size_t>(Below(static_cast<int>(i)))]);
  }
};

// ---------------------------------------------------------------------------
// What the generated program means (the source, per spec §4-5).

// An API resource as `kubectl auth can-i` names it.
struct Resource {
  std::string name;  // the Stave name
  std::string group;
  std::string plural;
  std::string sub;        // "" or the subresource
  bool declared = false;  // declared by the program (else a std resource)
  std::string Request() const { return sub.empty() ? plural : plural + "/" + sub; }
  std::string Base() const { return group + "|" + plural; }  // what an app's objects match
  std::string Text() const {
    std::string s = plural;
    if (!group.empty()) s += "." + group;
    if (!sub.empty()) s += "/" + sub;
    return s;
  }
};

struct Namespace {
  std::string name, k8s;
  bool explicit_k8s = true;
  bool default_deny = false, strict = false;
};

struct Named {
  std::string name, k8s;
  bool explicit_k8s = true;
};

struct ServiceAccount {
  std::string name, k8s;
  bool explicit_k8s = true;
  std::vector<int> ns;
  bool external = false;
};

struct Port {
  uint32_t number;
  std::string protocol;  // "" means written without one: http
  bool Http() const {
    return protocol.empty() || protocol == "http" || protocol == "http2" || protocol == "grpc" ||
           protocol == "grpc-web";
  }
};

struct App {
  std::string name;
  std::vector<int> ns;
  int sa = -1;
  std::map<std::string, std::string> labels;  // the selector
  std::vector<Port> ports;
  // Objects by the Stave resource that lists them (index into resources).
  std::vector<std::pair<int, std::vector<std::string>>> objects;
  bool HasHttpPort() const {
    return std::any_of(ports.begin(), ports.end(), [](const Port& p) { return p.Http(); });
  }
};

struct Perm {
  int resource;
  std::string verb;
  friend auto operator<=>(const Perm&, const Perm&) = default;
};

struct Action {
  std::string name;  // as written in rules
  bool std_action = false;
  std::vector<std::pair<int, std::vector<std::string>>> lines;  // resource: verbs
  std::vector<int> includes;
  std::set<Perm> perms;  // after includes
};

enum class SubjectKind { User, Group, ServiceAccount, App };
struct Subject {
  SubjectKind kind;
  int index;
};

struct ApiRule {
  bool deny = false;
  std::vector<Subject> subjects;
  int action = 0;
  int app = -1;
  bool cluster = false;
  std::vector<int> ns;
};

enum class SourceKind { ServiceAccount, App, Namespace, Authenticated, Any };
struct Source {
  SourceKind kind;
  int index = -1;
};

struct Condition {
  std::string key;     // request.headers[x-k] / source.namespace
  std::string header;  // the header name for request.headers keys, else ""
  bool equal = true;
  std::vector<std::string> values;
};

struct CallRule {
  bool deny = false;
  std::vector<Source> sources;
  int app = 0;
  std::vector<int> ns;  // empty: all of the app's namespaces
  std::vector<std::string> methods, not_methods, paths, not_paths, hosts, not_hosts;
  std::vector<uint32_t> ports, not_ports;
  std::vector<Condition> when;
};

// §5.3: a Tekton Pipeline and the one serviceaccount it runs as.
struct Pipeline {
  std::string name, k8s;
  int ns = 0;
  int sa = 0;
};

struct RunRule {
  std::vector<Subject> subjects;
  std::vector<int> pipelines;
};

struct Program {
  std::vector<Namespace> namespaces;
  std::vector<Named> users, groups;
  std::vector<ServiceAccount> sas;
  std::vector<Resource> resources;
  std::vector<Action> actions;
  std::vector<App> apps;
  std::vector<ApiRule> api_rules;
  std::vector<CallRule> call_rules;
  std::vector<Pipeline> pipelines;
  std::vector<RunRule> run_rules;
  std::vector<std::string> object_names;  // every object name used
  // The declarations' text, in a shuffled order.
  std::vector<std::string> decl_text;

  std::string Text(bool with_api_denies) const;
  bool HasApiDeny() const {
    return std::any_of(api_rules.begin(), api_rules.end(), [](const ApiRule& r) { return r.deny; });
  }
};

// ---------------------------------------------------------------------------
// Pools.

inline const std::vector<std::string>& Verbs() {
  static const std::vector<std::string> v = {"get",    "list",  "watch",  "create",
                                             "update", "patch", "delete", "deletecollection"};
  return v;
}
inline const std::vector<std::string>& Methods() {
  static const std::vector<std::string> v = {"GET",    "HEAD",  "POST",   "PUT",
                                             "DELETE", "PATCH", "OPTIONS"};
  return v;
}
inline const std::vector<std::string>& PathPatterns() {
  static const std::vector<std::string> v = {"/",        "/api/*", "/api/v1", "/admin/*", "*.json",
                                             "/healthz", "*",      "/a/b",    "/a/*",     "*/b"};
  return v;
}
inline const std::vector<std::string>& RequestPaths() {
  static const std::vector<std::string> v = {
      "/",    "/api/v1", "/api/v2/x.json", "/admin/users", "/healthz", "/a/b",
      "/a/c", "/x.json", "/api",           "/admin",       "/b"};
  return v;
}
inline const std::vector<std::string>& HostPatterns() {
  static const std::vector<std::string> v = {"api.example.com", "*.example.com", "api.*", "*",
                                             "example.org"};
  return v;
}
inline const std::vector<std::string>& RequestHosts() {
  static const std::vector<std::string> v = {"", "api.example.com", "www.example.com",
                                             "example.org", "api.internal"};
  return v;
}
inline const std::vector<std::string>& HeaderNames() {
  static const std::vector<std::string> v = {"x-k", "x-tenant"};
  return v;
}
inline const std::vector<std::string>& HeaderValues() {
  static const std::vector<std::string> v = {"v1", "v2", "acme"};
  return v;
}
inline const std::vector<uint32_t>& PortPool() {
  static const std::vector<uint32_t> v = {8080, 9090, 5432, 6379, 443, 15000};
  return v;
}
inline const std::vector<std::string>& Protocols() {
  static const std::vector<std::string> v = {"",    "",    "http",  "http2", "grpc",  "grpc-web",
                                             "tcp", "tls", "https", "mongo", "mysql", "redis"};
  return v;
}

// The std resources the generator uses, and the std action `read-logs`,
// whose contents come from stdlib/std/actions.policy.
inline std::vector<Resource> StdResources() {
  return {
      {"pods", "", "pods", ""},
      {"pods-log", "", "pods", "log"},
      {"services", "", "services", ""},
      {"configmaps", "", "configmaps", ""},
      {"secrets", "", "secrets", ""},
      {"deployments", "apps", "deployments", ""},
      {"deployments-scale", "apps", "deployments", "scale"},
      {"jobs", "batch", "jobs", ""},
      {"pipelineruns", "tekton.dev", "pipelineruns", ""},
      {"taskruns", "tekton.dev", "taskruns", ""},
  };
}

inline std::string Join(const std::vector<std::string>& v, const std::string& sep) {
  std::string out;
  for (size_t i = 0; i < v.size(); ++i) out += (i ? sep : "") + v[i];
  return out;
}
inline std::string Quote(const std::string& s) { return "\"" + s + "\""; }

// ---------------------------------------------------------------------------
// The generator.

// How often the generator picks what; the defaults give the broad run, and
// `GuardFocus()` programs that mostly test the deny guard's edges.
struct GenOptions {
  double api_deny = 0.4;     // a program has API deny rules
  double deny_near = 0.6;    // a deny copies an allow's subjects (and often action)
  double allow_app = 0.5;    // an allow names an app (when one fits)
  double deny_app = 0.7;     // a deny names an app (when one fits)
  double named_only = 0.35;  // an action has only named-object verbs
  double pipelines = 0.35;   // a program declares pipelines (and run rules)
  int max_call_rules = 5;
  static GenOptions GuardFocus() {
    GenOptions o;
    o.api_deny = 1.0;
    o.deny_near = 0.9;
    o.allow_app = 0.85;
    o.deny_app = 0.85;
    o.named_only = 0.7;
    o.max_call_rules = 0;
    return o;
  }
};

class Generator {
 public:
  explicit Generator(uint32_t seed, GenOptions options = {}) : rng_(seed), opt_(options) {}

  Program Generate() {
    Program p;
    GenNamespaces(p);
    GenUsersGroups(p);
    GenServiceAccounts(p);
    GenResources(p);
    GenActions(p);
    GenApps(p);
    GenPipelines(p);
    GenApiRules(p);
    GenCallRules(p);
    rng_.Shuffle(p.decl_text);
    return p;
  }

  Rng& rng() { return rng_; }

 private:
  Rng rng_;
  GenOptions opt_;

  void GenNamespaces(Program& p) {
    static const std::vector<std::string> k8s = {"ns-alpha", "ns-beta", "ns-gamma", "team-a",
                                                 "team-b"};
    int n = rng_.Int(1, 3);
    std::vector<int> pick = rng_.Distinct(static_cast<int>(k8s.size()), n);
    rng_.Shuffle(pick);
    for (int i = 0; i < n; ++i) {
      Namespace ns;
      ns.name = "n" + std::to_string(i);
      ns.k8s = k8s[static_cast<size_t>(pick[static_cast<size_t>(i)])];
      if (rng_.P(0.2)) {  // the Stave name is the Kubernetes name
        ns.name = ns.k8s;
        ns.explicit_k8s = false;
      }
      ns.default_deny = rng_.P(0.35);
      ns.strict = rng_.P(0.5);
      std::string t = "namespace " + ns.name;
      if (ns.explicit_k8s) t += " = " + Quote(ns.k8s);
      if (ns.default_deny || ns.strict) {
        std::vector<std::string> clauses;
        if (ns.default_deny) clauses.push_back("default deny");
        if (ns.strict) clauses.push_back("mtls strict");
        if (rng_.P(0.5)) std::reverse(clauses.begin(), clauses.end());
        t += " { " + Join(clauses, "  ") + " }";
      }
      p.decl_text.push_back(t);
      p.namespaces.push_back(ns);
    }
  }

  void GenUsersGroups(Program& p) {
    static const std::vector<std::string> users = {"alice@example.com", "bob@example.com", "ops",
                                                   "carol"};
    static const std::vector<std::string> groups = {"devs", "sre-oncall", "ops", "auditors"};
    for (int i : rng_.Distinct(static_cast<int>(users.size()), rng_.Int(0, 3))) {
      Named u{"u" + std::to_string(p.users.size()), users[static_cast<size_t>(i)]};
      if (u.k8s.find('@') == std::string::npos && rng_.P(0.4)) {
        u.name = u.k8s;
        u.explicit_k8s = false;
      }
      p.decl_text.push_back("user " + u.name + (u.explicit_k8s ? " = " + Quote(u.k8s) : ""));
      p.users.push_back(u);
    }
    for (int i : rng_.Distinct(static_cast<int>(groups.size()), rng_.Int(0, 2))) {
      Named g{"g" + std::to_string(p.groups.size()), groups[static_cast<size_t>(i)]};
      p.decl_text.push_back("group " + g.name + " = " + Quote(g.k8s));
      p.groups.push_back(g);
    }
  }

  // Whether (ns, k8s) is free: each account is declared once.
  static bool Free(const Program& p, const std::string& k8s, const std::vector<int>& ns) {
    for (const ServiceAccount& sa : p.sas) {
      if (sa.k8s != k8s) continue;
      for (int a : sa.ns)
        if (std::find(ns.begin(), ns.end(), a) != ns.end()) return false;
    }
    return true;
  }

  void AddServiceAccount(Program& p, const std::string& k8s, const std::vector<int>& ns) {
    ServiceAccount sa;
    sa.name = "sa" + std::to_string(p.sas.size());
    sa.k8s = k8s;
    sa.ns = ns;
    sa.external = rng_.P(0.3);
    std::vector<std::string> names;
    for (int i : ns) names.push_back(p.namespaces[static_cast<size_t>(i)].name);
    rng_.Shuffle(names);
    p.decl_text.push_back("serviceaccount " + sa.name + " = " + Quote(k8s) + " in " +
                          Join(names, ", ") + (sa.external ? " { external }" : ""));
    p.sas.push_back(sa);
  }

  std::vector<int> SomeNamespaces(const Program& p, int max = 3) {
    int n = static_cast<int>(p.namespaces.size());
    return rng_.Distinct(n, rng_.Int(1, std::min(n, max)));
  }

  void GenServiceAccounts(Program& p) {
    static const std::vector<std::string> k8s = {"bot", "deployer", "web", "api", "worker"};
    int n = rng_.Int(1, 3);
    for (int tries = 0; tries < 20 && static_cast<int>(p.sas.size()) < n; ++tries) {
      std::string name = rng_.Pick(k8s);
      std::vector<int> ns = SomeNamespaces(p);
      if (Free(p, name, ns)) AddServiceAccount(p, name, ns);
    }
  }

  void GenResources(Program& p) {
    p.resources = StdResources();
    static const std::vector<std::string> plurals = {"widgets", "gadgets", "rollouts"};
    static const std::vector<std::string> groups = {"example.com", "acme.io"};
    int n = rng_.Int(1, 3);
    std::set<std::string> seen;
    for (int i = 0; i < n; ++i) {
      Resource r;
      r.declared = true;
      r.name = "r" + std::to_string(i);
      int kind = rng_.Below(10);
      if (kind == 0) {
        // Another name for a std resource: the same Kubernetes resource.
        Resource base = rng_.Pick(StdResources());
        r.group = base.group;
        r.plural = base.plural;
        r.sub = base.sub;
      } else {
        r.group = rng_.Pick(groups);
        r.plural = rng_.Pick(plurals);
        if (rng_.P(0.3)) r.sub = "status";
      }
      if (!seen.insert(r.Text()).second) continue;
      p.decl_text.push_back("resource " + r.name + " = " + Quote(r.Text()));
      p.resources.push_back(r);
    }
  }

  void GenActions(Program& p) {
    // std `read-logs` (stdlib/std/actions.policy): pods get, list, watch; pods/log get.
    Action rl;
    rl.name = "read-logs";
    rl.std_action = true;
    for (const char* v : {"get", "list", "watch"}) rl.perms.insert({0, v});
    rl.perms.insert({1, "get"});
    p.actions.push_back(rl);

    int n = rng_.Int(1, 3);
    int nres = static_cast<int>(p.resources.size());
    for (int i = 0; i < n; ++i) {
      Action a;
      a.name = "act" + std::to_string(i);
      int lines = rng_.Int(1, 3);
      // Some actions only have verbs that act on a named object, which an
      // app narrows to its objects' names everywhere.
      bool named_only = rng_.P(opt_.named_only);
      static const std::vector<std::string> named = {"get", "update", "patch", "delete"};
      for (int l = 0; l < lines; ++l) {
        int res = rng_.Below(nres);
        // Bias towards resources that apps list objects of.
        if (rng_.P(0.4)) res = rng_.Pick(std::vector<int>{0, 1, 2, 3, 5, 6});
        std::vector<std::string> verbs;
        const std::vector<std::string>& pool = named_only ? named : Verbs();
        for (int v : rng_.Distinct(static_cast<int>(pool.size()), rng_.Int(1, 4)))
          verbs.push_back(pool[static_cast<size_t>(v)]);
        if (rng_.P(0.04)) verbs.push_back("use");
        if (rng_.P(0.03)) verbs = {"*"};
        rng_.Shuffle(verbs);
        a.lines.push_back({res, verbs});
        for (const auto& v : verbs) a.perms.insert({res, v});
      }
      // Include earlier actions (so no cycle), std read-logs included.
      if (rng_.P(0.35)) {
        int inc = rng_.Below(static_cast<int>(p.actions.size()));
        a.includes.push_back(inc);
        for (const Perm& perm : p.actions[static_cast<size_t>(inc)].perms) a.perms.insert(perm);
      }
      std::vector<std::string> body;
      for (int inc : a.includes)
        body.push_back("  include " + p.actions[static_cast<size_t>(inc)].name);
      for (const auto& [res, verbs] : a.lines)
        body.push_back("  " + p.resources[static_cast<size_t>(res)].name + ": " +
                       Join(verbs, ", "));
      rng_.Shuffle(body);
      p.decl_text.push_back("action " + a.name + " {\n" + Join(body, "\n") + "\n}");
      p.actions.push_back(a);
    }
  }

  void GenApps(Program& p) {
    static const std::vector<std::string> objects = {"alpha", "beta", "gamma", "web.v1"};
    int n = rng_.Int(1, 3);
    for (int i = 0; i < n; ++i) {
      App a;
      a.name = "app" + std::to_string(i);
      a.ns = SomeNamespaces(p);
      a.labels["app"] = "lbl-" + std::to_string(i);
      if (rng_.P(0.25)) a.labels["tier"] = rng_.P(0.5) ? "front" : "back";
      // Now and then selectors that can match the same pods (W0201 when the
      // apps share a namespace): Istio applies every policy that selects a
      // pod. An empty selector selects every pod of the namespace.
      if (!p.apps.empty() && rng_.P(0.12)) {
        a.labels = rng_.Pick(p.apps).labels;
        if (rng_.P(0.5)) a.labels["tier"] = rng_.P(0.5) ? "front" : "back";
        if (a.labels.empty()) a.labels["app"] = "lbl-" + std::to_string(i);
      } else if (rng_.P(0.04)) {
        a.labels.clear();
      }
      if (rng_.P(0.8)) {
        // A serviceaccount declared in every namespace of the app.
        std::vector<int> fits;
        for (size_t s = 0; s < p.sas.size(); ++s) {
          const auto& sns = p.sas[s].ns;
          if (std::all_of(a.ns.begin(), a.ns.end(),
                          [&](int x) { return std::find(sns.begin(), sns.end(), x) != sns.end(); }))
            fits.push_back(static_cast<int>(s));
        }
        if (!fits.empty() && rng_.P(0.6)) {
          a.sa = rng_.Pick(fits);
        } else {
          std::vector<int> ns = a.ns;
          for (size_t x = 0; x < p.namespaces.size(); ++x)
            if (rng_.P(0.2) && std::find(ns.begin(), ns.end(), static_cast<int>(x)) == ns.end())
              ns.push_back(static_cast<int>(x));
          std::sort(ns.begin(), ns.end());
          std::string k8s = "app" + std::to_string(i) + "-sa";
          if (rng_.P(0.3) && Free(p, "web", ns)) k8s = "web";
          if (Free(p, k8s, ns)) {
            AddServiceAccount(p, k8s, ns);
            a.sa = static_cast<int>(p.sas.size()) - 1;
          }
        }
      }
      if (rng_.P(0.7)) {
        for (int k : rng_.Distinct(static_cast<int>(PortPool().size()), rng_.Int(1, 3)))
          a.ports.push_back({PortPool()[static_cast<size_t>(k)], rng_.Pick(Protocols())});
        rng_.Shuffle(a.ports);
      }
      if (rng_.P(0.85)) {
        // Objects of base resources only (never of a subresource).
        std::vector<int> bases;
        for (size_t r = 0; r < p.resources.size(); ++r)
          if (p.resources[r].sub.empty()) bases.push_back(static_cast<int>(r));
        for (int bi : rng_.Distinct(static_cast<int>(bases.size()), rng_.Int(1, 3))) {
          std::vector<std::string> names;
          for (int o : rng_.Distinct(static_cast<int>(objects.size()), rng_.Int(1, 2)))
            names.push_back(objects[static_cast<size_t>(o)]);
          rng_.Shuffle(names);
          a.objects.push_back({bases[static_cast<size_t>(bi)], names});
          for (const auto& nm : names) p.object_names.push_back(nm);
        }
      }
      // Text.
      std::vector<std::string> ns;
      for (int x : a.ns) ns.push_back(p.namespaces[static_cast<size_t>(x)].name);
      rng_.Shuffle(ns);
      std::vector<std::string> clauses;
      std::vector<std::string> labels;
      for (const auto& [k, v] : a.labels) labels.push_back(k + " = " + Quote(v));
      rng_.Shuffle(labels);
      clauses.push_back(labels.empty() ? "  selector { }"
                                       : "  selector { " + Join(labels, "  ") + " }");
      if (a.sa >= 0) clauses.push_back("  serviceaccount " + p.sas[static_cast<size_t>(a.sa)].name);
      if (!a.ports.empty()) {
        std::vector<std::string> ps;
        for (const Port& port : a.ports)
          ps.push_back(std::to_string(port.number) +
                       (port.protocol.empty() ? "" : " " + port.protocol));
        clauses.push_back("  ports " + Join(ps, ", "));
      }
      if (!a.objects.empty()) {
        std::vector<std::string> lines;
        for (const auto& [res, names] : a.objects) {
          std::vector<std::string> q;
          for (const auto& nm : names) q.push_back(Quote(nm));
          lines.push_back("    " + p.resources[static_cast<size_t>(res)].name + ": " +
                          Join(q, ", "));
        }
        clauses.push_back("  objects {\n" + Join(lines, "\n") + "\n  }");
      }
      rng_.Shuffle(clauses);
      p.decl_text.push_back("app " + a.name + " in " + Join(ns, ", ") + " {\n" +
                            Join(clauses, "\n") + "\n}");
      p.apps.push_back(a);
    }
  }

  // Whether the app has objects of some resource of the action.
  static bool AppCovers(const Program& p, const App& app, const Action& action) {
    for (const Perm& perm : action.perms)
      for (const auto& [res, names] : app.objects)
        if (p.resources[static_cast<size_t>(res)].Base() ==
            p.resources[static_cast<size_t>(perm.resource)].Base())
          return true;
    return false;
  }

  std::vector<Subject> Subjects(const Program& p) {
    std::vector<Subject> all;
    for (size_t i = 0; i < p.users.size(); ++i)
      all.push_back({SubjectKind::User, static_cast<int>(i)});
    for (size_t i = 0; i < p.groups.size(); ++i)
      all.push_back({SubjectKind::Group, static_cast<int>(i)});
    for (size_t i = 0; i < p.sas.size(); ++i)
      all.push_back({SubjectKind::ServiceAccount, static_cast<int>(i)});
    for (size_t i = 0; i < p.apps.size(); ++i)
      if (p.apps[i].sa >= 0) all.push_back({SubjectKind::App, static_cast<int>(i)});
    std::vector<Subject> out;
    for (int i : rng_.Distinct(static_cast<int>(all.size()), rng_.Int(1, 3)))
      out.push_back(all[static_cast<size_t>(i)]);
    rng_.Shuffle(out);
    return out;
  }

  void GenPipelines(Program& p) {
    if (p.sas.empty() || !rng_.P(opt_.pipelines)) return;
    static const std::vector<std::string> k8s = {"release", "build", "deploy-app"};
    int n = rng_.Int(1, 3);
    for (int i = 0; i < n; ++i) {
      Pipeline pl;
      pl.name = "pl" + std::to_string(i);
      pl.sa = rng_.Below(static_cast<int>(p.sas.size()));
      pl.ns = rng_.Pick(p.sas[static_cast<size_t>(pl.sa)].ns);
      pl.k8s = rng_.Pick(k8s);
      bool taken = false;
      for (const Pipeline& other : p.pipelines)
        taken = taken || (other.ns == pl.ns && other.k8s == pl.k8s);
      if (taken) continue;
      p.decl_text.push_back("pipeline " + pl.name + " = " + Quote(pl.k8s) + " in " +
                            p.namespaces[static_cast<size_t>(pl.ns)].name + " { serviceaccount " +
                            p.sas[static_cast<size_t>(pl.sa)].name + " }");
      p.pipelines.push_back(pl);
    }
    for (int i = rng_.Int(0, 2); i > 0; --i) {
      RunRule r;
      r.subjects = Subjects(p);
      r.pipelines = rng_.Distinct(static_cast<int>(p.pipelines.size()), rng_.Int(1, 2));
      rng_.Shuffle(r.pipelines);
      p.run_rules.push_back(r);
    }
  }

  void GenApiRules(Program& p) {
    int allows = rng_.Int(0, 5);
    int denies = rng_.P(opt_.api_deny) ? rng_.Int(1, 2) : 0;
    for (int i = 0; i < allows + denies; ++i) {
      ApiRule r;
      r.deny = i >= allows;
      r.subjects = Subjects(p);
      r.action = rng_.Below(static_cast<int>(p.actions.size()));
      if (r.deny && allows > 0 && rng_.P(opt_.deny_near)) {
        // Near an allow rule: some of its subjects, often its action, so
        // that the guard's edges (names, namespaces) are exercised.
        const ApiRule& base = p.api_rules[static_cast<size_t>(rng_.Below(allows))];
        r.subjects.clear();
        for (int k : rng_.Distinct(static_cast<int>(base.subjects.size()), rng_.Int(1, 2)))
          r.subjects.push_back(base.subjects[static_cast<size_t>(k)]);
        if (rng_.P(0.6)) r.action = base.action;
      }
      const Action& action = p.actions[static_cast<size_t>(r.action)];
      if (rng_.P(r.deny ? 0.1 : 0.15)) {
        r.cluster = true;
      } else {
        std::vector<int> apps;
        for (size_t a = 0; a < p.apps.size(); ++a)
          if (AppCovers(p, p.apps[a], action)) apps.push_back(static_cast<int>(a));
        if (!apps.empty() && rng_.P(r.deny ? opt_.deny_app : opt_.allow_app)) {
          r.app = rng_.Pick(apps);
          if (r.deny && apps.size() > 1) r.app = rng_.Pick(apps);  // often another app's objects
          const App& app = p.apps[static_cast<size_t>(r.app)];
          for (int k : rng_.Distinct(static_cast<int>(app.ns.size()),
                                     rng_.Int(1, static_cast<int>(app.ns.size()))))
            r.ns.push_back(app.ns[static_cast<size_t>(k)]);
        } else {
          r.ns = SomeNamespaces(p);
        }
      }
      p.api_rules.push_back(r);
    }
  }

  void GenCallRules(Program& p) {
    int n = rng_.Int(0, opt_.max_call_rules);
    for (int i = 0; i < n; ++i) {
      CallRule r;
      r.deny = rng_.P(0.35);
      r.app = rng_.Below(static_cast<int>(p.apps.size()));
      const App& app = p.apps[static_cast<size_t>(r.app)];
      if (rng_.P(0.3)) {
        for (int k : rng_.Distinct(static_cast<int>(app.ns.size()),
                                   rng_.Int(1, static_cast<int>(app.ns.size()))))
          r.ns.push_back(app.ns[static_cast<size_t>(k)]);
      }
      // Sources.
      std::vector<Source> all;
      for (size_t s = 0; s < p.sas.size(); ++s)
        all.push_back({SourceKind::ServiceAccount, static_cast<int>(s)});
      for (size_t a = 0; a < p.apps.size(); ++a)
        if (p.apps[a].sa >= 0) all.push_back({SourceKind::App, static_cast<int>(a)});
      for (size_t x = 0; x < p.namespaces.size(); ++x)
        all.push_back({SourceKind::Namespace, static_cast<int>(x)});
      all.push_back({SourceKind::Authenticated});
      all.push_back({SourceKind::Any});
      for (int k : rng_.Distinct(static_cast<int>(all.size()), rng_.Int(1, 3)))
        r.sources.push_back(all[static_cast<size_t>(k)]);
      rng_.Shuffle(r.sources);
      // Operations.
      auto strings = [&](const std::vector<std::string>& pool, int max) {
        std::vector<std::string> out;
        for (int k : rng_.Distinct(static_cast<int>(pool.size()), rng_.Int(1, max)))
          out.push_back(pool[static_cast<size_t>(k)]);
        rng_.Shuffle(out);
        return out;
      };
      std::vector<uint32_t> port_pool;
      for (const Port& port : app.ports) port_pool.push_back(port.number);
      if (port_pool.empty()) port_pool = PortPool();
      auto ports = [&]() {
        std::vector<uint32_t> out;
        for (int k : rng_.Distinct(static_cast<int>(port_pool.size()), rng_.Int(1, 2)))
          out.push_back(port_pool[static_cast<size_t>(k)]);
        return out;
      };
      if (rng_.P(0.25)) r.methods = strings(Methods(), 3);
      if (rng_.P(0.1)) r.not_methods = strings(Methods(), 2);
      if (rng_.P(0.25)) r.paths = strings(PathPatterns(), 2);
      if (rng_.P(0.1)) r.not_paths = strings(PathPatterns(), 2);
      if (rng_.P(0.3)) r.ports = ports();
      if (rng_.P(0.1)) r.not_ports = ports();
      if (rng_.P(0.1)) r.hosts = strings(HostPatterns(), 2);
      if (rng_.P(0.05)) r.not_hosts = strings(HostPatterns(), 2);
      for (int k = rng_.P(0.25) ? rng_.Int(1, 2) : 0; k > 0; --k) {
        Condition c;
        c.header = rng_.Pick(HeaderNames());
        // Header names are case-insensitive; a NAME may be a word or a string.
        std::string written = c.header;
        if (rng_.P(0.2)) written = c.header == "x-k" ? "X-K" : "X-Tenant";
        if (rng_.P(0.2)) written = Quote(written);
        c.key = "request.headers[" + written + "]";
        c.equal = rng_.P(0.7);
        c.values = strings(HeaderValues(), 2);
        r.when.push_back(c);
      }
      if (rng_.P(0.06)) {
        Condition c;
        c.key = "destination.port";
        c.equal = rng_.P(0.5);
        for (uint32_t port : ports()) c.values.push_back(std::to_string(port));
        r.when.push_back(c);
      }
      if (rng_.P(0.06)) {
        Condition c;
        c.key = "source.principal";
        c.equal = rng_.P(0.5);
        std::vector<std::string> principals = {"cluster.local/ns/elsewhere/sa/stranger"};
        for (const ServiceAccount& sa : p.sas)
          for (int x : sa.ns)
            principals.push_back("cluster.local/ns/" + p.namespaces[static_cast<size_t>(x)].k8s +
                                 "/sa/" + sa.k8s);
        c.values = strings(principals, 2);
        r.when.push_back(c);
      }
      if (rng_.P(0.1)) {
        Condition c;
        c.key = "source.namespace";
        c.equal = rng_.P(0.5);
        std::vector<std::string> ks;
        for (const Namespace& ns : p.namespaces) ks.push_back(ns.k8s);
        ks.push_back("elsewhere");
        c.values = strings(ks, 2);
        r.when.push_back(c);
      }
      p.call_rules.push_back(r);
    }
  }
};

// ---------------------------------------------------------------------------
// Text of rules.

inline std::string SubjectText(const Program& p, const Subject& s) {
  switch (s.kind) {
    case SubjectKind::User:
      return p.users[static_cast<size_t>(s.index)].name;
    case SubjectKind::Group:
      return p.groups[static_cast<size_t>(s.index)].name;
    case SubjectKind::ServiceAccount:
      return p.sas[static_cast<size_t>(s.index)].name;
    case SubjectKind::App:
      return p.apps[static_cast<size_t>(s.index)].name;
  }
  return "";
}

inline std::string SourceText(const Program& p, const Source& s) {
  switch (s.kind) {
    case SourceKind::ServiceAccount:
      return p.sas[static_cast<size_t>(s.index)].name;
    case SourceKind::App:
      return p.apps[static_cast<size_t>(s.index)].name;
    case SourceKind::Namespace:
      return "namespace " + p.namespaces[static_cast<size_t>(s.index)].name;
    case SourceKind::Authenticated:
      return "authenticated";
    case SourceKind::Any:
      return "any";
  }
  return "";
}

inline std::string NsList(const Program& p, const std::vector<int>& ns) {
  std::vector<std::string> names;
  for (int x : ns) names.push_back(p.namespaces[static_cast<size_t>(x)].name);
  return Join(names, ", ");
}

inline std::string ApiRuleText(const Program& p, const ApiRule& r) {
  std::vector<std::string> subjects;
  for (const Subject& s : r.subjects) subjects.push_back(SubjectText(p, s));
  std::string t = std::string(r.deny ? "deny" : "allow") + " " + Join(subjects, ", ") + " to " +
                  p.actions[static_cast<size_t>(r.action)].name;
  if (r.app >= 0) t += " " + p.apps[static_cast<size_t>(r.app)].name;
  t += r.cluster ? " in cluster" : " in " + NsList(p, r.ns);
  return t;
}

inline std::string CallRuleText(const Program& p, const CallRule& r) {
  std::vector<std::string> sources;
  for (const Source& s : r.sources) sources.push_back(SourceText(p, s));
  std::string t = std::string(r.deny ? "deny" : "allow") + " " + Join(sources, ", ") + " to call " +
                  p.apps[static_cast<size_t>(r.app)].name;
  if (!r.ns.empty()) t += " in " + NsList(p, r.ns);
  auto quoted = [](const std::vector<std::string>& v) {
    std::vector<std::string> q;
    for (const auto& s : v) q.push_back(Quote(s));
    return Join(q, ", ");
  };
  auto numbers = [](const std::vector<uint32_t>& v) {
    std::vector<std::string> q;
    for (uint32_t n : v) q.push_back(std::to_string(n));
    return Join(q, ", ");
  };
  std::vector<std::string> ops;
  if (!r.methods.empty()) ops.push_back("methods " + Join(r.methods, ", "));
  if (!r.not_methods.empty()) ops.push_back("not methods " + Join(r.not_methods, ", "));
  if (!r.paths.empty()) ops.push_back("paths " + quoted(r.paths));
  if (!r.not_paths.empty()) ops.push_back("not paths " + quoted(r.not_paths));
  if (!r.ports.empty()) ops.push_back("ports " + numbers(r.ports));
  if (!r.not_ports.empty()) ops.push_back("not ports " + numbers(r.not_ports));
  if (!r.hosts.empty()) ops.push_back("hosts " + quoted(r.hosts));
  if (!r.not_hosts.empty()) ops.push_back("not hosts " + quoted(r.not_hosts));
  for (const auto& o : ops) t += " " + o;
  for (const Condition& c : r.when)
    t += " when " + c.key + (c.equal ? " == " : " != ") + quoted(c.values);
  return t;
}

inline std::string RunRuleText(const Program& p, const RunRule& r) {
  std::vector<std::string> subjects, pipelines;
  for (const Subject& s : r.subjects) subjects.push_back(SubjectText(p, s));
  for (int pl : r.pipelines) pipelines.push_back(p.pipelines[static_cast<size_t>(pl)].name);
  return "allow " + Join(subjects, ", ") + " to run " + Join(pipelines, ", ");
}

inline std::string Program::Text(bool with_api_denies) const {
  std::string t = "package gen\n\n";
  for (const auto& d : decl_text) t += d + "\n";
  t += "\n";
  for (const ApiRule& r : api_rules)
    if (with_api_denies || !r.deny) t += ApiRuleText(*this, r) + "\n";
  for (const CallRule& r : call_rules) t += CallRuleText(*this, r) + "\n";
  for (const RunRule& r : run_rules) t += RunRuleText(*this, r) + "\n";
  return t;
}

}  // namespace stave::xcheck
