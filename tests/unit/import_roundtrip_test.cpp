// `stave import`'s promise (spec §15): the imported program's build decides
// every RBAC and mesh request as the input objects do. Thousands of
// requests per input — every grant either side makes, and random ones with
// subjects, verbs, resources, names, namespaces and workloads absent from
// the input — are asked of the input's model and of the rebuilt objects,
// through eval's authorizers. A different answer is allowed only where the
// import warned about an object that decides it (what the language cannot
// express); inputs without warnings must agree on every request. Run on
// every input set of ../shared/corpus and on generated inputs.
#include <catch2/catch.hpp>

#include <filesystem>
#include <random>
#include <set>

#include <fmt/format.h>

#include "compiler/access/access.h"
#include "compiler/driver/import_program.h"
#include "compiler/driver/kube_load.h"

using namespace stave;
namespace fs = std::filesystem;

namespace {

struct Tally {
  size_t rbac = 0, mesh = 0, excused = 0;
};

// "Role `ns/name`" of every warning.
std::set<std::string> WarnedObjects(const std::vector<kube::Problem>& warnings) {
  std::set<std::string> out;
  for (const kube::Problem& w : warnings) {
    size_t end = w.message.find("`: ");
    if (end != std::string::npos) out.insert(w.message.substr(0, end + 1));
  }
  return out;
}

std::string Named(const lower::Object* o) {
  if (o == nullptr) return "";
  return fmt::format("{} `{}`", lower::KindName(o->kind), o->meta.ns.empty() ? o->meta.name : o->meta.ns + "/" + o->meta.name);
}

template <typename T>
const T& Pick(std::mt19937& rng, const std::vector<T>& v) {
  return v[rng() % v.size()];
}

void CompareRbac(const lower::Output& in, const lower::Output& out, const std::set<std::string>& warned,
                 const std::set<std::string>& namespaces, Tally& tally) {
  std::vector<std::string> nss(namespaces.begin(), namespaces.end());
  auto all = [](const lower::RbacSubject&) { return true; };
  std::vector<eval::RbacRequest> requests;
  std::vector<lower::RbacSubject> subjects = {{"User", "", "nobody@example.com"}, {"Group", "", "absent-group"},
                                              {"ServiceAccount", "absent-ns", "absent-sa"}};
  std::vector<std::string> verbs = {"get", "list", "watch", "create", "update", "patch", "delete",
                                    "deletecollection", "escalate", "bind", "impersonate", "*", "frobnicate"};
  std::vector<std::pair<std::string, std::string>> resources = {
      {"", "pods"}, {"", "secrets"}, {"apps", "deployments"}, {"absent.example.com", "widgets"}, {"", "pods/log"}, {"", "*"}};
  std::vector<std::string> names = {"", "absent-name"};
  nss.push_back("absent-ns");
  for (const lower::Output* side : {&in, &out}) {
    for (const access::RbacGrant& g : access::ExpandRbac(*side, nss, all)) {
      requests.push_back(g.request);
      subjects.push_back(g.subject);
      verbs.push_back(g.request.verb);
      resources.push_back({g.request.group, g.request.resource});
      names.push_back(g.request.name);
    }
  }
  nss.push_back("");
  std::mt19937 rng(42);
  for (int i = 0; i < 3000; ++i) {
    const auto& [group, resource] = Pick(rng, resources);
    requests.push_back({access::UserOf(Pick(rng, subjects)), Pick(rng, verbs), group, resource, Pick(rng, names), Pick(rng, nss)});
  }
  eval::RbacAuthorizer before(in), after(out);
  for (const eval::RbacRequest& r : requests) {
    eval::RbacDecision a = before.Authorize(r), b = after.Authorize(r);
    ++tally.rbac;
    if (a.allowed == b.allowed) continue;
    INFO(fmt::format("{} {} {}/{} {} in `{}`: input {}, rebuilt {}", r.user.username, r.verb, r.group, r.resource,
                     r.name, r.ns, a.allowed, b.allowed));
    // Only a grant the import warned about may be missing; never an extra one.
    REQUIRE(a.allowed);
    CHECK((warned.count(Named(a.binding)) || warned.count(Named(a.role))));
    ++tally.excused;
  }
}

void CompareMesh(const lower::Output& in, const lower::Output& out, const std::vector<kube::ClusterObject>& objects,
                 const std::set<std::string>& warned, const std::set<std::string>& namespaces, Tally& tally) {
  access::MeshSpace space = access::GatherMeshSpace({&in, &out});
  if (namespaces.empty()) space.workloads.push_back({"default", {}});
  std::vector<std::pair<std::string, std::string>> sources = {{"", ""}, {"cluster.local/ns/absent-ns/sa/x", "absent-ns"}};
  for (const std::string& ns : namespaces) {
    space.workloads.push_back({ns, {{"app", "absent-app"}}});
    sources.push_back({fmt::format("cluster.local/ns/{}/sa/absent-sa", ns), ns});
  }
  for (const lower::Output* side : {&in, &out}) {
    for (const lower::Object& o : side->objects) {
      if (o.kind != lower::Kind::AuthorizationPolicy) continue;
      for (const auto& rule : std::get<lower::AuthorizationPolicy>(o.spec).rules) {
        for (const auto& from : rule.from) {
          for (const std::string& p : from.principals) {
            std::string ns, name;
            if (access::ParsePrincipal(p, ns, name)) sources.push_back({p, ns});
          }
          for (const std::string& ns : from.namespaces) sources.push_back({fmt::format("cluster.local/ns/{}/sa/any", ns), ns});
        }
      }
    }
  }
  std::sort(sources.begin(), sources.end());
  sources.erase(std::unique(sources.begin(), sources.end()), sources.end());
  // Namespaces where a warned mesh object lives: answers there may differ.
  std::set<std::string> loose;
  for (const kube::ClusterObject& o : objects) {
    if (warned.count(fmt::format("{} `{}`", o.kind, kube::Qualified(o))) &&
        (o.kind == "AuthorizationPolicy" || o.kind == "PeerAuthentication" || o.kind == "RequestAuthentication")) {
      loose.insert(o.ns);
    }
  }
  std::vector<eval::MeshRequest> requests;
  for (const access::Workload& w : space.workloads) {
    for (const auto& [principal, source_ns] : sources) {
      for (eval::MeshRequest& r : access::MeshProbes(space, w, principal, source_ns, 400)) requests.push_back(std::move(r));
    }
  }
  // Requests with tokens (spec §12): each issuer either side accepts and
  // one nobody does; the subjects the policies name and one they do not;
  // each audience, a wrong one and none; the claims the conditions test.
  std::vector<std::string> issuers = {"https://absent.example.com"};
  std::vector<std::string> subjects = {"absent-subject"};
  std::vector<std::vector<std::string>> audiences = {{}, {"absent-audience"}};
  std::vector<std::pair<std::string, std::string>> claims = {{"groups", "absent-group"}};
  for (const lower::Output* side : {&in, &out}) {
    for (const lower::Object& o : side->objects) {
      if (o.kind == lower::Kind::RequestAuthentication) {
        for (const auto& [issuer, rule] : std::get<lower::RequestAuthentication>(o.spec).rules) {
          issuers.push_back(issuer);
          for (const std::string& a : rule.audiences) audiences.push_back({a});
        }
      }
      if (o.kind != lower::Kind::AuthorizationPolicy) continue;
      for (const auto& rule : std::get<lower::AuthorizationPolicy>(o.spec).rules) {
        for (const auto& from : rule.from) {
          for (const std::string& p : from.request_principals) {
            for (const std::string& issuer : issuers) {
              if (p.rfind(issuer + "/", 0) == 0) subjects.push_back(p.substr(issuer.size() + 1));
            }
          }
        }
        for (const auto& c : rule.when) {
          const std::string prefix = "request.auth.claims[";
          if (c.key.rfind(prefix, 0) != 0 || c.key.back() != ']') continue;
          std::string name = c.key.substr(prefix.size(), c.key.size() - prefix.size() - 1);
          for (const std::string& v : c.values) claims.push_back({name, v});
          for (const std::string& v : c.not_values) claims.push_back({name, v});
        }
      }
    }
  }
  auto token = [&](std::mt19937& g) {
    eval::Token t;
    t.issuer = Pick(g, issuers);
    t.subject = Pick(g, subjects);
    t.audiences = Pick(g, audiences);
    if (g() % 2) {
      const auto& [name, value] = Pick(g, claims);
      t.claims[name].push_back(value);
    }
    return t;
  };
  std::mt19937 token_rng(11);
  for (const access::Workload& w : space.workloads) {
    for (const auto& [principal, source_ns] : sources) {
      std::vector<eval::MeshRequest> probes = access::MeshProbes(space, w, principal, source_ns, 12);
      for (eval::MeshRequest& r : probes) {
        r.token = token(token_rng);
        requests.push_back(std::move(r));
      }
    }
  }
  // And random ones: any method, paths, ports and hosts the input never names.
  std::mt19937 rng(7);
  std::vector<std::string> methods = {"GET", "HEAD", "POST", "PUT", "DELETE", "PATCH", "OPTIONS", "CONNECT", "TRACE"};
  std::vector<std::string> paths = space.paths, hosts = space.hosts;
  paths.insert(paths.end(), {"/admin/users", "/v2/x", "/healthz"});
  hosts.insert(hosts.end(), {"absent.example.com"});
  std::vector<uint32_t> ports = space.ports;
  ports.insert(ports.end(), {80, 9090});
  for (int i = 0; i < 3000; ++i) {
    const auto& [principal, source_ns] = Pick(rng, sources);
    const access::Workload& w = Pick(rng, space.workloads);
    eval::MeshRequest r;
    r.ns = w.ns;
    r.labels = w.labels;
    r.principal = principal;
    r.source_ns = source_ns;
    r.http = rng() % 5 != 0;
    if (rng() % 3) r.port = Pick(rng, ports);
    r.method = Pick(rng, methods);
    r.path = Pick(rng, paths);
    r.host = Pick(rng, hosts);
    if (!space.headers.empty() && rng() % 2) r.headers.insert(Pick(rng, space.headers));
    if (rng() % 3 == 0) r.token = token(rng);
    requests.push_back(std::move(r));
  }
  eval::MeshAuthorizer before(in), after(out);
  {
    for (const eval::MeshRequest& r : requests) {
      const access::Workload w{r.ns, r.labels};
      const std::string& principal = r.principal;
      {
        ++tally.mesh;
        bool a = before.Authorize(r).allowed, b = after.Authorize(r).allowed;
        if (a == b) continue;
        INFO(fmt::format("`{}` -> {} in `{}`: {}{}: input {}, rebuilt {}", principal, w.labels.size(), w.ns,
                         access::DescribeOperation(r),
                         r.token ? fmt::format(" with a token of `{}` for `{}`", r.token->issuer, r.token->subject) : "",
                         a, b));
        CHECK(loose.count(w.ns));
        ++tally.excused;
      }
    }
  }
}

Tally RoundTrip(const std::vector<kube::ClusterObject>& objects) {
  driver::ImportedProgram imported = driver::ImportProgram(objects, "imported");
  for (const auto& d : imported.compilation->diagnostics.items()) {
    INFO(d.message);
    CHECK(d.severity != diag::Severity::Error);
  }
  REQUIRE_FALSE(imported.compilation->diagnostics.has_errors());
  // Deterministic: the same input gives the same bytes.
  CHECK(driver::ImportProgram(objects, "imported").files == imported.files);
  std::set<std::string> namespaces;
  for (const auto& o : objects) {
    if (!o.ns.empty()) namespaces.insert(o.ns);
  }
  std::set<std::string> warned = WarnedObjects(imported.warnings);
  lower::Output in = kube::ModelOutput(objects);
  Tally tally;
  CompareRbac(in, imported.compilation->output, warned, namespaces, tally);
  CompareMesh(in, imported.compilation->output, objects, warned, namespaces, tally);
  if (imported.warnings.empty()) CHECK(tally.excused == 0);
  return tally;
}

}  // namespace

