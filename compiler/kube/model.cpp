// The permission model of one read object: RBAC roles and bindings, and
// Istio AuthorizationPolicies, PeerAuthentications and
// RequestAuthentications, as the structs that
// lowering makes, so that eval's authorizers decide over them unchanged.
// What the structs cannot hold is listed in `unsupported`.
#include <algorithm>

#include <fmt/format.h>

#include "compiler/kube/read_internal.h"

namespace stave::kube {
namespace {

// A mapping's value, or an undefined (false) node when the key is absent
// or `n` is no mapping.
const YamlNode& Get(const YamlNode& n, const char* key) { return n[key]; }

class ModelBuilder {
 public:
  ModelBuilder(ClusterObject& o, std::vector<Problem>& errors) : o_(o), errors_(errors) {}

  void Build(const YamlNode& doc) {
    lower::Object m;
    m.meta.name = o_.name;
    m.meta.ns = o_.ns;
    const YamlNode& meta = Get(doc, "metadata");
    m.meta.annotations = StringMap(Get(meta, "annotations"), "metadata.annotations");
    m.meta.annotations.erase("kubectl.kubernetes.io/last-applied-configuration");
    const std::string& k = o_.kind;
    if (k == "ServiceAccount") {
      m.kind = lower::Kind::ServiceAccount;
      m.spec = lower::ServiceAccount{};
    } else if (k == "Role" || k == "ClusterRole") {
      m.kind = k == "Role" ? lower::Kind::Role : lower::Kind::ClusterRole;
      m.spec = RoleOf(doc);
      if (Get(doc, "aggregationRule")) o_.unsupported.push_back("`aggregationRule` (its current rules are kept)");
    } else if (k == "RoleBinding" || k == "ClusterRoleBinding") {
      m.kind = k == "RoleBinding" ? lower::Kind::RoleBinding : lower::Kind::ClusterRoleBinding;
      m.spec = BindingOf(doc);
    } else if (k == "PeerAuthentication") {
      m.kind = lower::Kind::PeerAuthentication;
      if (!PeerOf(Get(doc, "spec"), m)) return;
    } else if (k == "AuthorizationPolicy") {
      m.kind = lower::Kind::AuthorizationPolicy;
      if (!PolicyOf(Get(doc, "spec"), m)) return;
    } else if (k == "RequestAuthentication") {
      m.kind = lower::Kind::RequestAuthentication;
      if (!RequestAuthenticationOf(Get(doc, "spec"), m)) return;
    } else {
      return;  // admission kinds: compared by content only
    }
    o_.model = std::move(m);
  }

 private:
  void Error(const YamlNode& n, const std::string& message) {
    YAML::Mark mark = n.Mark();
    Origin at = mark.line < 0 ? o_.origin : Origin{o_.origin.file, mark.line + 1, mark.column + 1};
    errors_.push_back({at,
                       fmt::format("{} `{}`: {}", o_.kind, o_.name, message)});
  }

  std::string String(const YamlNode& n, const std::string& what) {
    if (!n || n.IsNull()) return "";
    if (!n.IsScalar()) {
      Error(n, fmt::format("`{}` must be a string", what));
      return "";
    }
    return n.Scalar();
  }

  std::vector<std::string> Strings(const YamlNode& n, const std::string& what) {
    std::vector<std::string> out;
    if (!n || n.IsNull()) return out;
    if (!n.IsSequence()) {
      Error(n, fmt::format("`{}` must be a list of strings", what));
      return out;
    }
    for (const YamlNode* item : n.items()) out.push_back(String(*item, what + "[]"));
    return out;
  }

  std::map<std::string, std::string> StringMap(const YamlNode& n, const std::string& what) {
    std::map<std::string, std::string> out;
    if (!n || n.IsNull()) return out;
    if (!n.IsMap()) {
      Error(n, fmt::format("`{}` must be a mapping of strings", what));
      return out;
    }
    for (const auto& kv : n.entries()) out[String(kv.first, what)] = String(kv.second, what + "." + kv.first.Scalar());
    return out;
  }

  // Each entry of a list that must hold mappings.
  template <typename F>
  void Entries(const YamlNode& n, const std::string& what, F&& each) {
    if (!n || n.IsNull()) return;
    if (!n.IsSequence()) return Error(n, fmt::format("`{}` must be a list", what));
    size_t i = 0;
    for (const YamlNode* item : n.items()) {
      if (!item->IsMap()) {
        Error(*item, fmt::format("`{}[{}]` must be a mapping", what, i));
      } else {
        each(*item, i);
      }
      ++i;
    }
  }

