// Comparing mesh access (mesh_compare.h). Sources that a namespace's
// policies do not name are all decided alike there, so one of them stands
// for the rest: without that, every workload would be asked about every
// source (thousands by thousands on a large cluster).
#include "compiler/access/mesh_compare.h"

#include <algorithm>
#include <map>

namespace stave::access {
namespace {

// Sources a namespace's policies tell apart.
struct Named {
  std::set<std::string> principals, namespaces;
  std::vector<std::string> patterns;
};

std::map<std::string, Named> NamedSources(const std::vector<const lower::Output*>& sides) {
  std::map<std::string, Named> out;
  for (const lower::Output* side : sides) {
    for (const lower::Object& o : side->objects) {
      if (o.kind != lower::Kind::AuthorizationPolicy) continue;
      Named& n = out[o.meta.ns];
      for (const lower::IstioRule& r : std::get<lower::AuthorizationPolicy>(o.spec).rules) {
        for (const lower::IstioSource& src : r.from) {
          for (const std::string& p : src.principals) {
            if (p.find('*') == std::string::npos) n.principals.insert(p);
            else if (p != "*") n.patterns.push_back(p);
          }
          n.namespaces.insert(src.namespaces.begin(), src.namespaces.end());
        }
      }
    }
  }
  return out;
}

}  // namespace

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
  for (const Workload& w : space.workloads) {
    if (!namespaces.count(w.ns)) continue;
    const Named& n = named[w.ns];
    std::vector<size_t> relevant;
    auto add_ns = [&](const std::string& ns) {
      auto it = by_ns.find(ns);
      if (it != by_ns.end()) relevant.insert(relevant.end(), it->second.begin(), it->second.end());
    };
    add_ns(w.ns);
    for (const std::string& ns : n.namespaces) add_ns(ns);
    for (const std::string& p : n.principals) {
      if (auto it = by_principal.find(p); it != by_principal.end()) relevant.push_back(it->second);
    }
    if (!n.patterns.empty()) {
      for (size_t i = 0; i < sources.size(); ++i) {
        for (const std::string& p : n.patterns) {
          if (eval::IstioStringMatch(p, sources[i].principal)) relevant.push_back(i);
        }
      }
    }
    std::sort(relevant.begin(), relevant.end());
    relevant.erase(std::unique(relevant.begin(), relevant.end()), relevant.end());
    // The first source the policies do not tell apart stands for the rest.
    size_t other = 0;
    for (size_t r : relevant) {
      if (r != other) break;
      ++other;
    }
    std::vector<std::pair<size_t, bool>> asked;  // source, stands for others
    for (size_t r : relevant) asked.push_back({r, false});
    if (other < sources.size()) asked.push_back({other, true});
    std::sort(asked.begin(), asked.end());
    for (const auto& [index, stands] : asked) {
      const MeshSource& s = sources[index];
      std::map<std::pair<const lower::Object*, std::optional<size_t>>, std::vector<std::string>> by_decision;
      for (const eval::MeshRequest& r : MeshProbes(space, w, s.principal, s.ns, probes_per_pair)) {
        eval::MeshDecision a = admitting.Authorize(r);
        if (!a.allowed || refusing.Authorize(r).allowed) continue;
        auto& list = by_decision[{a.object, a.rule_index}];
        if (list.size() < 3) list.push_back(DescribeOperation(r));
      }
      for (auto& [why, examples] : by_decision) {
        out.push_back({w, index, stands, why.first, why.second, std::move(examples)});
      }
    }
  }
  return out;
}

}  // namespace stave::access