TEST_CASE("import round-trips every corpus input", "[import]") {
  fs::path corpus = fs::path(STAVE_SOURCE_ROOT) / ".." / "shared" / "corpus";
  REQUIRE(fs::is_directory(corpus));
  std::vector<std::string> sets;
  for (const auto& top : fs::directory_iterator(corpus)) {
    if (!top.is_directory()) continue;
    // Each set, and each folder of it on its own (one end state each).
    sets.push_back(top.path().string());
    for (const auto& sub : fs::directory_iterator(top.path())) {
      if (sub.is_directory() && sub.path().filename() != "upstream") sets.push_back(sub.path().string());
    }
  }
  std::sort(sets.begin(), sets.end());
  REQUIRE(sets.size() >= 8);
  for (const std::string& set : sets) {
    INFO(set);
    driver::KubeLoad load = driver::LoadKubeInputs({set});
    REQUIRE(load.errors.empty());
    kube::ReadResult read = kube::ReadObjects(load.files, "default");
    REQUIRE(read.errors.empty());
    REQUIRE_FALSE(read.objects.empty());
    Tally t = RoundTrip(read.objects);
    CHECK(t.rbac >= 3000);
    CHECK(t.mesh >= 3000);
    // Shown by `unit-tests "[import]" -s`: how much each input was asked.
    SUCCEED(fmt::format("{}: {} RBAC and {} mesh requests, {} excused", set, t.rbac, t.mesh, t.excused));
  }
}

