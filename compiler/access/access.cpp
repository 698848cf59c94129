// Expanding bindings into concrete grants, and gathering the values that
// mesh requests are built from. No decisions are made here: eval's
// authorizers make them.
#include "compiler/access/access.h"

#include <algorithm>
#include <random>
#include <set>

#include <fmt/format.h>

namespace stave::access {
namespace {

template <typename T>
void SortUnique(std::vector<T>& v) {
  std::sort(v.begin(), v.end());
  v.erase(std::unique(v.begin(), v.end()), v.end());
}

// A value a pattern matches and, for a wildcard pattern, one it misses.
void PatternValues(const std::string& p, bool path, std::vector<std::string>& out) {
  if (p == "*") {
    out.push_back(path ? "/" : "any.example");
  } else if (!p.empty() && p.back() == '*') {
    std::string prefix = p.substr(0, p.size() - 1);
    out.push_back(prefix);
    out.push_back(prefix + "x");
  } else if (!p.empty() && p.front() == '*') {
    out.push_back((path ? "/x" : "x") + p.substr(1));
  } else {
    out.push_back(p);
    out.push_back(p + (path ? "/x" : ".x"));
  }
}

void GatherOperation(const lower::IstioOperation& op, MeshSpace& s) {
  for (const auto* list : {&op.methods, &op.not_methods}) s.methods.insert(s.methods.end(), list->begin(), list->end());
  for (const auto* list : {&op.paths, &op.not_paths}) {
    for (const std::string& p : *list) PatternValues(p, true, s.paths);
  }
  for (const auto* list : {&op.hosts, &op.not_hosts}) {
    for (const std::string& h : *list) PatternValues(h, false, s.hosts);
  }
  for (const auto* list : {&op.ports, &op.not_ports}) {
    for (const std::string& p : *list) {
      if (!p.empty() && p.size() < 6 && std::all_of(p.begin(), p.end(), ::isdigit)) {
        s.ports.push_back(static_cast<uint32_t>(std::stoul(p)));
      }
    }
  }
}

void GatherCondition(const lower::IstioCondition& c, MeshSpace& s) {
  if (c.key.rfind("request.headers[", 0) != 0 || c.key.size() < 18) return;
  std::string name = c.key.substr(16, c.key.size() - 17);
  std::transform(name.begin(), name.end(), name.begin(), ::tolower);
  std::vector<std::string> values;
  for (const auto* list : {&c.values, &c.not_values}) {
    for (const std::string& v : *list) PatternValues(v, false, values);
  }
  for (const std::string& v : values) s.headers.push_back({name, v});
}

}  // namespace

eval::UserInfo UserOf(const lower::RbacSubject& s) {
  if (s.kind == "Group") return eval::GroupMember(s.name);
  if (s.kind == "ServiceAccount") return eval::ServiceAccountUser(s.ns, s.name);
  return eval::PlainUser(s.name);
}

std::string SubjectText(const lower::RbacSubject& s) {
  if (s.kind == "Group") return "group " + s.name;
  if (s.kind == "ServiceAccount") return "serviceaccount " + s.ns + "/" + s.name;
  return "user " + s.name;
}

std::vector<RbacGrant> ExpandRbac(const lower::Output& objects, const std::vector<std::string>& namespaces,
                                  const std::function<bool(const lower::RbacSubject&)>& keep) {
  std::map<std::tuple<lower::Kind, std::string, std::string>, const lower::Object*> roles;
  for (const lower::Object& o : objects.objects) {
    if (o.kind == lower::Kind::Role || o.kind == lower::Kind::ClusterRole) roles[{o.kind, o.meta.ns, o.meta.name}] = &o;
  }
  std::vector<RbacGrant> out;
  for (const lower::Object& b : objects.objects) {
    if (b.kind != lower::Kind::RoleBinding && b.kind != lower::Kind::ClusterRoleBinding) continue;
    const auto& binding = std::get<lower::RoleBinding>(b.spec);
    bool cluster_role = binding.role_kind == "ClusterRole";
    auto role_it = roles.find({cluster_role ? lower::Kind::ClusterRole : lower::Kind::Role,
                               cluster_role ? "" : b.meta.ns, binding.role_name});
    if (role_it == roles.end()) continue;  // a binding to a missing role grants nothing
    std::vector<std::string> scopes;
    if (b.kind == lower::Kind::RoleBinding) scopes = {b.meta.ns};
    else {
      scopes = {""};
      scopes.insert(scopes.end(), namespaces.begin(), namespaces.end());
    }
    const auto& rules = std::get<lower::Role>(role_it->second->spec).rules();
    for (const lower::RbacSubject& subject : binding.subjects) {
      if (!keep(subject)) continue;
      eval::UserInfo user = UserOf(subject);
      for (size_t i = 0; i < rules.size(); ++i) {
        const lower::PolicyRule& rule = rules[i];
        std::vector<std::string> names = rule.resource_names;
        if (names.empty()) names = {""};
        for (const std::string& ns : scopes)
          for (const std::string& verb : rule.verbs)
            for (const std::string& group : rule.api_groups)
              for (const std::string& resource : rule.resources)
                for (const std::string& name : names) {
                  out.push_back({{user, verb, group, resource, name, ns}, subject, &b, role_it->second, i});
                }
      }
    }
  }
  return out;
}

MeshSpace GatherMeshSpace(const std::vector<const lower::Output*>& outputs) {
  MeshSpace s;
  s.methods = {"GET", "POST"};
  s.paths = {"/", "/stave-probe"};
  s.hosts = {""};
  for (const lower::Output* output : outputs) {
    for (const lower::Object& o : output->objects) {
      if (o.kind != lower::Kind::AuthorizationPolicy) continue;
      const auto& ap = std::get<lower::AuthorizationPolicy>(o.spec);
      s.workloads.push_back({o.meta.ns, ap.selector});
      for (const lower::IstioRule& r : ap.rules) {
        if (r.to) GatherOperation(*r.to, s);
        for (const lower::IstioCondition& c : r.when) GatherCondition(c, s);
      }
    }
  }
  SortUnique(s.workloads);
  SortUnique(s.methods);
  SortUnique(s.paths);
  SortUnique(s.hosts);
  SortUnique(s.ports);
  SortUnique(s.headers);
  return s;
}

std::vector<eval::MeshRequest> MeshProbes(const MeshSpace& space, const Workload& workload,
                                          const std::string& principal, const std::string& source_ns,
                                          size_t limit) {
  std::vector<std::optional<uint32_t>> ports = {std::nullopt};
  for (uint32_t p : space.ports) ports.push_back(p);
  std::vector<eval::MeshRequest> out;
  auto base = [&] {
    eval::MeshRequest r;
    r.ns = workload.ns;
    r.labels = workload.labels;
    r.principal = principal;
    r.source_ns = source_ns;
    return r;
  };
  for (const auto& port : ports) {
    if (!port) continue;
    eval::MeshRequest r = base();
    r.http = false;
    r.port = port;
    out.push_back(std::move(r));
  }
  // One header at a time (or none): conditions on two headers at once are
  // rare, and the product would be too large to ask.
  std::vector<std::optional<std::pair<std::string, std::string>>> headers = {std::nullopt};
  for (const auto& h : space.headers) headers.push_back(h);
  // Every combination of port, method, path, host and header when they are
  // at most `limit`; else `limit` of them drawn with a fixed seed. Drawn by
  // index, not by walking the product: a large program's policies mention
  // thousands of paths, and the product of all the values would be walked
  // once per workload and caller.
  const size_t radix[] = {ports.size(), space.methods.size(), space.paths.size(), space.hosts.size(),
                          headers.size()};
  size_t total = 1;
  for (size_t r : radix) {
    if (r == 0) return out;
    total = total > SIZE_MAX / r ? SIZE_MAX : total * r;
  }
  auto add = [&](size_t index) {
    size_t digit[5];
    for (int i = 4; i >= 0; --i) {
      digit[i] = index % radix[i];
      index /= radix[i];
    }
    eval::MeshRequest r = base();
    r.port = ports[digit[0]];
    r.method = space.methods[digit[1]];
    r.path = space.paths[digit[2]];
    r.host = space.hosts[digit[3]];
    if (const auto& header = headers[digit[4]]) r.headers[header->first] = header->second;
    out.push_back(std::move(r));
  };
  if (total <= limit) {
    for (size_t i = 0; i < total; ++i) add(i);
    return out;
  }
  std::mt19937_64 rng(0x57a7e);
  std::set<size_t> picked;
  while (picked.size() < limit) picked.insert(static_cast<size_t>(rng() % total));
  for (size_t i : picked) add(i);
  return out;
}

bool ParsePrincipal(const std::string& principal, std::string& ns, std::string& name) {
  size_t a = principal.find("/ns/");
  if (a == std::string::npos) return false;
  size_t b = principal.find("/sa/", a + 4);
  if (b == std::string::npos) return false;
  ns = principal.substr(a + 4, b - a - 4);
  name = principal.substr(b + 4);
  return !ns.empty() && !name.empty() && ns.find('/') == std::string::npos &&
         name.find('/') == std::string::npos && name.find('*') == std::string::npos;
}

std::string DescribeOperation(const eval::MeshRequest& r) {
  if (!r.http) return fmt::format("tcp port {}", r.port ? std::to_string(*r.port) : "any");
  std::string out = fmt::format("{} {}", r.method, r.path);
  if (!r.host.empty()) out += " host " + r.host;
  if (r.port) out += fmt::format(" port {}", *r.port);
  for (const auto& [k, v] : r.headers) out += fmt::format(" header {}={}", k, v);
  return out;
}

}  // namespace stave::access
