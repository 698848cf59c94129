// YAML emission: block YAML laid out as text (yaml_text.h), in yaml-cpp's layout; yaml-cpp itself
// only for the reference path tests compare against. Strings that YAML 1.1 readers (PyYAML,
// older tools) could take for something else, such as `yes`, `8080` or `*`,
// are double-quoted; everything else is plain, as people write manifests.
#include "compiler/emit/yaml.h"
#include "compiler/emit/yaml_quote.h"
#include "compiler/emit/yaml_reference.h"
#include "compiler/emit/yaml_text.h"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <ostream>
#include <string_view>
#include <vector>

namespace stave::emit {
namespace {

using lower::Kind;
using lower::Object;

bool IsSpecialWord(std::string_view s) {
  static constexpr std::string_view kWords[] = {
      "y", "Y", "yes", "Yes", "YES", "n", "N", "no", "No", "NO", "true", "True", "TRUE",
      "false", "False", "FALSE", "on", "On", "ON", "off", "Off", "OFF", "null", "Null", "NULL",
      "~"};
  return std::find(std::begin(kWords), std::end(kWords), s) != std::end(kWords);
}

// The bytes a plain scalar may hold: [A-Za-z0-9._/-] and `:` (in the C
// locale, which stave never changes, what isalnum and these accept).
constexpr auto kPlainByte = [] {
  std::array<bool, 256> t{};
  for (int c = 0; c < 256; ++c) {
    t[c] = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
           c == '.' || c == '_' || c == '/' || c == '-' || c == ':';
  }
  return t;
}();

// Plain only for [A-Za-z0-9._/-] and inner `:` (RBAC names like
// `stave:view`), starting with a letter, never a special word; a string
// of digits, dots, colons and signs could read as a number. The special
// words are at most five bytes, so longer strings skip that comparison.
bool PlainSafe(std::string_view s) {
  if (s.empty() || !std::isalpha(static_cast<unsigned char>(s[0])) || s.back() == ':') {
    return false;
  }
  for (char c : s) {
    if (!kPlainByte[static_cast<unsigned char>(c)]) return false;
  }
  return s.size() > 5 || !IsSpecialWord(s);
}

}  // namespace

// yaml-cpp decides whether a string may be plain with a regex run over
// every character, which was most of `build`'s time (bench/); its integral
// path writes a Plain's text as it is, where a plain string would go.
// Outside the anonymous namespace, where lookup by Plain's namespace
// (yaml-cpp's templates call `stream << value`) finds them.
std::ostream& operator<<(std::ostream& out, Plain p) {
  return out.write(p.text.data(), static_cast<std::streamsize>(p.text.size()));
}

YAML::Emitter& operator<<(YAML::Emitter& e, Plain p) { return e.WriteIntegralType(p); }

namespace {

// The objects' content as `kube::ClusterObject::content` holds it (every
// scalar by path: `spec.rules[0].verbs[1]` -> `get`; empty lists and maps
// left out), taken from the same calls that write the YAML, so that drift
// compares without reading the YAML back. The YAML's own round-trip test
// (tests/unit/emit_roundtrip_test.cpp) checks the two agree.
class FlatSink {
 public:
  FlatSink& operator<<(YAML::EMITTER_MANIP m) {
    switch (m) {
      case YAML::Key: expect_key_ = true; break;
      case YAML::Value: expect_key_ = false; break;
      case YAML::BeginMap: Open(false); break;
      case YAML::BeginSeq: Open(true); break;
      case YAML::EndMap:
      case YAML::EndSeq: stack_.pop_back(); break;
      default: break;  // styles: Flow, DoubleQuoted
    }
    return *this;
  }
  FlatSink& operator<<(Plain p) { return Scalar(std::string(p.text)); }
  FlatSink& operator<<(bool b) { return Scalar(b ? "true" : "false"); }
  FlatSink& Scalar(std::string text) {
    if (!stack_.empty() && !stack_.back().seq && expect_key_) {
      stack_.back().key = std::move(text);
      return *this;
    }
    out_[NextPath()] = std::move(text);
    return *this;
  }
  std::map<std::string, std::string> Take() { return std::move(out_); }

