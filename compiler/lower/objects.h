// The Kubernetes and Istio objects a program lowers to, as plain structs in
// the shape of their APIs (no YAML here: compiler/emit writes them). Every
// object remembers the rules and declarations it came from, for tracing,
// hover and explanations.
#pragma once

#include <deque>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "compiler/base/span.h"

namespace stave::lower {

// Every object carries one label, `app.kubernetes.io/managed-by: stave`,
// which emit writes (kManagedByLabel): a map of it per object was a tenth
// of lowering the dense shape's 143k objects.
struct Meta {
  std::string name;
  std::string ns;  // empty for cluster-scoped objects
  std::map<std::string, std::string> annotations;
};
inline constexpr const char* kManagedByLabel = "app.kubernetes.io/managed-by";

// rbac.authorization.k8s.io/v1 PolicyRule.
struct PolicyRule {
  std::vector<std::string> api_groups;
  std::vector<std::string> resources;
  std::vector<std::string> resource_names;
  std::vector<std::string> verbs;
  friend bool operator==(const PolicyRule&, const PolicyRule&) = default;
};

struct ServiceAccount {
  bool automount_off = false;  // `automountServiceAccountToken: false` (spec §13)
};

// Its rules are shared, not copied: every Role lowered from one action (and
// app) has the same ones, in every namespace it is granted in, and their
// copies were 15 MB of lowering's peak at 100k statements (massif).
struct Role {
  std::shared_ptr<const std::vector<PolicyRule>> shared_rules;  // null: none

