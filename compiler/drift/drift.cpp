// The three findings of `stave drift`: managed objects missing or changed
// (content compared after the reader's normalisation), excess access
// (grants and mesh admissions of the dump that the program's objects
// refuse, asked of both through access:: and eval::), and stale objects.
#include "compiler/drift/drift.h"

#include <algorithm>
#include <set>
#include <tuple>

#include <fmt/format.h>

#include "compiler/access/access.h"
#include "compiler/access/mesh_compare.h"

namespace stave::drift {
namespace {

constexpr size_t kMaxDetails = 8;
constexpr size_t kMeshProbesPerPair = 64;

std::string Scope(const std::string& ns) { return ns.empty() ? "cluster" : ns; }

std::string ObjectText(const std::string& kind, const std::string& ns, const std::string& name) {
  return fmt::format("{} {}", kind, ns.empty() ? name : ns + "/" + name);
}

std::string Where(const kube::Origin& o) { return fmt::format("{}:{}", o.file, o.line); }

struct Declared {
  std::set<std::string> namespaces, users, groups;
  std::set<std::pair<std::string, std::string>> serviceaccounts;  // (ns, name)
};

Declared DeclaredOf(const sema::Program& program) {
  Declared d;
  for (const sema::Symbol& s : program.symbols) {
    if (s.builtin) continue;
    switch (s.kind) {
      case sema::DeclKind::Namespace: d.namespaces.insert(s.k8s_name); break;
      case sema::DeclKind::User: d.users.insert(s.k8s_name); break;
      case sema::DeclKind::Group: d.groups.insert(s.k8s_name); break;
      case sema::DeclKind::ServiceAccount:
        for (sema::SymbolId ns : s.sa().namespaces) {
          d.serviceaccounts.insert({program.symbol(ns).k8s_name, s.k8s_name});
        }
        break;
      default: break;
    }
  }
  return d;
}

// Up to kMaxDetails differing fields, by path.
std::vector<std::string> ContentDiff(const std::map<std::string, std::string>& policy,
                                     const std::map<std::string, std::string>& cluster) {
  std::vector<std::string> out;
  size_t total = 0;
  auto add = [&](std::string line) {
    if (++total <= kMaxDetails) out.push_back(std::move(line));
  };
  auto p = policy.begin(), c = cluster.begin();
  while (p != policy.end() || c != cluster.end()) {
    if (c == cluster.end() || (p != policy.end() && p->first < c->first)) {
      add(fmt::format("`{}`: `{}` in the policy, absent in the cluster", p->first, p->second));
      ++p;
    } else if (p == policy.end() || c->first < p->first) {
      add(fmt::format("`{}`: `{}` in the cluster, absent in the policy", c->first, c->second));
      ++c;
    } else {
      if (p->second != c->second) {
        add(fmt::format("`{}`: `{}` in the cluster, `{}` in the policy", p->first, c->second, p->second));
      }
      ++p, ++c;
    }
  }
  if (total > kMaxDetails) out.push_back(fmt::format("… and {} more", total - kMaxDetails));
  return out;
}

class Comparer {
 public:
  Comparer(const sema::Program& program, const lower::Output& emitted,
           const std::vector<kube::ClusterObject>& dump, const std::string& trust_domain)
      : declared_(DeclaredOf(program)), emitted_(emitted), dump_(dump), trust_domain_(trust_domain) {}

  Report Run() {
    for (const kube::ClusterObject& o : dump_) {
      if (InScope(o.ns)) by_key_[{o.kind, o.ns, o.name}] = &o;
    }
    Objects();
    cluster_ = kube::ModelOutput(dump_, &cluster_sources_);
    for (size_t i = 0; i < cluster_.objects.size(); ++i) source_of_[&cluster_.objects[i]] = cluster_sources_[i];
    Rbac();
    Mesh();
    std::sort(report_.findings.begin(), report_.findings.end(), [](const Finding& a, const Finding& b) {
      return std::tie(a.scope, a.kind, a.object, a.message) < std::tie(b.scope, b.kind, b.object, b.message);
    });
    report_.namespaces.assign(declared_.namespaces.begin(), declared_.namespaces.end());
    return std::move(report_);
  }

 private:
  bool InScope(const std::string& ns) const { return ns.empty() || declared_.namespaces.count(ns); }

