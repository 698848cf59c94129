// Mesh decisions of two versions compared (diff_mesh.h). The callers asked
// about are each serviceaccount either version declares, any workload of
// each declared namespace, and plaintext callers; the callees, every
// workload the two versions' policies select in a declared namespace whose
// mesh objects differ between the versions.
#include "compiler/driver/diff_mesh.h"

#include <algorithm>
#include <map>
#include <string_view>
#include <set>
#include <tuple>

#include <fmt/format.h>

#include "compiler/access/mesh_compare.h"
#include "compiler/emit/yaml.h"

namespace stave::driver {
namespace {

constexpr size_t kProbesPerPair = 64;

void Declared(const DiffSide& side, std::set<std::string>& namespaces,
              std::set<std::pair<std::string, std::string>>& accounts) {
  if (side.program == nullptr) return;
  for (const sema::Symbol& s : side.program->symbols) {
    if (s.builtin) continue;
    if (s.kind == sema::DeclKind::Namespace) namespaces.insert(s.k8s_name);
    if (s.kind == sema::DeclKind::ServiceAccount) {
      for (sema::SymbolId ns : s.sa().namespaces) accounts.insert({side.program->symbol(ns).k8s_name, s.k8s_name});
    }
  }
}

// Each namespace's mesh objects as text: the mesh authorizer decides a
// request to a workload from its namespace's objects alone, so where these
// are equal in both versions no decision there can differ.
std::map<std::string, std::string> MeshObjectsByNamespace(const lower::Output& output) {
  std::map<std::string, std::string> out;
  for (const lower::Object& o : output.objects) {
    if (o.kind == lower::Kind::AuthorizationPolicy || o.kind == lower::Kind::PeerAuthentication ||
        o.kind == lower::Kind::RequestAuthentication) {
      out[o.meta.ns] += emit::EmitObject(o) + "---\n";
    }
  }
  return out;
}

std::string WorkloadsText(const access::Workload& w) {
  std::string labels;
  for (const auto& [k, v] : w.labels) labels += (labels.empty() ? "" : ",") + k + "=" + v;
  return labels.empty() ? "every workload" : "pods " + labels;
}

std::string DecidedBy(const lower::Object* o, const std::optional<size_t>& rule) {
  if (o == nullptr) return "default allow (no ALLOW policy selects the workloads)";
  return fmt::format("{} {}/{}{}", lower::KindName(o->kind), o->meta.ns, o->meta.name,
                     rule ? fmt::format(" rule {}", *rule + 1) : "");
}

}  // namespace

std::vector<MeshDecisionChange> MeshDecisionChanges(const DiffSide& before, const DiffSide& after,
                                                    const std::string& trust_domain) {
  static const lower::Output kNothing;
  const lower::Output& old_objects = before.output ? *before.output : kNothing;
  const lower::Output& new_objects = after.output ? *after.output : kNothing;
  std::set<std::string> declared, namespaces;
  std::set<std::pair<std::string, std::string>> accounts;
  Declared(before, declared, accounts);
  Declared(after, declared, accounts);
  // Callers come from every declared namespace; callees only from those
  // whose mesh objects changed (a pull request that touches one team's
  // policies asks about that team's workloads).
  std::map<std::string, std::string> old_text = MeshObjectsByNamespace(old_objects);
  std::map<std::string, std::string> new_text = MeshObjectsByNamespace(new_objects);
  for (const std::string& ns : declared) {
    auto a = old_text.find(ns), b = new_text.find(ns);
    std::string_view was = a == old_text.end() ? "" : std::string_view(a->second);
    std::string_view is = b == new_text.end() ? "" : std::string_view(b->second);
    if (was != is) namespaces.insert(ns);
  }
  const std::vector<access::MeshSource> peers = access::DeclaredMeshSources(accounts, declared, trust_domain);
  // Plaintext callers are asked on their own: no policy names them, yet
  // they are not like any peer (`mtls strict`, `authenticated`).
  const std::vector<access::MeshSource> plaintext = {{"", ""}};
  std::vector<MeshDecisionChange> out;
  for (char sign : {'+', '-'}) {
    const lower::Output& admits = sign == '+' ? new_objects : old_objects;
    const lower::Output& refuses = sign == '+' ? old_objects : new_objects;
    for (const auto* sources : {&peers, &plaintext}) {
      for (access::MeshAdmission& m : access::MeshAdmittedOnlyBy(admits, refuses, *sources, namespaces, kProbesPerPair)) {
        bool stands = m.stands_for_others && sources == &peers;
        out.push_back({sign, m.workload.ns, access::MeshSourceText((*sources)[m.source], stands), WorkloadsText(m.workload),
                       std::move(m.examples), DecidedBy(m.object, m.rule)});
      }
    }
  }
  std::sort(out.begin(), out.end(), [](const MeshDecisionChange& a, const MeshDecisionChange& b) {
    return std::tie(a.scope, a.source, a.workloads, b.sign, a.decided_by) <
           std::tie(b.scope, b.source, b.workloads, a.sign, b.decided_by);
  });
  return out;
}

}  // namespace stave::driver