  lower::Role RoleOf(const YamlNode& doc) {
    std::vector<lower::PolicyRule> rules;
    Entries(Get(doc, "rules"), "rules", [&](const YamlNode& r, size_t i) {
      std::string at = fmt::format("rules[{}]", i);
      lower::PolicyRule rule{Strings(Get(r, "apiGroups"), at + ".apiGroups"),
                             Strings(Get(r, "resources"), at + ".resources"),
                             Strings(Get(r, "resourceNames"), at + ".resourceNames"),
                             Strings(Get(r, "verbs"), at + ".verbs")};
      if (Get(r, "nonResourceURLs")) {
        o_.unsupported.push_back(fmt::format("`nonResourceURLs` in rule {}", i + 1));
      }
      if (!rule.resources.empty()) rules.push_back(std::move(rule));
    });
    lower::Role role;
    role.set_rules(std::move(rules));
    return role;
  }

  lower::RoleBinding BindingOf(const YamlNode& doc) {
    lower::RoleBinding b;
    const YamlNode& ref = Get(doc, "roleRef");
    if (!ref || !ref.IsMap()) {
      Error(doc, "has no `roleRef`");
      return b;
    }
    b.role_kind = String(Get(ref, "kind"), "roleRef.kind");
    b.role_name = String(Get(ref, "name"), "roleRef.name");
    Entries(Get(doc, "subjects"), "subjects", [&](const YamlNode& s, size_t i) {
      std::string at = fmt::format("subjects[{}]", i);
      lower::RbacSubject subject{String(Get(s, "kind"), at + ".kind"), String(Get(s, "namespace"), at + ".namespace"),
                                 String(Get(s, "name"), at + ".name")};
      if (subject.kind != "ServiceAccount") subject.ns.clear();
      // The API server's authorizer reads a ServiceAccount subject without a
      // namespace as one in the RoleBinding's namespace.
      if (subject.kind == "ServiceAccount" && subject.ns.empty()) {
        if (o_.ns.empty()) {
          o_.unsupported.push_back(fmt::format("ServiceAccount subject `{}` without a namespace", subject.name));
          return;
        }
        subject.ns = o_.ns;
      }
      b.subjects.push_back(std::move(subject));
    });
    std::sort(b.subjects.begin(), b.subjects.end());
    return b;
  }

  bool PeerOf(const YamlNode& spec, lower::Object& m) {
    lower::PeerAuthentication pa;
    if (spec && spec.IsMap()) {
      o_.selector = StringMap(Get(Get(spec, "selector"), "matchLabels"), "spec.selector.matchLabels");
      if (Get(spec, "mtls")) pa.mode = String(Get(Get(spec, "mtls"), "mode"), "spec.mtls.mode");
      if (Get(spec, "portLevelMtls")) o_.unsupported.push_back("`portLevelMtls`");
    }
    if (!o_.selector.empty()) {
      o_.unsupported.push_back("a workload `selector` (only namespace-wide mTLS can be modelled)");
      return false;
    }
    if (pa.mode == "DISABLE") {
      o_.unsupported.push_back("mTLS mode `DISABLE`");
      return false;
    }
    m.spec = pa;
    return true;
  }

  lower::IstioOperation OperationOf(const YamlNode& op, const std::string& at) {
    lower::IstioOperation o;
    o.hosts = Strings(Get(op, "hosts"), at + ".hosts");
    o.not_hosts = Strings(Get(op, "notHosts"), at + ".notHosts");
    o.ports = Strings(Get(op, "ports"), at + ".ports");
    o.not_ports = Strings(Get(op, "notPorts"), at + ".notPorts");
    o.methods = Strings(Get(op, "methods"), at + ".methods");
    o.not_methods = Strings(Get(op, "notMethods"), at + ".notMethods");
    o.paths = Strings(Get(op, "paths"), at + ".paths");
    o.not_paths = Strings(Get(op, "notPaths"), at + ".notPaths");
    return o;
  }

  // One Istio rule; `to` entries are alternatives, so a rule with several
  // becomes one model rule per entry. A DENY rule with a part the model
  // cannot hold is left out; an ALLOW rule keeps the rest (see objects.h).
  void RuleOf(const YamlNode& r, size_t i, bool deny, lower::AuthorizationPolicy& ap) {
    std::string at = fmt::format("spec.rules[{}]", i);
    lower::IstioRule rule;
    bool dropped = false;
    Entries(Get(r, "from"), at + ".from", [&](const YamlNode& f, size_t j) {
      const YamlNode& s = Get(f, "source");
      lower::IstioSource src;
      if (s && s.IsMap()) {
        for (const auto& kv : s.entries()) {
          std::string key = kv.first.Scalar();
          if (key == "principals") src.principals = Strings(kv.second, at + ".from.source.principals");
          else if (key == "namespaces") src.namespaces = Strings(kv.second, at + ".from.source.namespaces");
          else if (key == "requestPrincipals") {
            src.request_principals = Strings(kv.second, at + ".from.source.requestPrincipals");
          } else {
            o_.unsupported.push_back(fmt::format("`{}` in rule {} source {}", key, i + 1, j + 1));
            dropped = true;
          }
        }
      }
      rule.from.push_back(std::move(src));
    });
    Entries(Get(r, "when"), at + ".when", [&](const YamlNode& w, size_t j) {
      std::string wat = fmt::format("{}.when[{}]", at, j);
      rule.when.push_back({String(Get(w, "key"), wat + ".key"), Strings(Get(w, "values"), wat + ".values"),
                           Strings(Get(w, "notValues"), wat + ".notValues")});
    });
    if (deny && dropped) return;
    std::vector<lower::IstioOperation> ops;
    Entries(Get(r, "to"), at + ".to", [&](const YamlNode& t, size_t j) {
      ops.push_back(OperationOf(Get(t, "operation"), fmt::format("{}.to[{}].operation", at, j)));
    });
    if (ops.empty()) ap.rules.push_back(rule);
    for (lower::IstioOperation& op : ops) {
      lower::IstioRule copy = rule;
      if (!op.empty()) copy.to = std::move(op);
      ap.rules.push_back(std::move(copy));
    }
  }