  void Add(FindingKind kind, const std::string& ns, std::string object, std::string message,
           std::vector<std::string> details, kube::Origin origin, base::Span policy = {}) {
    report_.findings.push_back({kind, Scope(ns), std::move(object), std::move(message), std::move(details),
                                std::move(origin), policy});
  }

  static base::Span FirstOrigin(const lower::Object& o) {
    return o.origins.empty() ? base::Span{} : o.origins.front();
  }

  // Findings (1) and (3).
  void Objects() {
    std::set<std::tuple<std::string, std::string, std::string>> emitted_keys;
    for (const lower::Object& o : emitted_.objects) {
      std::string kind = lower::KindName(o.kind);
      emitted_keys.insert({kind, o.meta.ns, o.meta.name});
      std::string text = ObjectText(kind, o.meta.ns, o.meta.name);
      auto it = by_key_.find({kind, o.meta.ns, o.meta.name});
      if (it == by_key_.end()) {
        Add(FindingKind::Missing, o.meta.ns, text, "the policy emits it; the cluster does not have it", {}, {},
            FirstOrigin(o));
        continue;
      }
      std::vector<std::string> diff = ContentDiff(kube::ContentOf(o), it->second->content);
      if (!diff.empty()) {
        Add(FindingKind::Changed, o.meta.ns, text, "the cluster's copy differs from what the policy emits",
            std::move(diff), it->second->origin, FirstOrigin(o));
      }
    }
    for (const auto& [key, o] : by_key_) {
      auto label = o->content.find("metadata.labels.app.kubernetes.io/managed-by");
      if (label == o->content.end() || label->second != "stave") continue;
      if (emitted_keys.count(key)) continue;
      Add(FindingKind::Stale, o->ns, ObjectText(o->kind, o->ns, o->name),
          "labelled `app.kubernetes.io/managed-by: stave`, but the policy no longer emits it", {}, o->origin);
    }
  }

  const kube::ClusterObject* SourceOf(const lower::Object* model) const {
    auto it = source_of_.find(model);
    return it == source_of_.end() ? nullptr : it->second;
  }

  bool DeclaredSubject(const lower::RbacSubject& s) const {
    if (s.kind == "User") return declared_.users.count(s.name) > 0;
    if (s.kind == "Group") return declared_.groups.count(s.name) > 0;
    if (s.kind == "ServiceAccount") return declared_.serviceaccounts.count({s.ns, s.name}) > 0;
    return false;
  }

  // Finding (2) for RBAC: one finding per granting binding, role rule and
  // subject, listing the requests the policy refuses.
  void Rbac() {
    std::vector<std::string> namespaces(declared_.namespaces.begin(), declared_.namespaces.end());
    auto grants = access::ExpandRbac(cluster_, namespaces, [&](const lower::RbacSubject& s) { return DeclaredSubject(s); });
    eval::RbacAuthorizer policy(emitted_);
    std::map<std::tuple<std::string, std::string, const lower::Object*, size_t, lower::RbacSubject>,
             std::vector<std::string>>
        excess;
    for (const access::RbacGrant& g : grants) {
      if (!InScope(g.request.ns)) continue;
      if (policy.Authorize(g.request).allowed) continue;
      std::string resource = g.request.group.empty() ? g.request.resource : g.request.resource + "." + g.request.group;
      std::string request = fmt::format("{} {}{}", g.request.verb, resource,
                                        g.request.name.empty() ? "" : " " + g.request.name);
      auto& list = excess[{Scope(g.request.ns), access::SubjectText(g.subject), g.binding, g.rule_index, g.subject}];
      if (std::find(list.begin(), list.end(), request) == list.end()) list.push_back(request);
    }
    for (auto& [key, requests] : excess) {
      const auto& [scope, subject, binding, rule, s] = key;
      const kube::ClusterObject* b = SourceOf(binding);
      const auto& rb = std::get<lower::RoleBinding>(binding->spec);
      std::string role = ObjectText(rb.role_kind, rb.role_kind == "Role" ? binding->meta.ns : "", rb.role_name);
      std::vector<std::string> details;
      for (size_t i = 0; i < requests.size() && i < kMaxDetails; ++i) details.push_back(requests[i]);
      if (requests.size() > kMaxDetails) details.push_back(fmt::format("… and {} more", requests.size() - kMaxDetails));
      details.push_back(fmt::format("granted by {} ({}) through {} rule {}",
                                    ObjectText(lower::KindName(binding->kind), binding->meta.ns, binding->meta.name),
                                    b ? Where(b->origin) : "?", role, rule + 1));
      Add(FindingKind::Excess, scope == "cluster" ? "" : scope,
          ObjectText(lower::KindName(binding->kind), binding->meta.ns, binding->meta.name),
          fmt::format("{} is granted {} request{} the policy does not grant", subject, requests.size(),
                      requests.size() == 1 ? "" : "s"),
          std::move(details), b ? b->origin : kube::Origin{});
    }
  }

