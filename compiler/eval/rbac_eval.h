// A Kubernetes RBAC authorizer over the objects stave emits: decides a
// request the way the API server's RBAC authorizer does (RoleBindings in the
// request's namespace and ClusterRoleBindings; Role and ClusterRole rules
// with apiGroups, resources incl. subresources and `*`, resourceNames and
// verbs), and says which binding and rule allowed it.
#pragma once

#include <map>
#include <optional>
#include <tuple>
#include <unordered_map>
#include <utility>
#include <string>
#include <vector>

#include "compiler/lower/objects.h"

namespace stave::eval {

// Who asks, as the API server sees them after authentication.
struct UserInfo {
  std::string username;
  std::vector<std::string> groups;
};

// A user in no group, a user in exactly one group (named so that no User
// subject can match it), and a serviceaccount with the groups Kubernetes
// gives every serviceaccount.
UserInfo PlainUser(const std::string& name);
UserInfo GroupMember(const std::string& group);
UserInfo ServiceAccountUser(const std::string& ns, const std::string& name);

struct RbacRequest {
  UserInfo user;
  std::string verb;
  std::string group;     // API group, "" for core
  std::string resource;  // "pods" or "pods/log"
  std::string name;      // "" when the request names no object
  std::string ns;        // "" for a cluster-scoped request
};

struct RbacDecision {
  bool allowed = false;
  const lower::Object* binding = nullptr;  // the binding that allowed it
  const lower::Object* role = nullptr;
  size_t rule_index = 0;
};

class RbacAuthorizer {
 public:
  explicit RbacAuthorizer(const lower::Output& output);
  RbacDecision Authorize(const RbacRequest& request) const;

 private:
  const lower::Object* FindRole(const std::string& kind, const std::string& ns,
                                const std::string& name) const;
  // Bindings by namespace ("" for ClusterRoleBindings) and subject
  // (SubjectKey), each list in output order: a request reads the bindings
  // that name one of its subjects, not every binding of its namespace
  // (`stave test` and who-can ask many, and the shared CI namespace of a
  // large repository binds every team's accounts).
  using Numbered = std::pair<size_t, const lower::Object*>;
  std::unordered_map<std::string, std::vector<Numbered>> bindings_;
  std::map<std::tuple<lower::Kind, std::string, std::string>, const lower::Object*> roles_;
};

// Whether one PolicyRule covers the request (exported for unit tests).
bool RuleMatches(const lower::PolicyRule& rule, const RbacRequest& request);

}  // namespace stave::eval