 private:
  struct Frame {
    std::string path;
    bool seq;
    size_t index = 0;
    std::string key;
  };
  std::string NextPath() {
    if (stack_.empty()) return "";
    Frame& f = stack_.back();
    if (f.seq) return f.path + "[" + std::to_string(f.index++) + "]";
    return f.path.empty() ? f.key : f.path + "." + f.key;
  }
  void Open(bool seq) {
    std::string path = NextPath();
    stack_.push_back({std::move(path), seq});
  }
  std::vector<Frame> stack_;
  bool expect_key_ = false;
  std::map<std::string, std::string> out_;
};

void Str(FlatSink& e, std::string_view s) { e.Scalar(std::string(s)); }

// The same choices as the YAML::Emitter overload below; Quoted makes the
// last two (it asks NeedsOwnQuoting only of strings that are not
// printable ASCII, which hold nothing it looks for).
void Str(TextSink& e, std::string_view s) {
  if (PlainSafe(s) && s.size() <= 1024) e << Plain{s};
  else e.Quoted(s);
}

void Str(YAML::Emitter& e, std::string_view s) {
  // yaml-cpp writes plain strings over 1 KiB as long keys (`? …`).
  if (PlainSafe(s) && s.size() <= 1024) e << Plain{s};
  else if (NeedsOwnQuoting(s)) e << Plain{DoubleQuoted(s)};
  else e << YAML::DoubleQuoted << std::string(s);
}

template <class E>
void KeyStr(E& e, const char* key, std::string_view value) {
  e << YAML::Key << Plain{key} << YAML::Value;
  Str(e, value);
}

// `key:` and the strings of `values` (any list of strings), as a block
// sequence, or `[]` when empty and `keep_empty` (else nothing).
template <class E, class List>
void StrListOf(E& e, const char* key, const List& values, bool keep_empty) {
  if (values.size() == 0 && !keep_empty) return;
  e << YAML::Key << Plain{key} << YAML::Value;
  if (values.size() == 0) {
    e << YAML::Flow << YAML::BeginSeq << YAML::EndSeq;
    return;
  }
  e << YAML::BeginSeq;
  for (const auto& v : values) Str(e, v);
  e << YAML::EndSeq;
}

template <class E>
void StrList(E& e, const char* key, const std::vector<std::string>& values,
             bool keep_empty = false) {
  StrListOf(e, key, values, keep_empty);
}

// Constant lists, without building a vector of strings per object.
template <class E>
void StrList(E& e, const char* key, std::initializer_list<std::string_view> values) {
  StrListOf(e, key, values, false);
}

template <class E>
void StrMap(E& e, const char* key, const std::map<std::string, std::string>& m) {
  if (m.empty()) return;
  e << YAML::Key << Plain{key} << YAML::Value << YAML::BeginMap;
  for (const auto& [k, v] : m) {
    e << YAML::Key;
    Str(e, k);
    e << YAML::Value;
    Str(e, v);
  }
  e << YAML::EndMap;
}

template <class E>
void Metadata(E& e, const lower::Meta& m) {
  e << YAML::Key << Plain{"metadata"} << YAML::Value << YAML::BeginMap;
  KeyStr(e, "name", m.name);
  if (!m.ns.empty()) KeyStr(e, "namespace", m.ns);
  static const std::map<std::string, std::string> kLabels{{lower::kManagedByLabel, "stave"}};
  StrMap(e, "labels", kLabels);
  StrMap(e, "annotations", m.annotations);
  e << YAML::EndMap;
}

template <class E>
void RoleBody(E& e, const lower::Role& role) {
  e << YAML::Key << Plain{"rules"} << YAML::Value;
  if (role.rules().empty()) {
    e << YAML::Flow << YAML::BeginSeq << YAML::EndSeq;
    return;
  }
  e << YAML::BeginSeq;
  for (const auto& r : role.rules()) {
    e << YAML::BeginMap;
    StrList(e, "apiGroups", r.api_groups, true);
    StrList(e, "resources", r.resources);
    StrList(e, "resourceNames", r.resource_names);
    StrList(e, "verbs", r.verbs);
    e << YAML::EndMap;
  }
  e << YAML::EndSeq;
}

template <class E>
void BindingBody(E& e, const lower::RoleBinding& b) {
  e << YAML::Key << Plain{"roleRef"} << YAML::Value << YAML::BeginMap;
  KeyStr(e, "apiGroup", "rbac.authorization.k8s.io");
  KeyStr(e, "kind", b.role_kind);
  KeyStr(e, "name", b.role_name);
  e << YAML::EndMap;
  e << YAML::Key << Plain{"subjects"} << YAML::Value << YAML::BeginSeq;
  for (const auto& s : b.subjects) {
    e << YAML::BeginMap;
    KeyStr(e, "kind", s.kind);
    KeyStr(e, "name", s.name);
    if (s.kind == "ServiceAccount") KeyStr(e, "namespace", s.ns);
    else KeyStr(e, "apiGroup", "rbac.authorization.k8s.io");
    e << YAML::EndMap;
  }
  e << YAML::EndSeq;
}

template <class E>
void Operation(E& e, const lower::IstioOperation& op) {
  e << YAML::Key << Plain{"to"} << YAML::Value << YAML::BeginSeq << YAML::BeginMap;
  e << YAML::Key << Plain{"operation"} << YAML::Value << YAML::BeginMap;
  StrList(e, "hosts", op.hosts);
  StrList(e, "notHosts", op.not_hosts);
  StrList(e, "ports", op.ports);
  StrList(e, "notPorts", op.not_ports);
  StrList(e, "methods", op.methods);
  StrList(e, "notMethods", op.not_methods);
  StrList(e, "paths", op.paths);
  StrList(e, "notPaths", op.not_paths);
  e << YAML::EndMap << YAML::EndMap << YAML::EndSeq;
}

template <class E>
void AuthorizationBody(E& e, const lower::AuthorizationPolicy& ap) {
  e << YAML::Key << Plain{"spec"} << YAML::Value;
  if (ap.allow_nothing) {
    // Istio's allow-nothing policy: ALLOW with no rules matches nothing.
    e << YAML::Flow << YAML::BeginMap << YAML::EndMap;
    return;
  }
  e << YAML::BeginMap;
  if (!ap.selector.empty()) {
    e << YAML::Key << Plain{"selector"} << YAML::Value << YAML::BeginMap;
    StrMap(e, "matchLabels", ap.selector);
    e << YAML::EndMap;
  }
  KeyStr(e, "action", ap.action);
  e << YAML::Key << Plain{"rules"} << YAML::Value << YAML::BeginSeq;
  for (const auto& rule : ap.rules) {
    e << YAML::BeginMap;
    if (!rule.from.empty()) {
      e << YAML::Key << Plain{"from"} << YAML::Value << YAML::BeginSeq;
      for (const auto& src : rule.from) {
        e << YAML::BeginMap << YAML::Key << Plain{"source"} << YAML::Value << YAML::BeginMap;
        StrList(e, "principals", src.principals);
        StrList(e, "requestPrincipals", src.request_principals);
        StrList(e, "namespaces", src.namespaces);
        e << YAML::EndMap << YAML::EndMap;
      }
      e << YAML::EndSeq;
    }
    if (rule.to) Operation(e, *rule.to);
    if (!rule.when.empty()) {
      e << YAML::Key << Plain{"when"} << YAML::Value << YAML::BeginSeq;
      for (const auto& c : rule.when) {
        e << YAML::BeginMap;
        KeyStr(e, "key", c.key);
        StrList(e, "values", c.values);
        StrList(e, "notValues", c.not_values);
        e << YAML::EndMap;
      }
      e << YAML::EndSeq;
    }
    e << YAML::EndMap;
  }
  e << YAML::EndSeq;
  e << YAML::EndMap;
}

// Spec §12: `jwtRules` sorted by issuer; `jwksUri`, `audiences` and
// `fromHeaders` only when the issuer declares them.
template <class E>
void RequestAuthenticationBody(E& e, const lower::RequestAuthentication& ra) {
  e << YAML::Key << Plain{"spec"} << YAML::Value << YAML::BeginMap;
  e << YAML::Key << Plain{"selector"} << YAML::Value << YAML::BeginMap;
  StrMap(e, "matchLabels", ra.selector);
  e << YAML::EndMap;
  e << YAML::Key << Plain{"jwtRules"} << YAML::Value << YAML::BeginSeq;
  for (const auto& [issuer, rule] : ra.rules) {
    e << YAML::BeginMap;
    KeyStr(e, "issuer", rule.issuer);
    if (!rule.jwks_uri.empty()) KeyStr(e, "jwksUri", rule.jwks_uri);
    StrList(e, "audiences", rule.audiences);
    if (!rule.from_headers.empty()) {
      e << YAML::Key << Plain{"fromHeaders"} << YAML::Value << YAML::BeginSeq;
      for (const auto& h : rule.from_headers) {
        e << YAML::BeginMap;
        KeyStr(e, "name", h.name);
        if (h.prefix) KeyStr(e, "prefix", *h.prefix);
        e << YAML::EndMap;
      }
      e << YAML::EndSeq;
    }
    e << YAML::EndMap;
  }
  e << YAML::EndSeq << YAML::EndMap;
}

template <class E>
void GuardedNamespaceSelector(E& e, const std::string& ns) {
  // `kubernetes.io/metadata.name` is set on every namespace by the API
  // server (Kubernetes 1.21+), so it selects exactly the guarded one.
  // (StrMap of that one pair, without building the map per object.)
  e << YAML::Key << Plain{"namespaceSelector"} << YAML::Value << YAML::BeginMap;
  e << YAML::Key << Plain{"matchLabels"} << YAML::Value << YAML::BeginMap << YAML::Key;
  Str(e, "kubernetes.io/metadata.name");
  e << YAML::Value;
  Str(e, ns);
  e << YAML::EndMap << YAML::EndMap;
}

template <class E>
void AdmissionPolicyBody(E& e, const lower::AdmissionPolicy& ap) {
  e << YAML::Key << Plain{"spec"} << YAML::Value << YAML::BeginMap;
  KeyStr(e, "failurePolicy", "Fail");
  e << YAML::Key << Plain{"matchConstraints"} << YAML::Value << YAML::BeginMap;
  GuardedNamespaceSelector(e, ap.guarded_ns);
  e << YAML::Key << Plain{"resourceRules"} << YAML::Value << YAML::BeginSeq << YAML::BeginMap;
  StrList(e, "apiGroups", {"tekton.dev"});
  StrList(e, "apiVersions", {"v1", "v1beta1"});
  StrList(e, "operations", {"CREATE", "UPDATE"});
  StrList(e, "resources", {"pipelineruns"});
  e << YAML::EndMap << YAML::EndSeq << YAML::EndMap;
  e << YAML::Key << Plain{"variables"} << YAML::Value << YAML::BeginSeq;
  for (const auto& v : ap.variables) {
    e << YAML::BeginMap;
    KeyStr(e, "name", v.name);
    KeyStr(e, "expression", v.expression);
    e << YAML::EndMap;
  }
  e << YAML::EndSeq;
  e << YAML::Key << Plain{"validations"} << YAML::Value << YAML::BeginSeq;
  for (const auto& v : ap.validations) {
    e << YAML::BeginMap;
    KeyStr(e, "expression", v.expression);
    KeyStr(e, "message", v.message);
    if (!v.message_expression.empty()) KeyStr(e, "messageExpression", v.message_expression);
    KeyStr(e, "reason", "Forbidden");
    e << YAML::EndMap;
  }
  e << YAML::EndSeq << YAML::EndMap;
}

template <class E>
void AdmissionBindingBody(E& e, const lower::AdmissionBinding& b) {
  e << YAML::Key << Plain{"spec"} << YAML::Value << YAML::BeginMap;
  KeyStr(e, "policyName", b.policy_name);
  // Audit too (spec §14): refused PipelineRuns are also in the audit log.
  StrList(e, "validationActions", {"Deny", "Audit"});
  e << YAML::Key << Plain{"matchResources"} << YAML::Value << YAML::BeginMap;
  GuardedNamespaceSelector(e, b.guarded_ns);
  e << YAML::EndMap << YAML::EndMap;
}

template <class E>
void TelemetryBody(E& e, const lower::Telemetry& t) {
  e << YAML::Key << Plain{"spec"} << YAML::Value << YAML::BeginMap;
  e << YAML::Key << Plain{"selector"} << YAML::Value << YAML::BeginMap;
  StrMap(e, "matchLabels", t.selector);
  e << YAML::EndMap;
  e << YAML::Key << Plain{"accessLogging"} << YAML::Value << YAML::BeginSeq << YAML::BeginMap;
  e << YAML::Key << Plain{"providers"} << YAML::Value << YAML::BeginSeq;
  for (const auto& provider : t.providers) {
    e << YAML::BeginMap;
    KeyStr(e, "name", provider);
    e << YAML::EndMap;
  }
  e << YAML::EndSeq << YAML::EndMap << YAML::EndSeq << YAML::EndMap;
}

template <class E>
void Body(E& e, const Object& o) {
  switch (o.kind) {
    case Kind::ServiceAccount:
      if (std::get<lower::ServiceAccount>(o.spec).automount_off) {
        e << YAML::Key << Plain{"automountServiceAccountToken"} << YAML::Value << false;
      }
      break;
    case Kind::RequestAuthentication:
      RequestAuthenticationBody(e, std::get<lower::RequestAuthentication>(o.spec));
      break;
    case Kind::Role:
    case Kind::ClusterRole: RoleBody(e, std::get<lower::Role>(o.spec)); break;
    case Kind::RoleBinding:
    case Kind::ClusterRoleBinding: BindingBody(e, std::get<lower::RoleBinding>(o.spec)); break;
    case Kind::PeerAuthentication:
      e << YAML::Key << Plain{"spec"} << YAML::Value << YAML::BeginMap << YAML::Key << Plain{"mtls"}
        << YAML::Value << YAML::BeginMap;
      KeyStr(e, "mode", std::get<lower::PeerAuthentication>(o.spec).mode);
      e << YAML::EndMap << YAML::EndMap;
      break;
    case Kind::AuthorizationPolicy:
      AuthorizationBody(e, std::get<lower::AuthorizationPolicy>(o.spec));
      break;
    case Kind::Telemetry: TelemetryBody(e, std::get<lower::Telemetry>(o.spec)); break;
    case Kind::ValidatingAdmissionPolicy:
      AdmissionPolicyBody(e, std::get<lower::AdmissionPolicy>(o.spec));
      break;
    case Kind::ValidatingAdmissionPolicyBinding:
      AdmissionBindingBody(e, std::get<lower::AdmissionBinding>(o.spec));
      break;
  }
}

// One object: apiVersion, kind, metadata, then its kind's fields.
template <class E>
void Document(E& e, const Object& o) {
  e << YAML::BeginMap;
  KeyStr(e, "apiVersion", lower::ApiVersion(o.kind));
  KeyStr(e, "kind", lower::KindName(o.kind));
  Metadata(e, o.meta);
  Body(e, o);
  e << YAML::EndMap;
}

template <class E>
void AuditPolicyDocument(E& e, const lower::AuditPolicy& policy) {
  e << YAML::BeginMap;
  KeyStr(e, "apiVersion", "audit.k8s.io/v1");
  KeyStr(e, "kind", "Policy");
  StrList(e, "omitStages", policy.omit_stages);
  e << YAML::Key << Plain{"rules"} << YAML::Value;
  if (policy.rules.empty()) e << YAML::Flow;
  e << YAML::BeginSeq;
  for (const auto& rule : policy.rules) {
    e << YAML::BeginMap;
    KeyStr(e, "level", rule.level);
    StrList(e, "users", rule.users);
    StrList(e, "userGroups", rule.user_groups);
    StrList(e, "verbs", rule.verbs);
    if (!rule.resources.empty()) {
      e << YAML::Key << Plain{"resources"} << YAML::Value << YAML::BeginSeq;
      for (const auto& r : rule.resources) {
        e << YAML::BeginMap;
        KeyStr(e, "group", r.group);
        StrList(e, "resources", r.resources);
        StrList(e, "resourceNames", r.resource_names);
        e << YAML::EndMap;
      }
      e << YAML::EndSeq;
    }
    StrList(e, "namespaces", rule.namespaces);
    e << YAML::EndMap;
  }
  e << YAML::EndSeq << YAML::EndMap;
}

std::string Header() { return std::string(kGeneratedHeader) + "\n"; }

// Room for the rest of a stream at the rate so far (and an eighth more),
// once a sample of documents is written: growing by doubling copied the
// whole stream at each step, into fresh pages (a sixth of emit on a 76 MB
// stream). Reserved pages that are never written cost only address space.
void ReserveAhead(std::string& out, size_t done, size_t total) {
  constexpr size_t kSlack = 1 << 20;
  if (done < 64 || out.capacity() - out.size() >= kSlack) return;
  size_t per = out.size() / done + 1;
  out.reserve(out.size() + per * (total - done) / 8 * 9 + kSlack);
}

// One document appended to `out`: laid out by the text sink, or by
// yaml-cpp where that sink does not lay out a shape (it never fails on
// what stave emits today; tests/unit/emit_text_test.cpp counts).
void AppendObject(const Object& o, std::string& out) {
  if (!AppendObjectText(o, out)) out += EmitObjectWithYamlCpp(o);
}

void AppendAuditPolicy(const lower::AuditPolicy& policy, std::string& out) {
  if (!AppendAuditPolicyText(policy, out)) out += EmitAuditPolicyWithYamlCpp(policy);
}

}  // namespace

std::string EmitObjectWithYamlCpp(const Object& o) {
  YAML::Emitter e;
  e.SetIndent(2);
  Document(e, o);
  return std::string(e.c_str()) + "\n";
}

std::string EmitAuditPolicyWithYamlCpp(const lower::AuditPolicy& policy) {
  YAML::Emitter e;
  e.SetIndent(2);
  AuditPolicyDocument(e, policy);
  return std::string(e.c_str()) + "\n";
}

bool AppendObjectText(const Object& o, std::string& out) {
  size_t start = out.size();
  TextSink text(out);
  Document(text, o);
  if (text.failed()) {
    out.resize(start);
    return false;
  }
  out += '\n';
  return true;
}

bool AppendAuditPolicyText(const lower::AuditPolicy& policy, std::string& out) {
  size_t start = out.size();
  TextSink text(out);
  AuditPolicyDocument(text, policy);
  if (text.failed()) {
    out.resize(start);
    return false;
  }
  out += '\n';
  return true;
}

std::string EmitObject(const Object& o) {
  std::string out;
  AppendObject(o, out);
  return out;
}

std::map<std::string, std::string> FlattenObject(const Object& o) {
  FlatSink e;
  Document(e, o);
  return e.Take();
}

std::string EmitAuditPolicy(const lower::AuditPolicy& policy) {
  std::string out;
  AppendAuditPolicy(policy, out);
  return out;
}

std::map<std::string, std::string> EmitFiles(const lower::Output& output) {
  std::map<std::string, std::string> files;
  // Objects come grouped by namespace (lowering's order), so the file of
  // the previous object is usually this one's too.
  const std::string* last_ns = nullptr;
  std::string* text = nullptr;
  for (const Object& o : output.objects) {
    if (!last_ns || *last_ns != o.meta.ns) {
      // A finished file gives back what growth by doubling left unused
      // (up to half of it), for the next file to grow into: the YAML of
      // every file is in memory at once.
      if (text) text->shrink_to_fit();
      text = &files[(o.meta.ns.empty() ? "cluster" : o.meta.ns) + ".yaml"];
      last_ns = &o.meta.ns;
    }
    *text += text->empty() ? Header() : "---\n";
    AppendObject(o, *text);
  }
  std::string kustomization = Header() +
                              "apiVersion: kustomize.config.k8s.io/v1beta1\n"
                              "kind: Kustomization\n";
  kustomization += files.empty() ? "resources: []\n" : "resources:\n";
  // cluster.yaml first: cluster-scoped objects are applied before the
  // namespaced ones that may refer to them.
  if (files.count("cluster.yaml")) kustomization += "- cluster.yaml\n";
  for (const auto& [path, text] : files) {
    if (path != "cluster.yaml") kustomization += "- " + path + "\n";
  }
  files["kustomization.yaml"] = kustomization;
  // A kube-apiserver flag's file, not an API object: kept out of the
  // kustomization (spec §14).
  if (output.audit_policy) files[std::string(kAuditPolicyFile)] = Header() + EmitAuditPolicy(*output.audit_policy);
  return files;
}

std::string EmitStream(const lower::Output& output) {
  std::string out = Header();
  bool first = true;
  size_t done = 0;
  for (const Object& o : output.objects) {
    ReserveAhead(out, done++, output.objects.size());
    if (!first) out += "---\n";
    first = false;
    AppendObject(o, out);
  }
  if (output.audit_policy) {
    if (!first) out += "---\n";
    AppendAuditPolicy(*output.audit_policy, out);
  }
  return out;
}

}  // namespace stave::emit