  const std::vector<PolicyRule>& rules() const {
    static const std::vector<PolicyRule> kNone;
    return shared_rules ? *shared_rules : kNone;
  }
  void set_rules(std::vector<PolicyRule> rules) {
    shared_rules = std::make_shared<const std::vector<PolicyRule>>(std::move(rules));
  }
};

// Field order is sort order: kind, namespace, name (spec §8).
struct RbacSubject {
  std::string kind;  // User, Group, ServiceAccount
  std::string ns;    // ServiceAccount only
  std::string name;
  friend auto operator<=>(const RbacSubject&, const RbacSubject&) = default;
};

struct RoleBinding {
  std::string role_kind;  // Role or ClusterRole
  std::string role_name;
  std::vector<RbacSubject> subjects;
};

struct PeerAuthentication {
  std::string mode;  // STRICT
};

// security.istio.io/v1 AuthorizationPolicy rule parts.
struct IstioSource {
  std::vector<std::string> principals;
  std::vector<std::string> namespaces;
  std::vector<std::string> request_principals;  // `ISSUER/SUBJECT` (spec §12)
  friend auto operator<=>(const IstioSource&, const IstioSource&) = default;
};

struct IstioOperation {
  std::vector<std::string> hosts, not_hosts, ports, not_ports, methods, not_methods, paths,
      not_paths;
  bool empty() const {
    return hosts.empty() && not_hosts.empty() && ports.empty() && not_ports.empty() &&
           methods.empty() && not_methods.empty() && paths.empty() && not_paths.empty();
  }
  friend auto operator<=>(const IstioOperation&, const IstioOperation&) = default;
};

struct IstioCondition {
  std::string key;
  std::vector<std::string> values;
  std::vector<std::string> not_values;
  friend auto operator<=>(const IstioCondition&, const IstioCondition&) = default;
};

struct IstioRule {
  std::vector<IstioSource> from;   // empty: any source
  std::optional<IstioOperation> to;
  std::vector<IstioCondition> when;
  friend auto operator<=>(const IstioRule&, const IstioRule&) = default;
};

struct AuthorizationPolicy {
  std::map<std::string, std::string> selector;  // empty: the whole namespace
  std::string action;                           // ALLOW or DENY
  std::vector<IstioRule> rules;
  std::vector<std::vector<base::Span>> rule_origins;  // the call rules behind each rule
  bool allow_nothing = false;                   // `spec: {}`
};

// security.istio.io/v1 RequestAuthentication (spec §12): one jwtRules entry
// per issuer, sorted by issuer string.
struct JwtHeader {
  std::string name;
  std::optional<std::string> prefix;
  friend auto operator<=>(const JwtHeader&, const JwtHeader&) = default;
};

struct JwtRule {
  std::string issuer;
  std::string jwks_uri;  // empty: OpenID discovery
  std::vector<std::string> audiences;
  std::vector<JwtHeader> from_headers;  // empty: Authorization: Bearer
  friend auto operator<=>(const JwtRule&, const JwtRule&) = default;
};

struct RequestAuthentication {
  std::map<std::string, std::string> selector;
  std::map<std::string, JwtRule> rules;  // by issuer string: iteration order is output order
};

// admissionregistration.k8s.io/v1 ValidatingAdmissionPolicy: CEL over a
// PipelineRun admission request (spec §5.3).
struct CelVariable {
  std::string name;
  std::string expression;
};

struct CelValidation {
  std::string expression;
  std::string message;             // static fallback
  std::string message_expression;  // names what was refused and why
  // Set when the expression begins `variables.unchanged ||
  // variables.pipeline != 'NAME' ||`: it holds for every request whose
  // `pipeline` variable is another string, and `stave test` need not
  // evaluate it for those (a shared CI namespace guards hundreds of
  // Pipelines, and each PipelineRun concerns one). Not emitted.
  std::string only_pipeline;
};

struct AdmissionPolicy {
  std::string guarded_ns;  // Kubernetes name of the namespace it guards
  std::vector<CelVariable> variables;
  std::vector<CelValidation> validations;
};

struct AdmissionBinding {
  std::string policy_name;
  std::string guarded_ns;
};

// telemetry.istio.io/v1 Telemetry: Envoy access logging for an app's pods,
// so that AUDIT-matched requests are written somewhere (spec §14).
struct Telemetry {
  std::map<std::string, std::string> selector;
  std::vector<std::string> providers;  // MeshConfig extension providers
};

// audit.k8s.io/v1 Policy (spec §14): kube-apiserver's --audit-policy-file,
// not an API object, so it lives beside the objects, not among them.
struct AuditResources {
  std::string group;  // "" for the core group
  std::vector<std::string> resources;
  std::vector<std::string> resource_names;
  friend auto operator<=>(const AuditResources&, const AuditResources&) = default;
};

struct AuditRule {
  std::string level;  // Metadata, Request, RequestResponse
  std::vector<std::string> users;
  std::vector<std::string> user_groups;
  std::vector<std::string> verbs;  // empty: every verb
  std::vector<AuditResources> resources;
  std::vector<std::string> namespaces;  // empty: every namespace and cluster scope
  std::vector<base::Span> origins;      // the audit rules behind it
};

struct AuditPolicy {
  std::vector<std::string> omit_stages;
  std::vector<AuditRule> rules;  // in evaluation order: the first match decides
};

enum class Kind {
  // In the order of spec §8, which is the order objects appear in a file.
  ServiceAccount,
  Role,
  RoleBinding,
  ClusterRole,
  ClusterRoleBinding,
  PeerAuthentication,
  RequestAuthentication,
  AuthorizationPolicy,
  Telemetry,
  ValidatingAdmissionPolicy,
  ValidatingAdmissionPolicyBinding,
};

const char* KindName(Kind kind);
const char* ApiVersion(Kind kind);

struct Object {
  Kind kind;
  Meta meta;
  std::variant<ServiceAccount, Role, RoleBinding, PeerAuthentication, AuthorizationPolicy,
               AdmissionPolicy, AdmissionBinding, RequestAuthentication, Telemetry>
      spec;
  // Where it came from: the declarations and rules that produced it.
  std::vector<base::Span> origins;
};

// All objects, sorted: cluster-scoped first, then by namespace, kind, name.
// A deque, not a vector: lowering moves each object out of its working map
// into place, freeing the map node as it goes, and a deque grows without
// reserving room for all of them while the map still holds them (that was
// the peak of `check`).
struct Output {
  std::deque<Object> objects;
  std::optional<AuditPolicy> audit_policy;  // only when there are API audit rules
};

}  // namespace stave::lower