namespace {

// A random input that the language can express in full: roles (some
// limited by resourceNames, with verbs that name an object), RoleBindings
// and ClusterRoleBindings, namespace-wide STRICT mTLS and allow-nothing,
// ALLOW and DENY AuthorizationPolicies with principals, namespaces,
// request principals, operations and header and claim conditions, and the
// RequestAuthentications that accept the issuers those name.
std::string GenerateInput(std::mt19937& rng) {
  auto pick = [&](std::vector<std::string> v) { return v[rng() % v.size()]; };
  std::vector<std::string> nss = {"ns-a", "ns-b", "ns-c"};
  std::string y;
  std::vector<std::pair<std::string, bool>> cluster_roles;  // name, has resourceNames
  std::vector<std::pair<std::string, std::string>> roles;   // ns, name
  for (int i = 0; i < 6; ++i) {
    bool cluster = rng() % 2;
    std::string ns = pick(nss), name = fmt::format("role-{}", i);
    bool any_names = false;
    std::string rules;
    for (int j = 0, n = 1 + rng() % 3; j < n; ++j) {
      std::string group = pick({"", "apps", "tekton.dev", "example.com"});
      bool named = rng() % 3 == 0;
      std::string resources = named ? pick({"[pods]", "[configmaps, secrets]", "[pods, pods/log]"})
                                    : pick({"[pods]", "[pods/log]", "[deployments, configmaps]", "[widgets]", "['*']", "[secrets]"});
      std::string verbs = named ? pick({"[get]", "[get, update]", "[patch, delete]"})
                                : pick({"[get, list, watch]", "[create]", "['*']", "[update, patch, deletecollection]", "[escalate]"});
      rules += fmt::format("- apiGroups: ['{}']\n  resources: {}\n  verbs: {}\n", group, resources, verbs);
      if (named) rules += pick({"  resourceNames: [a]\n", "  resourceNames: [a, b]\n"});
      any_names |= named;
    }
    if (cluster) cluster_roles.push_back({name, any_names});
    else roles.push_back({ns, name});
    y += fmt::format("---\napiVersion: rbac.authorization.k8s.io/v1\nkind: {}\nmetadata: {{name: {}{}}}\nrules:\n{}",
                     cluster ? "ClusterRole" : "Role", name, cluster ? "" : ", namespace: " + ns, rules);
  }
  auto subjects = [&](bool cluster) {
    std::string out;
    for (int k = 0, n = 1 + rng() % 3; k < n; ++k) {
      switch (rng() % 4) {
        case 0: out += "- {kind: User, name: " + pick({"alice@example.com", "bob"}) + "}\n"; break;
        case 1: out += "- {kind: Group, name: " + pick({"devs", "system:authenticated"}) + "}\n"; break;
        case 2: out += "- {kind: ServiceAccount, name: " + pick({"sa-1", "sa-2"}) + ", namespace: " + pick(nss) + "}\n"; break;
        default: out += cluster ? "- {kind: Group, name: ops}\n" : "- {kind: ServiceAccount, name: sa-3}\n"; break;
      }
    }
    return out;
  };
  for (int i = 0; i < 6; ++i) {
    bool crb = rng() % 3 == 0;
    std::vector<std::pair<std::string, bool>> plain;
    for (const auto& c : cluster_roles) if (!c.second) plain.push_back(c);
    if (crb && !plain.empty()) {
      y += fmt::format("---\napiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRoleBinding\nmetadata: {{name: crb-{}}}\n"
                       "roleRef: {{apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: {}}}\nsubjects:\n{}",
                       i, plain[rng() % plain.size()].first, subjects(true));
      continue;
    }
    std::string ns = pick(nss), kind = "ClusterRole", role;
    if (!roles.empty() && (cluster_roles.empty() || rng() % 2)) {
      auto r = roles[rng() % roles.size()];
      ns = r.first, kind = "Role", role = r.second;
    } else if (!cluster_roles.empty()) {
      role = cluster_roles[rng() % cluster_roles.size()].first;
    } else {
      continue;
    }
    y += fmt::format("---\napiVersion: rbac.authorization.k8s.io/v1\nkind: RoleBinding\nmetadata: {{name: rb-{}, namespace: {}}}\n"
                     "roleRef: {{apiGroup: rbac.authorization.k8s.io, kind: {}, name: {}}}\nsubjects:\n{}",
                     i, ns, kind, role, subjects(false));
  }
  for (const std::string& ns : nss) {
    if (rng() % 2) y += fmt::format("---\napiVersion: security.istio.io/v1\nkind: PeerAuthentication\nmetadata: {{name: default, namespace: {}}}\nspec: {{mtls: {{mode: STRICT}}}}\n", ns);
    if (rng() % 4 == 0) y += fmt::format("---\napiVersion: security.istio.io/v1\nkind: AuthorizationPolicy\nmetadata: {{name: deny-all, namespace: {}}}\nspec: {{}}\n", ns);
  }
  // Issuers each app's rules name: a RequestAuthentication per app accepts
  // exactly those, which is what stave emits.
  std::map<std::pair<std::string, std::string>, std::set<std::string>> named_issuers;
  for (int i = 0; i < 5; ++i) {
    std::string rules;
    std::string ns = pick(nss), app = pick({"api", "web"});
    for (int j = 0, n = 1 + rng() % 2; j < n; ++j) {
      std::vector<std::string> parts;
      bool claim = false;
      switch (rng() % 6) {
        case 0: parts.push_back("from: [{source: {principals: [cluster.local/ns/" + pick(nss) + "/sa/" + pick({"sa-1", "web"}) + "]}}]"); break;
        case 1: parts.push_back("from: [{source: {namespaces: [" + pick(nss) + "]}}]"); break;
        case 2: parts.push_back("from: [{source: {principals: ['*']}}]"); break;
        case 3: {
          std::string issuer = pick({"https://idp.example.com", "testing@secure.istio.io"});
          named_issuers[{ns, app}].insert(issuer);
          parts.push_back("from: [{source: {requestPrincipals: ['" + issuer + "/" + pick({"*", "alice"}) + "']}}]");
          claim = rng() % 2;
          break;
        }
        default: break;
      }
      switch (rng() % 4) {
        case 0: parts.push_back("to: [{operation: {methods: [GET, POST], paths: ['/v1/*']}}]"); break;
        case 1: parts.push_back("to: [{operation: {ports: ['8080']}}]"); break;
        case 2: parts.push_back("to: [{operation: {notPaths: ['/admin*'], methods: [DELETE]}}]"); break;
        default: break;
      }
      if (claim) parts.push_back("when: [{key: 'request.auth.claims[groups]', values: [admins]}]");
      else if (rng() % 4 == 0) parts.push_back("when: [{key: 'request.headers[x-tenant]', values: [acme]}]");
      std::string joined;
      for (const auto& part : parts) joined += (joined.empty() ? "" : ", ") + part;
      rules += "  - {" + joined + "}\n";
    }
    y += fmt::format("---\napiVersion: security.istio.io/v1\nkind: AuthorizationPolicy\nmetadata: {{name: ap-{}, namespace: {}}}\n"
                     "spec:\n  selector: {{matchLabels: {{app: {}}}}}\n  action: {}\n  rules:\n{}",
                     i, ns, app, rng() % 3 ? "ALLOW" : "DENY", rules);
  }
  for (const auto& [key, issuers] : named_issuers) {
    std::string jwt;
    for (const std::string& issuer : issuers) {
      jwt += fmt::format("  - issuer: '{}'\n", issuer);
      if (issuer[0] == 'h') jwt += "    jwksUri: https://idp.example.com/keys\n    audiences: [payments]\n";
      else jwt += "    fromHeaders: [{name: x-jwt, prefix: 'Token '}]\n";
    }
    y += fmt::format("---\napiVersion: security.istio.io/v1\nkind: RequestAuthentication\nmetadata: {{name: authn-{}, namespace: {}}}\n"
                     "spec:\n  selector: {{matchLabels: {{app: {}}}}}\n  jwtRules:\n{}",
                     key.second, key.first, key.second, jwt);
  }
  return y;
}

}  // namespace

TEST_CASE("import round-trips generated inputs exactly", "[import]") {
  std::mt19937 rng(2026);
  for (int i = 0; i < 25; ++i) {
    std::string text = GenerateInput(rng);
    INFO(text);
    kube::ReadResult read = kube::ReadObjects({{"generated.yaml", text}}, "default");
    REQUIRE(read.errors.empty());
    driver::ImportedProgram imported = driver::ImportProgram(read.objects, "imported");
    for (const auto& w : imported.warnings) {
      INFO(w.message);
      CHECK(false);  // everything generated is expressible
    }
    Tally t = RoundTrip(read.objects);
    CHECK(t.excused == 0);
    CHECK(t.rbac >= 3000);
  }
}