  // Finding (2) for the mesh: requests from declared sources (each
  // declared serviceaccount, and any workload of each declared namespace)
  // to workloads of declared namespaces that the cluster admits and the
  // policy refuses.
  void Mesh() {
    std::vector<access::MeshSource> sources =
        access::DeclaredMeshSources(declared_.serviceaccounts, declared_.namespaces, trust_domain_);
    for (access::MeshAdmission& m :
         access::MeshAdmittedOnlyBy(cluster_, emitted_, sources, declared_.namespaces, kMeshProbesPerPair)) {
      MeshFinding(m.workload, access::MeshSourceText(sources[m.source], m.stands_for_others), m.object, m.rule,
                  std::move(m.examples));
    }
  }

  void MeshFinding(const access::Workload& w, const std::string& source, const lower::Object* object,
                   std::optional<size_t> rule, std::vector<std::string> examples) {
    std::string selector;
    for (const auto& [k, v] : w.labels) selector += (selector.empty() ? "" : ", ") + k + "=" + v;
    std::string target = selector.empty() ? "every workload" : "workloads with " + selector;
    std::vector<std::string> details = std::move(examples);
    const kube::ClusterObject* src = object ? SourceOf(object) : nullptr;
    if (object) {
      details.push_back(fmt::format("admitted by {} ({}){}", ObjectText(lower::KindName(object->kind), object->meta.ns, object->meta.name),
                                    src ? Where(src->origin) : "?", rule ? fmt::format(" rule {}", *rule + 1) : ""));
    } else {
      details.push_back("admitted because no AuthorizationPolicy in the cluster selects the workload");
    }
    Add(FindingKind::Excess, w.ns,
        object ? ObjectText(lower::KindName(object->kind), object->meta.ns, object->meta.name) : "(no policy)",
        fmt::format("{} may call {} in {}; the policy refuses it", source, target, w.ns), std::move(details),
        src ? src->origin : kube::Origin{}, RefusingRule(w));
  }

  // Where the policy says what the cluster does not: the rules behind the
  // emitted AuthorizationPolicy of the workload (for a finding with no
  // object in the dump to point at).
  base::Span RefusingRule(const access::Workload& w) const {
    for (const lower::Object& o : emitted_.objects) {
      if (o.kind != lower::Kind::AuthorizationPolicy || o.meta.ns != w.ns) continue;
      const auto& ap = std::get<lower::AuthorizationPolicy>(o.spec);
      if (ap.selector == w.labels && !o.origins.empty()) return o.origins.front();
    }
    return {};
  }

  Declared declared_;
  const lower::Output& emitted_;
  const std::vector<kube::ClusterObject>& dump_;
  std::string trust_domain_;
  std::map<std::tuple<std::string, std::string, std::string>, const kube::ClusterObject*> by_key_;
  lower::Output cluster_;
  std::vector<const kube::ClusterObject*> cluster_sources_;
  std::map<const lower::Object*, const kube::ClusterObject*> source_of_;
  Report report_;
};

}  // namespace

const char* FindingName(FindingKind kind) {
  switch (kind) {
    case FindingKind::Missing: return "missing";
    case FindingKind::Changed: return "changed";
    case FindingKind::Excess: return "excess";
    case FindingKind::Stale: return "stale";
  }
  return "";
}

Report Compare(const sema::Program& program, const lower::Output& emitted,
               const std::vector<kube::ClusterObject>& dump, const std::string& trust_domain) {
  return Comparer(program, emitted, dump, trust_domain).Run();
}

}  // namespace stave::drift
