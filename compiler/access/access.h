// One model of effective access over any set of lowered objects — a
// compiled program's or a cluster's (kube::ModelOutput): the concrete RBAC
// requests its bindings grant, and the mesh requests worth asking about.
// eval's RbacAuthorizer and MeshAuthorizer decide them, and trace each
// decision to the binding and rule, or the policy and rule, behind it.
// `stave drift` and `stave import`'s round-trip tests compare two sets of
// objects by asking both the same requests.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "compiler/eval/istio_eval.h"
#include "compiler/eval/rbac_eval.h"
#include "compiler/lower/objects.h"

namespace stave::access {

// One concrete request that one rule of one bound role grants. Wildcards
// stay as written (`*` verb, resource or group; no name for "any name"),
// so asking it of other objects asks whether they grant all of it.
struct RbacGrant {
  eval::RbacRequest request;
  lower::RbacSubject subject;
  const lower::Object* binding = nullptr;
  const lower::Object* role = nullptr;
  size_t rule_index = 0;
};

// How the API server sees a subject: a user in no group, a member of
// exactly that group, a serviceaccount with its groups.
eval::UserInfo UserOf(const lower::RbacSubject& subject);
std::string SubjectText(const lower::RbacSubject& subject);  // "group devs", "serviceaccount ns/x"

// Every grant of `objects`' bindings to subjects `keep` accepts. A
// ClusterRoleBinding grants at cluster scope and in each of `namespaces`.
std::vector<RbacGrant> ExpandRbac(const lower::Output& objects, const std::vector<std::string>& namespaces,
                                  const std::function<bool(const lower::RbacSubject&)>& keep);

// A workload as a mesh request sees it: its namespace and pod labels.
struct Workload {
  std::string ns;
  std::map<std::string, std::string> labels;
  friend auto operator<=>(const Workload&, const Workload&) = default;
};

// The values that can change a mesh decision, gathered from every rule of
// the objects given: workloads (selectors), ports, methods, paths, hosts,
// header and condition values; each path and host pattern contributes a
// value it matches and one it does not.
struct MeshSpace {
  std::vector<Workload> workloads;
  std::vector<std::string> methods, paths, hosts;
  std::vector<uint32_t> ports;
  std::vector<std::pair<std::string, std::string>> headers;  // name (lower case), value
};
MeshSpace GatherMeshSpace(const std::vector<const lower::Output*>& outputs);

// Requests from `source` (`principal` empty: plaintext) to `workload`:
// every method, path and port of the space (HTTP), each port over TCP, up
// to `limit`, chosen with a fixed seed when there are more, so that the
// same inputs ask the same requests.
std::vector<eval::MeshRequest> MeshProbes(const MeshSpace& space, const Workload& workload,
                                          const std::string& principal, const std::string& source_ns,
                                          size_t limit);

// `cluster.local/ns/NS/sa/NAME` -> {NS, NAME}; false for other principals.
bool ParsePrincipal(const std::string& principal, std::string& ns, std::string& name);

// A short description of a mesh request: "GET /v1/x port 8080", "tcp port 5432".
std::string DescribeOperation(const eval::MeshRequest& r);

}  // namespace stave::access
