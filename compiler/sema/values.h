// Validators for the values a policy writes: Kubernetes names and labels,
// resource strings, HTTP methods, Istio path and host patterns, condition
// keys and their values. Pure functions; each returns nullopt when the value
// is fine, or a short reason fit for a diagnostic label ("must be at most
// 63 characters").
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "compiler/sema/program.h"

namespace stave::sema {

using Problem = std::optional<std::string>;

// RFC 1123 label: namespaces, serviceaccounts (spec §4).
Problem CheckDnsLabel(std::string_view name);
// RFC 1123 subdomain: most object names (pipelines, objects of apps).
Problem CheckDnsSubdomain(std::string_view name);
// Label keys (`[prefix/]name`) and values, as Kubernetes validates them.
Problem CheckLabelKey(std::string_view key);
Problem CheckLabelValue(std::string_view value);

// `RESOURCE[.GROUP][/SUBRESOURCE]`, as `kubectl auth can-i` writes it.
std::optional<ResourceInfo> ParseResource(std::string_view text, std::string* problem);

// The verbs of spec §4, in the order RBAC rules list them.
const std::vector<std::string>& KnownVerbs();
bool IsKnownVerb(std::string_view verb);

// GET HEAD POST PUT DELETE PATCH OPTIONS CONNECT TRACE.
const std::vector<std::string>& HttpMethods();
bool IsHttpMethod(std::string_view method);

// Istio string matches: exact, `prefix*`, `*suffix` or `*`. Paths start
// with `/` (unless the whole pattern is `*`).
Problem CheckPathPattern(std::string_view pattern);
Problem CheckHostPattern(std::string_view pattern);

// An HTTP header name (RFC 9110 token): letters, digits and
// !#$%&'*+-.^_`|~ (an issuer's `header`, E0321).
bool IsHeaderName(std::string_view name);

// Port protocols (spec §4); `IsHttpProtocol` tells which carry HTTP fields.
const std::vector<std::string>& PortProtocols();
bool IsKnownProtocol(std::string_view protocol);
bool IsHttpProtocol(std::string_view protocol);

// Istio condition keys (spec §5.2). `indexed` keys need `[NAME]`.
struct ConditionKeyInfo {
  std::string_view name;  // "request.headers"
  bool indexed;
  bool http_only;  // request.* keys: ignored by Istio on TCP traffic
};
const std::vector<ConditionKeyInfo>& ConditionKeys();
const ConditionKeyInfo* FindConditionKey(std::string_view name);
// Checks a value for a key: IPs and CIDRs for *.ip, a port for
// destination.port, non-empty otherwise.
Problem CheckConditionValue(std::string_view key, std::string_view value);

}  // namespace stave::sema
