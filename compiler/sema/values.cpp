// Validators for the strings a policy writes: Kubernetes names and labels,
// resource strings, verbs, HTTP methods, Istio patterns and condition values.
// The rules mirror what the API server and Istio accept, so errors surface at
// compile time instead of at `kubectl apply`.
#include "compiler/sema/values.h"

#include <arpa/inet.h>

#include <algorithm>
#include <cstdint>

namespace stave::sema {
namespace {

constexpr size_t kMaxLabelLength = 63;
constexpr size_t kMaxSubdomainLength = 253;

bool IsLowerAlnum(char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'); }
bool IsAlnum(char c) { return IsLowerAlnum(c) || (c >= 'A' && c <= 'Z'); }
bool IsDigit(char c) { return c >= '0' && c <= '9'; }
// Space, tabs, newlines and the other control bytes; never valid in a
// pattern and invisible in a diagnostic.
bool IsSpaceOrControl(char c) {
  auto u = static_cast<unsigned char>(c);
  return u <= 0x20 || u == 0x7f;
}

bool Contains(const std::vector<std::string>& list, std::string_view word) {
  return std::find(list.begin(), list.end(), word) != list.end();
}

// One RFC 1123 label without its length limit, which differs between
// callers (a namespace caps it at 63; Kubernetes subdomains cap only the
// whole name).
Problem CheckLabelChars(std::string_view label) {
  if (label.empty()) return "must not be empty";
  for (char c : label) {
    if (!IsLowerAlnum(c) && c != '-') return "must consist of lowercase letters, digits and `-`";
  }
  if (label.front() == '-' || label.back() == '-') {
    return "must start and end with a letter or digit";
  }
  return std::nullopt;
}

// The name part of a qualified name and a non-empty label value share one
// rule: [A-Za-z0-9_.-], alphanumeric at both ends, at most 63.
Problem CheckQualifiedNamePart(std::string_view text) {
  if (text.empty()) return "must not be empty";
  if (text.size() > kMaxLabelLength) return "must be at most 63 characters";
  for (char c : text) {
    if (!IsAlnum(c) && c != '-' && c != '_' && c != '.') {
      return "must consist of letters, digits, `-`, `_` and `.`";
    }
  }
  if (!IsAlnum(text.front()) || !IsAlnum(text.back())) {
    return "must start and end with a letter or digit";
  }
  return std::nullopt;
}

// Shared by paths and hosts: Istio's StringMatch only knows exact, prefix
// and suffix, so a `*` elsewhere would silently be matched literally.
Problem CheckWildcardPlacement(std::string_view pattern) {
  if (pattern == "*") return std::nullopt;
  size_t last = pattern.size() - 1;
  for (size_t i = 0; i < pattern.size(); ++i) {
    if (pattern[i] == '*' && i != 0 && i != last) return "`*` may only stand at the start or end";
  }
  if (pattern.front() == '*' && pattern.back() == '*') {
    return "`*` may only stand at the start or end";
  }
  return std::nullopt;
}

// Strict decimal: no sign, no leading zeros (Go's parsers, which Istio
// uses, reject "010" and "/08"), at most `max`.
std::optional<uint32_t> ParseDecimal(std::string_view text, uint32_t max) {
  if (text.empty() || text.size() > 10) return std::nullopt;
  if (text.size() > 1 && text.front() == '0') return std::nullopt;
  uint64_t value = 0;
  for (char c : text) {
    if (!IsDigit(c)) return std::nullopt;
    value = value * 10 + static_cast<uint64_t>(c - '0');
  }
  if (value > max) return std::nullopt;
  return static_cast<uint32_t>(value);
}

// Parsed by hand rather than with inet_pton so that leading zeros are
// rejected the same way on every libc.
bool IsIpv4(std::string_view text) {
  int octets = 0;
  while (true) {
    size_t dot = text.find('.');
    std::string_view part = text.substr(0, dot);
    if (part.size() > 3 || !ParseDecimal(part, 255)) return false;
    ++octets;
    if (dot == std::string_view::npos) break;
    text.remove_prefix(dot + 1);
  }
  return octets == 4;
}

bool IsIpv6(std::string_view text) {
  if (text.empty() || text.size() > 45) return false;
  std::string copy(text);  // inet_pton wants a terminated string
  in6_addr addr;
  return inet_pton(AF_INET6, copy.c_str(), &addr) == 1;
}

Problem CheckIpOrCidr(std::string_view value) {
  std::string not_ip = "`" + std::string(value) + "` is not an IP address or CIDR";
  size_t slash = value.find('/');
  std::string_view address = value.substr(0, slash);
  uint32_t max_prefix;
  if (IsIpv4(address)) {
    max_prefix = 32;
  } else if (IsIpv6(address)) {
    max_prefix = 128;
  } else {
    return not_ip;
  }
  if (slash == std::string_view::npos) return std::nullopt;
  std::string_view prefix = value.substr(slash + 1);
  if (!ParseDecimal(prefix, max_prefix)) {
    return "`" + std::string(value) + "` has a prefix length outside 0-" +
           std::to_string(max_prefix);
  }
  return std::nullopt;
}

Problem CheckPort(std::string_view value) {
  std::optional<uint32_t> port = ParseDecimal(value, 65535);
  if (!port || *port == 0) {
    return "`" + std::string(value) + "` is not a port number (1-65535)";
  }
  return std::nullopt;
}

}  // namespace

Problem CheckDnsLabel(std::string_view name) {
  if (name.empty()) return "must not be empty";
  if (name.size() > kMaxLabelLength) return "must be at most 63 characters";
  return CheckLabelChars(name);
}

// Kubernetes caps only the whole subdomain (253), not each label, so an
// object name with a 64-character segment stays valid as it is on a cluster.
Problem CheckDnsSubdomain(std::string_view name) {
  if (name.empty()) return "must not be empty";
  if (name.size() > kMaxSubdomainLength) return "must be at most 253 characters";
  if (name.front() == '.' || name.back() == '.') {
    return "must start and end with a letter or digit";
  }
  for (char c : name) {
    if (!IsLowerAlnum(c) && c != '-' && c != '.') {
      return "must consist of lowercase letters, digits, `-` and `.`";
    }
  }
  size_t start = 0;
  while (start <= name.size()) {
    size_t dot = name.find('.', start);
    std::string_view label = name.substr(start, dot == std::string_view::npos ? dot : dot - start);
    if (label.empty()) return "must not contain `..`";
    if (CheckLabelChars(label)) {
      return "each `.`-separated part must start and end with a letter or digit";
    }
    if (dot == std::string_view::npos) break;
    start = dot + 1;
  }
  return std::nullopt;
}

Problem CheckLabelKey(std::string_view key) {
  if (key.empty()) return "must not be empty";
  size_t slash = key.find('/');
  if (slash == std::string_view::npos) return CheckQualifiedNamePart(key);
  if (key.find('/', slash + 1) != std::string_view::npos) return "must contain at most one `/`";
  std::string_view prefix = key.substr(0, slash);
  if (prefix.empty()) return "prefix before `/` must not be empty";
  if (Problem problem = CheckDnsSubdomain(prefix)) return "prefix before `/` " + *problem;
  if (Problem problem = CheckQualifiedNamePart(key.substr(slash + 1))) {
    return "name after `/` " + *problem;
  }
  return std::nullopt;
}

Problem CheckLabelValue(std::string_view value) {
  if (value.empty()) return std::nullopt;  // Kubernetes allows empty values
  return CheckQualifiedNamePart(value);
}

std::optional<ResourceInfo> ParseResource(std::string_view text, std::string* problem) {
  auto fail = [&](std::string reason) -> std::optional<ResourceInfo> {
    if (problem) *problem = std::move(reason);
    return std::nullopt;
  };
  if (text.empty()) return fail("must not be empty");
  if (std::any_of(text.begin(), text.end(), IsSpaceOrControl)) {
    return fail("must not contain spaces");
  }
  if (std::any_of(text.begin(), text.end(), [](char c) { return c >= 'A' && c <= 'Z'; })) {
    return fail("must be lowercase, as `kubectl api-resources` lists it");
  }
  size_t slash = text.find('/');
  if (slash != std::string_view::npos && text.find('/', slash + 1) != std::string_view::npos) {
    return fail("must contain at most one `/`");
  }
  std::string_view head = text.substr(0, slash);
  if (!head.empty() && (head.front() == '.' || head.back() == '.')) {
    return fail("must not start or end with `.`");
  }
  size_t dot = head.find('.');
  ResourceInfo info;
  info.resource = std::string(head.substr(0, dot));
  if (dot != std::string_view::npos) info.group = std::string(head.substr(dot + 1));
  if (slash != std::string_view::npos) info.subresource = std::string(text.substr(slash + 1));

  if (info.resource != "*") {
    if (Problem p = CheckDnsLabel(info.resource)) return fail("resource name " + *p);
  }
  if (dot != std::string_view::npos) {
    if (Problem p = CheckDnsSubdomain(info.group)) return fail("API group " + *p);
  }
  if (slash != std::string_view::npos) {
    if (Problem p = CheckDnsLabel(info.subresource)) return fail("subresource " + *p);
  }
  info.grant_group = info.group;
  info.grant_resource = info.rbac_name();
  info.base_resource = info.resource;
  return info;
}

const std::vector<std::string>& KnownVerbs() {
  static const std::vector<std::string> verbs = {
      "get", "list", "watch",    "create",      "update",  "patch", "delete", "deletecollection",
      "use", "bind", "escalate", "impersonate", "approve", "sign",  "proxy",
  };
  return verbs;
}

bool IsKnownVerb(std::string_view verb) { return Contains(KnownVerbs(), verb); }

const std::vector<std::string>& HttpMethods() {
  static const std::vector<std::string> methods = {
      "GET", "HEAD", "POST", "PUT", "DELETE", "PATCH", "OPTIONS", "CONNECT", "TRACE",
  };
  return methods;
}

bool IsHttpMethod(std::string_view method) { return Contains(HttpMethods(), method); }

// Unlike the header's shorthand, `*suffix` paths are accepted too: Istio
// matches them and "*.png" is a common way to write them.
Problem CheckPathPattern(std::string_view pattern) {
  if (pattern.empty()) return "must not be empty";
  if (std::any_of(pattern.begin(), pattern.end(), IsSpaceOrControl)) {
    return "must not contain whitespace or control characters";
  }
  if (Problem problem = CheckWildcardPlacement(pattern)) return problem;
  if (pattern.front() != '/' && pattern.front() != '*') return "must start with `/`";
  return std::nullopt;
}

Problem CheckHostPattern(std::string_view pattern) {
  if (pattern.empty()) return "must not be empty";
  if (std::any_of(pattern.begin(), pattern.end(), IsSpaceOrControl)) {
    return "must not contain whitespace or control characters";
  }
  if (pattern.find('/') != std::string_view::npos) {
    return "must be a host name, without a scheme or path";
  }
  if (Problem problem = CheckWildcardPlacement(pattern)) return problem;
  for (char c : pattern) {
    if (!IsAlnum(c) && c != '-' && c != '.' && c != ':' && c != '*') {
      return "must consist of letters, digits, `-`, `.` and `:`";
    }
  }
  return std::nullopt;
}

const std::vector<std::string>& PortProtocols() {
  static const std::vector<std::string> protocols = {
      "http", "http2", "grpc", "grpc-web", "tcp", "tls", "https", "mongo", "mysql", "redis",
  };
  return protocols;
}

bool IsKnownProtocol(std::string_view protocol) { return Contains(PortProtocols(), protocol); }

// `https` is excluded on purpose: Istio sees only TLS bytes on such a port,
// so methods, paths and hosts cannot match there.
bool IsHttpProtocol(std::string_view protocol) {
  return protocol == "http" || protocol == "http2" || protocol == "grpc" || protocol == "grpc-web";
}

const std::vector<ConditionKeyInfo>& ConditionKeys() {
  static const std::vector<ConditionKeyInfo> keys = {
      {"request.headers", true, true},
      {"source.ip", false, false},
      {"remote.ip", false, false},
      {"source.namespace", false, false},
      {"source.principal", false, false},
      {"request.auth.principal", false, true},
      {"request.auth.audiences", false, true},
      {"request.auth.presenter", false, true},
      {"request.auth.claims", true, true},
      {"destination.ip", false, false},
      {"destination.port", false, false},
      {"connection.sni", false, false},
  };
  return keys;
}

const ConditionKeyInfo* FindConditionKey(std::string_view name) {
  for (const ConditionKeyInfo& key : ConditionKeys()) {
    if (key.name == name) return &key;
  }
  return nullptr;
}

Problem CheckConditionValue(std::string_view key, std::string_view value) {
  // Tolerate a key written with its index (`request.headers[x]`).
  key = key.substr(0, key.find('['));
  if (value.empty()) return "must not be empty";
  if (key == "source.ip" || key == "remote.ip" || key == "destination.ip") {
    return CheckIpOrCidr(value);
  }
  if (key == "destination.port") return CheckPort(value);
  if (key == "source.namespace") return CheckDnsLabel(value);
  return std::nullopt;
}

bool IsHeaderName(std::string_view name) {
  if (name.empty()) return false;
  for (char c : name) {
    bool alnum = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
    if (!alnum && std::string_view("!#$%&'*+-.^_`|~").find(c) == std::string_view::npos) {
      return false;
    }
  }
  return true;
}

}  // namespace stave::sema
