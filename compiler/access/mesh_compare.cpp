// Comparing mesh access (mesh_compare.h). Sources that a namespace's
// policies do not name are all decided alike there, so one of them stands
// for the rest: without that, every workload would be asked about every
// source (thousands by thousands on a large cluster).
#include "compiler/access/mesh_compare.h"

#include <algorithm>
#include <map>

#include <fmt/format.h>

namespace stave::access {
namespace {

// Sources a namespace's policies tell apart: by principal or namespace in
// a rule's `from`, or in a `source.principal` / `source.namespace`
// condition; exactly or by pattern.
struct Named {
  std::set<std::string> principals, namespaces;
  std::vector<std::string> principal_patterns, namespace_patterns;

  void Principal(const std::string& p) {
    if (p.find('*') == std::string::npos) principals.insert(p);
    else if (p != "*") principal_patterns.push_back(p);  // `*` is every peer alike
  }
  void Namespace(const std::string& ns) {
    if (ns.find('*') == std::string::npos) namespaces.insert(ns);
    else if (ns != "*") namespace_patterns.push_back(ns);
  }
};

std::map<std::string, Named> NamedSources(const std::vector<const lower::Output*>& sides) {
  std::map<std::string, Named> out;
  for (const lower::Output* side : sides) {
    for (const lower::Object& o : side->objects) {
      if (o.kind != lower::Kind::AuthorizationPolicy) continue;
      Named& n = out[o.meta.ns];
      for (const lower::IstioRule& r : std::get<lower::AuthorizationPolicy>(o.spec).rules) {
        for (const lower::IstioSource& src : r.from) {
          for (const std::string& p : src.principals) n.Principal(p);
          for (const std::string& ns : src.namespaces) n.Namespace(ns);
        }
        for (const lower::IstioCondition& c : r.when) {
          for (const auto* values : {&c.values, &c.not_values}) {
            for (const std::string& v : *values) {
              if (c.key == "source.principal") n.Principal(v);
              if (c.key == "source.namespace") n.Namespace(v);
            }
          }
        }
      }
    }
  }
  return out;
}

using ByDecision = std::map<std::pair<const lower::Object*, std::optional<size_t>>, std::vector<std::string>>;

}  // namespace

// A serviceaccount no namespace has (DeclaredMeshSources).
constexpr const char* kAnyWorkloadAccount = "stave-probe";

std::vector<MeshSource> DeclaredMeshSources(const std::set<std::pair<std::string, std::string>>& accounts,
                                            const std::set<std::string>& namespaces,
                                            const std::string& trust_domain) {
  std::vector<MeshSource> out;
  for (const auto& [ns, name] : accounts) out.push_back({fmt::format("{}/ns/{}/sa/{}", trust_domain, ns, name), ns});
  for (const std::string& ns : namespaces) {
    out.push_back({fmt::format("{}/ns/{}/sa/{}", trust_domain, ns, kAnyWorkloadAccount), ns});
  }
  return out;
}

std::string MeshSourceText(const MeshSource& source, bool stands_for_others) {
  if (source.principal.empty()) return "plaintext callers";
  std::string ns, name;
  ParsePrincipal(source.principal, ns, name);
  std::string out = name == kAnyWorkloadAccount ? "any workload of namespace " + ns : "serviceaccount " + ns + "/" + name;
  return stands_for_others ? out + " (and every declared source the policies there do not name)" : out;
}

std::vector<MeshAdmission> MeshAdmittedOnlyBy(const lower::Output& admits, const lower::Output& refuses,
                                              const std::vector<MeshSource>& sources,
                                              const std::set<std::string>& namespaces, size_t probes_per_pair) {
  std::vector<MeshAdmission> out;
  MeshSpace space = GatherMeshSpace({&admits, &refuses});
  eval::MeshAuthorizer admitting(admits), refusing(refuses);
  std::map<std::string, Named> named = NamedSources({&admits, &refuses});
  // Sources by namespace and by principal: a workload finds the ones its
  // namespace's policies name without looking at every source.
  std::map<std::string, std::vector<size_t>> by_ns;
  std::map<std::string, size_t> by_principal;
  for (size_t i = 0; i < sources.size(); ++i) {
    by_ns[sources[i].ns].push_back(i);
    by_principal.emplace(sources[i].principal, i);
  }
  auto ask = [&](const Workload& w, const MeshSource& s) {
    ByDecision by_decision;
    for (const eval::MeshRequest& r : MeshProbes(space, w, s.principal, s.ns, probes_per_pair)) {
      eval::MeshDecision a = admitting.Authorize(r);
      if (!a.allowed || refusing.Authorize(r).allowed) continue;
      auto& list = by_decision[{a.object, a.rule_index}];
      if (list.size() < 3) list.push_back(DescribeOperation(r));
    }
    return by_decision;
  };
  for (const Workload& w : space.workloads) {
    if (!namespaces.count(w.ns)) continue;
    const Named& n = named[w.ns];
    std::set<size_t> told_apart;  // sources the namespace's policies name
    for (const std::string& ns : n.namespaces) {
      if (auto it = by_ns.find(ns); it != by_ns.end()) told_apart.insert(it->second.begin(), it->second.end());
    }
    for (const std::string& p : n.principals) {
      if (auto it = by_principal.find(p); it != by_principal.end()) told_apart.insert(it->second);
    }
    if (!n.principal_patterns.empty() || !n.namespace_patterns.empty()) {
      for (size_t i = 0; i < sources.size(); ++i) {
        for (const std::string& p : n.principal_patterns) {
          if (eval::IstioStringMatch(p, sources[i].principal)) told_apart.insert(i);
        }
        for (const std::string& p : n.namespace_patterns) {
          if (eval::IstioStringMatch(p, sources[i].ns)) told_apart.insert(i);
        }
      }
    }
    // Reported one by one: the sources named, and those of the workload's
    // own namespace. Every other source stands behind the first of them.
    std::set<size_t> listed = told_apart;
    if (auto it = by_ns.find(w.ns); it != by_ns.end()) listed.insert(it->second.begin(), it->second.end());
    size_t other = 0;
    while (listed.count(other)) ++other;
    std::vector<std::pair<size_t, bool>> asked;  // source, stands for others
    for (size_t r : listed) asked.push_back({r, false});
    if (other < sources.size()) asked.push_back({other, true});
    std::sort(asked.begin(), asked.end());
    // A source no policy there names is decided as any other such source:
    // asked once, the answer is theirs all (a namespace with thousands of
    // serviceaccounts costs one question, not thousands).
    std::optional<ByDecision> unnamed;
    for (const auto& [index, stands] : asked) {
      ByDecision answers;
      if (told_apart.count(index)) {
        answers = ask(w, sources[index]);
      } else {
        if (!unnamed) unnamed = ask(w, sources[index]);
        answers = *unnamed;
      }
      for (auto& [why, examples] : answers) {
        out.push_back({w, index, stands, why.first, why.second, std::move(examples)});
      }
    }
  }
  return out;
}

}  // namespace stave::access