  bool PolicyOf(const YamlNode& spec, lower::Object& m) {
    lower::AuthorizationPolicy ap;
    ap.action = "ALLOW";
    if (!spec || spec.IsNull() || (spec.IsMap() && spec.size() == 0)) {
      ap.allow_nothing = true;
      m.spec = ap;
      return true;
    }
    if (!spec.IsMap()) {
      Error(spec, "`spec` must be a mapping");
      return false;
    }
    if (Get(spec, "action")) ap.action = String(Get(spec, "action"), "spec.action");
    if (ap.action != "ALLOW" && ap.action != "DENY") {
      o_.unsupported.push_back(fmt::format("action `{}`", ap.action));
      return false;
    }
    if (Get(spec, "targetRef") || Get(spec, "targetRefs")) {
      o_.unsupported.push_back("`targetRef`/`targetRefs`");
      return false;
    }
    if (Get(spec, "provider")) o_.unsupported.push_back("`provider`");
    ap.selector = StringMap(Get(Get(spec, "selector"), "matchLabels"), "spec.selector.matchLabels");
    Entries(Get(spec, "rules"), "spec.rules",
            [&](const YamlNode& r, size_t i) { RuleOf(r, i, ap.action == "DENY", ap); });
    // An ALLOW policy without rules admits nothing, like `spec: {}`.
    if (ap.action == "ALLOW" && ap.rules.empty()) ap.allow_nothing = true;
    m.spec = ap;
    return true;
  }

  // The token checks of a RequestAuthentication (spec §12): each jwtRules
  // entry's issuer, key set URL, audiences and headers. What changes more
  // than which tokens are accepted (tokens in query parameters or cookies,
  // an inline key set, forwarding, claims copied to headers) is listed as
  // unsupported.
  bool RequestAuthenticationOf(const YamlNode& spec, lower::Object& m) {
    lower::RequestAuthentication ra;
    if (spec && !spec.IsNull() && !spec.IsMap()) {
      Error(spec, "`spec` must be a mapping");
      return false;
    }
    if (Get(spec, "targetRef") || Get(spec, "targetRefs")) {
      o_.unsupported.push_back("`targetRef`/`targetRefs`");
      return false;
    }
    ra.selector = StringMap(Get(Get(spec, "selector"), "matchLabels"), "spec.selector.matchLabels");
    o_.selector = ra.selector;
    Entries(Get(spec, "jwtRules"), "spec.jwtRules", [&](const YamlNode& j, size_t i) {
      std::string at = fmt::format("spec.jwtRules[{}]", i);
      lower::JwtRule rule;
      rule.issuer = String(Get(j, "issuer"), at + ".issuer");
      rule.jwks_uri = String(Get(j, "jwksUri"), at + ".jwksUri");
      rule.audiences = Strings(Get(j, "audiences"), at + ".audiences");
      Entries(Get(j, "fromHeaders"), at + ".fromHeaders", [&](const YamlNode& h, size_t) {
        lower::JwtHeader header{String(Get(h, "name"), at + ".fromHeaders.name"), std::nullopt};
        if (Get(h, "prefix")) header.prefix = String(Get(h, "prefix"), at + ".fromHeaders.prefix");
        rule.from_headers.push_back(std::move(header));
      });
      for (const auto& kv : j.entries()) {
        std::string key = kv.first.IsScalar() ? kv.first.Scalar() : "";
        if (key != "issuer" && key != "jwksUri" && key != "audiences" && key != "fromHeaders") {
          o_.unsupported.push_back(fmt::format("`{}` in jwtRules entry {}", key, i + 1));
        }
      }
      ra.rules.emplace(rule.issuer, std::move(rule));
    });
    m.spec = std::move(ra);
    return true;
  }

  ClusterObject& o_;
  std::vector<Problem>& errors_;
};

}  // namespace

void BuildModel(const YamlNode& doc, ClusterObject& o, std::vector<Problem>& errors) {
  ModelBuilder(o, errors).Build(doc);
}

}  // namespace stave::kube
