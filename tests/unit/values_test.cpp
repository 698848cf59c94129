// Unit tests for sema/values: the validators of Kubernetes names, labels,
// resource strings, verbs, methods, Istio patterns and condition values.
// Edge cases sit at the limits the API server and Istio enforce.
#include "compiler/sema/values.h"

#include <catch2/catch.hpp>
#include <string>

namespace stave::sema {
namespace {

TEST_CASE("CheckDnsLabel accepts RFC 1123 labels", "[values]") {
  CHECK_FALSE(CheckDnsLabel("a"));
  CHECK_FALSE(CheckDnsLabel("shop"));
  CHECK_FALSE(CheckDnsLabel("kube-system"));
  CHECK_FALSE(CheckDnsLabel("0abc9"));
  CHECK_FALSE(CheckDnsLabel(std::string(63, 'a')));
}

TEST_CASE("CheckDnsLabel rejects bad labels with a reason", "[values]") {
  CHECK(CheckDnsLabel("") == "must not be empty");
  CHECK(CheckDnsLabel(std::string(64, 'a')) == "must be at most 63 characters");
  CHECK(CheckDnsLabel("Shop") == "must consist of lowercase letters, digits and `-`");
  CHECK(CheckDnsLabel("a_b") == "must consist of lowercase letters, digits and `-`");
  CHECK(CheckDnsLabel("a.b") == "must consist of lowercase letters, digits and `-`");
  CHECK(CheckDnsLabel("shop-") == "must start and end with a letter or digit");
  CHECK(CheckDnsLabel("-shop") == "must start and end with a letter or digit");
  CHECK(CheckDnsLabel("-") == "must start and end with a letter or digit");
}

TEST_CASE("CheckDnsSubdomain accepts dotted names up to 253", "[values]") {
  CHECK_FALSE(CheckDnsSubdomain("a"));
  CHECK_FALSE(CheckDnsSubdomain("my-app"));
  CHECK_FALSE(CheckDnsSubdomain("app.kubernetes.io"));
  CHECK_FALSE(CheckDnsSubdomain("v1.2.3"));
  // 4 * 63 + 3 dots = 255 > 253, so build 253 exactly: 3 * 63 + 61 + 3.
  std::string longest = std::string(63, 'a') + "." + std::string(63, 'b') + "." +
                        std::string(63, 'c') + "." + std::string(61, 'd');
  REQUIRE(longest.size() == 253);
  CHECK_FALSE(CheckDnsSubdomain(longest));
}

TEST_CASE("CheckDnsSubdomain rejects bad names", "[values]") {
  CHECK(CheckDnsSubdomain("") == "must not be empty");
  CHECK(CheckDnsSubdomain(std::string(254, 'a')) == "must be at most 253 characters");
  CHECK(CheckDnsSubdomain(".apps") == "must start and end with a letter or digit");
  CHECK(CheckDnsSubdomain("apps.") == "must start and end with a letter or digit");
  CHECK(CheckDnsSubdomain("a..b") == "must not contain `..`");
  CHECK(CheckDnsSubdomain("a.-b.c").has_value());
  CHECK(CheckDnsSubdomain("a-.b").has_value());
  CHECK(CheckDnsSubdomain("My.App") == "must consist of lowercase letters, digits, `-` and `.`");
  CHECK(CheckDnsSubdomain("a_b").has_value());
}

TEST_CASE("CheckLabelKey follows Kubernetes qualified names", "[values]") {
  CHECK_FALSE(CheckLabelKey("app"));
  CHECK_FALSE(CheckLabelKey("App_Name.v1-x"));
  CHECK_FALSE(CheckLabelKey("app.kubernetes.io/part-of"));
  CHECK_FALSE(CheckLabelKey("example.com/" + std::string(63, 'n')));
  CHECK_FALSE(CheckLabelKey(std::string(63, 'k')));

  CHECK(CheckLabelKey("") == "must not be empty");
  CHECK(CheckLabelKey(std::string(64, 'k')) == "must be at most 63 characters");
  CHECK(CheckLabelKey("-app") == "must start and end with a letter or digit");
  CHECK(CheckLabelKey("app_") == "must start and end with a letter or digit");
  CHECK(CheckLabelKey("a b").has_value());
  CHECK(CheckLabelKey("/app") == "prefix before `/` must not be empty");
  CHECK(CheckLabelKey("Example.com/app").has_value());
  CHECK(CheckLabelKey("example.com/") == "name after `/` must not be empty");
  CHECK(CheckLabelKey("example.com/" + std::string(64, 'n')) ==
        "name after `/` must be at most 63 characters");
  CHECK(CheckLabelKey("a/b/c") == "must contain at most one `/`");
}

TEST_CASE("CheckLabelValue allows empty and 63 characters", "[values]") {
  CHECK_FALSE(CheckLabelValue(""));
  CHECK_FALSE(CheckLabelValue("shop"));
  CHECK_FALSE(CheckLabelValue("Release_1.2-rc"));
  CHECK_FALSE(CheckLabelValue(std::string(63, 'v')));

  CHECK(CheckLabelValue(std::string(64, 'v')) == "must be at most 63 characters");
  CHECK(CheckLabelValue("a/b") == "must consist of letters, digits, `-`, `_` and `.`");
  CHECK(CheckLabelValue("a b").has_value());
  CHECK(CheckLabelValue("shop-") == "must start and end with a letter or digit");
  CHECK(CheckLabelValue(".shop") == "must start and end with a letter or digit");
}

ResourceInfo MustParse(std::string_view text) {
  std::string problem;
  std::optional<ResourceInfo> info = ParseResource(text, &problem);
  INFO("text: " << text << ", problem: " << problem);
  REQUIRE(info.has_value());
  CHECK(problem.empty());
  return *info;
}

std::string MustFail(std::string_view text) {
  std::string problem;
  std::optional<ResourceInfo> info = ParseResource(text, &problem);
  INFO("text: " << text);
  CHECK_FALSE(info.has_value());
  CHECK_FALSE(problem.empty());
  return problem;
}

TEST_CASE("ParseResource splits kubectl resource strings", "[values]") {
  ResourceInfo scale = MustParse("deployments.apps/scale");
  CHECK(scale.resource == "deployments");
  CHECK(scale.group == "apps");
  CHECK(scale.subresource == "scale");
  CHECK(scale.rbac_name() == "deployments/scale");

  ResourceInfo pods = MustParse("pods");
  CHECK(pods.resource == "pods");
  CHECK(pods.group == "");
  CHECK(pods.subresource == "");
  CHECK(pods.rbac_name() == "pods");

  ResourceInfo log = MustParse("pods/log");
  CHECK(log.resource == "pods");
  CHECK(log.group == "");
  CHECK(log.subresource == "log");

  ResourceInfo runs = MustParse("pipelineruns.tekton.dev");
  CHECK(runs.resource == "pipelineruns");
  CHECK(runs.group == "tekton.dev");
  CHECK(runs.subresource == "");

  ResourceInfo vs = MustParse("virtualservices.networking.istio.io");
  CHECK(vs.resource == "virtualservices");
  CHECK(vs.group == "networking.istio.io");

  ResourceInfo wildcard = MustParse("*");
  CHECK(wildcard.resource == "*");
  CHECK(wildcard.group == "");
  CHECK(MustParse("*.apps").group == "apps");
}

TEST_CASE("ParseResource rejects malformed strings", "[values]") {
  CHECK(MustFail("") == "must not be empty");
  CHECK(MustFail("Pods") == "must be lowercase, as `kubectl api-resources` lists it");
  CHECK(MustFail("deployments.Apps").find("lowercase") != std::string::npos);
  CHECK(MustFail("pods log") == "must not contain spaces");
  CHECK(MustFail(" pods") == "must not contain spaces");
  CHECK(MustFail("pods/log/x") == "must contain at most one `/`");
  CHECK(MustFail(".apps") == "must not start or end with `.`");
  CHECK(MustFail("deployments.") == "must not start or end with `.`");
  CHECK(MustFail("deployments.apps./scale") == "must not start or end with `.`");
  CHECK(MustFail("/log") == "resource name must not be empty");
  CHECK(MustFail("pods/") == "subresource must not be empty");
  CHECK(MustFail("deployments..apps") == "API group must start and end with a letter or digit");
  CHECK(MustFail("deployments.k8s..io") == "API group must not contain `..`");
  CHECK(MustFail("pod_s").find("resource name") == 0);
  CHECK(MustFail("pods-/log") == "resource name must start and end with a letter or digit");
  CHECK(MustFail("pods/lo_g").find("subresource") == 0);
  CHECK(MustFail("pods.*").find("API group") == 0);
  CHECK(MustFail("**").find("resource name") == 0);
  CHECK(MustFail(std::string(64, 'r')) == "resource name must be at most 63 characters");
}

TEST_CASE("ParseResource tolerates a null problem pointer", "[values]") {
  CHECK_FALSE(ParseResource("Pods", nullptr).has_value());
  CHECK(ParseResource("pods", nullptr).has_value());
}

TEST_CASE("KnownVerbs lists spec verbs in RBAC order", "[values]") {
  const std::vector<std::string> expected = {
      "get", "list", "watch",    "create",      "update",  "patch", "delete", "deletecollection",
      "use", "bind", "escalate", "impersonate", "approve", "sign",  "proxy"};
  CHECK(KnownVerbs() == expected);
  for (const std::string& verb : expected) CHECK(IsKnownVerb(verb));
  CHECK_FALSE(IsKnownVerb("*"));
  CHECK_FALSE(IsKnownVerb("GET"));
  CHECK_FALSE(IsKnownVerb("read"));
  CHECK_FALSE(IsKnownVerb(""));
}

TEST_CASE("HttpMethods are the nine uppercase methods", "[values]") {
  const std::vector<std::string> expected = {"GET",   "HEAD",    "POST",    "PUT",  "DELETE",
                                             "PATCH", "OPTIONS", "CONNECT", "TRACE"};
  CHECK(HttpMethods() == expected);
  for (const std::string& method : expected) CHECK(IsHttpMethod(method));
  CHECK_FALSE(IsHttpMethod("get"));
  CHECK_FALSE(IsHttpMethod("Post"));
  CHECK_FALSE(IsHttpMethod("PROPFIND"));
  CHECK_FALSE(IsHttpMethod(""));
}

TEST_CASE("CheckPathPattern accepts Istio match forms", "[values]") {
  CHECK_FALSE(CheckPathPattern("/healthz"));
  CHECK_FALSE(CheckPathPattern("/"));
  CHECK_FALSE(CheckPathPattern("/v1/*"));
  CHECK_FALSE(CheckPathPattern("*.png"));
  CHECK_FALSE(CheckPathPattern("*/metrics"));
  CHECK_FALSE(CheckPathPattern("*"));
}

TEST_CASE("CheckPathPattern rejects misplaced wildcards and bad paths", "[values]") {
  const std::string misplaced = "`*` may only stand at the start or end";
  CHECK(CheckPathPattern("/a*b") == misplaced);
  CHECK(CheckPathPattern("a*b") == misplaced);
  CHECK(CheckPathPattern("*a*") == misplaced);
  CHECK(CheckPathPattern("**") == misplaced);
  CHECK(CheckPathPattern("/v1/*/items") == misplaced);
  CHECK(CheckPathPattern("") == "must not be empty");
  CHECK(CheckPathPattern("v1/*") == "must start with `/`");
  CHECK(CheckPathPattern("healthz") == "must start with `/`");
  CHECK(CheckPathPattern("/a b") == "must not contain whitespace or control characters");
  CHECK(CheckPathPattern("/a\tb").has_value());
  CHECK(CheckPathPattern("/a\nb").has_value());
  CHECK(CheckPathPattern(std::string("/a\x7f", 3)).has_value());
}

TEST_CASE("CheckHostPattern accepts hosts, ports and end wildcards", "[values]") {
  CHECK_FALSE(CheckHostPattern("api.example.com"));
  CHECK_FALSE(CheckHostPattern("API.Example.com"));
  CHECK_FALSE(CheckHostPattern("api.example.com:8080"));
  CHECK_FALSE(CheckHostPattern("*.example.com"));
  CHECK_FALSE(CheckHostPattern("api.*"));
  CHECK_FALSE(CheckHostPattern("10.0.0.1"));
  CHECK_FALSE(CheckHostPattern("*"));
}

TEST_CASE("CheckHostPattern rejects malformed hosts", "[values]") {
  CHECK(CheckHostPattern("") == "must not be empty");
  CHECK(CheckHostPattern("api example.com") == "must not contain whitespace or control characters");
  CHECK(CheckHostPattern("https://api.example.com") ==
        "must be a host name, without a scheme or path");
  CHECK(CheckHostPattern("api.example.com/v1").has_value());
  CHECK(CheckHostPattern("api.*.com") == "`*` may only stand at the start or end");
  CHECK(CheckHostPattern("*example*") == "`*` may only stand at the start or end");
  CHECK(CheckHostPattern("api_x.example.com") ==
        "must consist of letters, digits, `-`, `.` and `:`");
  CHECK(CheckHostPattern("[::1]").has_value());
}

TEST_CASE("PortProtocols and which carry HTTP", "[values]") {
  const std::vector<std::string> expected = {"http", "http2", "grpc",  "grpc-web", "tcp",
                                             "tls",  "https", "mongo", "mysql",    "redis"};
  CHECK(PortProtocols() == expected);
  for (const std::string& protocol : expected) CHECK(IsKnownProtocol(protocol));
  CHECK_FALSE(IsKnownProtocol("udp"));
  CHECK_FALSE(IsKnownProtocol("HTTP"));

  CHECK(IsHttpProtocol("http"));
  CHECK(IsHttpProtocol("http2"));
  CHECK(IsHttpProtocol("grpc"));
  CHECK(IsHttpProtocol("grpc-web"));
  for (const char* tcp : {"tcp", "tls", "https", "mongo", "mysql", "redis", "udp"}) {
    CHECK_FALSE(IsHttpProtocol(tcp));
  }
}

TEST_CASE("ConditionKeys lists Istio keys with their flags", "[values]") {
  const std::vector<ConditionKeyInfo>& keys = ConditionKeys();
  REQUIRE(keys.size() == 12);
  CHECK(keys.front().name == "request.headers");
  CHECK(keys.back().name == "connection.sni");

  const ConditionKeyInfo* headers = FindConditionKey("request.headers");
  REQUIRE(headers != nullptr);
  CHECK(headers->indexed);
  CHECK(headers->http_only);

  const ConditionKeyInfo* claims = FindConditionKey("request.auth.claims");
  REQUIRE(claims != nullptr);
  CHECK(claims->indexed);
  CHECK(claims->http_only);

  for (const char* http :
       {"request.auth.principal", "request.auth.audiences", "request.auth.presenter"}) {
    const ConditionKeyInfo* key = FindConditionKey(http);
    REQUIRE(key != nullptr);
    CHECK(key->http_only);
    CHECK_FALSE(key->indexed);
  }
  for (const char* any : {"source.ip", "remote.ip", "source.namespace", "source.principal",
                          "destination.ip", "destination.port", "connection.sni"}) {
    const ConditionKeyInfo* key = FindConditionKey(any);
    REQUIRE(key != nullptr);
    CHECK_FALSE(key->http_only);
    CHECK_FALSE(key->indexed);
  }

  CHECK(FindConditionKey("request.headers[x-tenant]") == nullptr);
  CHECK(FindConditionKey("source.ips") == nullptr);
  CHECK(FindConditionKey("request") == nullptr);
  CHECK(FindConditionKey("") == nullptr);
}

TEST_CASE("CheckConditionValue validates IPs and CIDRs", "[values]") {
  for (const char* key : {"source.ip", "remote.ip", "destination.ip"}) {
    INFO("key: " << key);
    CHECK_FALSE(CheckConditionValue(key, "10.0.0.1"));
    CHECK_FALSE(CheckConditionValue(key, "0.0.0.0/0"));
    CHECK_FALSE(CheckConditionValue(key, "192.168.0.0/16"));
    CHECK_FALSE(CheckConditionValue(key, "255.255.255.255/32"));
    CHECK_FALSE(CheckConditionValue(key, "::1"));
    CHECK_FALSE(CheckConditionValue(key, "2001:db8::/32"));
    CHECK_FALSE(CheckConditionValue(key, "fd00::/128"));
    CHECK_FALSE(CheckConditionValue(key, "::ffff:10.0.0.1"));
  }
  CHECK(CheckConditionValue("source.ip", "10.0.0.300") ==
        "`10.0.0.300` is not an IP address or CIDR");
  CHECK(CheckConditionValue("source.ip", "10.0.0") == "`10.0.0` is not an IP address or CIDR");
  CHECK(CheckConditionValue("source.ip", "10.0.0.1.2").has_value());
  CHECK(CheckConditionValue("source.ip", "10.0.0.01").has_value());
  CHECK(CheckConditionValue("source.ip", "10..0.1").has_value());
  CHECK(CheckConditionValue("source.ip", "example.com").has_value());
  CHECK(CheckConditionValue("remote.ip", "2001:db8:::1").has_value());
  CHECK(CheckConditionValue("source.ip", "10.0.0.0/33") ==
        "`10.0.0.0/33` has a prefix length outside 0-32");
  CHECK(CheckConditionValue("destination.ip", "2001:db8::/129") ==
        "`2001:db8::/129` has a prefix length outside 0-128");
  CHECK(CheckConditionValue("source.ip", "10.0.0.0/").has_value());
  CHECK(CheckConditionValue("source.ip", "10.0.0.0/-1").has_value());
  CHECK(CheckConditionValue("source.ip", "10.0.0.0/8/8").has_value());
  CHECK(CheckConditionValue("source.ip", "") == "must not be empty");
}

TEST_CASE("CheckConditionValue validates ports and namespaces", "[values]") {
  CHECK_FALSE(CheckConditionValue("destination.port", "1"));
  CHECK_FALSE(CheckConditionValue("destination.port", "8080"));
  CHECK_FALSE(CheckConditionValue("destination.port", "65535"));
  CHECK(CheckConditionValue("destination.port", "0") == "`0` is not a port number (1-65535)");
  CHECK(CheckConditionValue("destination.port", "65536") ==
        "`65536` is not a port number (1-65535)");
  CHECK(CheckConditionValue("destination.port", "99999999999").has_value());
  CHECK(CheckConditionValue("destination.port", "http").has_value());
  CHECK(CheckConditionValue("destination.port", "-80").has_value());
  CHECK(CheckConditionValue("destination.port", "80 ").has_value());

  CHECK_FALSE(CheckConditionValue("source.namespace", "shop"));
  CHECK(CheckConditionValue("source.namespace", "Shop") ==
        "must consist of lowercase letters, digits and `-`");
  CHECK(CheckConditionValue("source.namespace", std::string(64, 'n')) ==
        "must be at most 63 characters");
}

TEST_CASE("CheckConditionValue needs only non-empty values elsewhere", "[values]") {
  CHECK_FALSE(CheckConditionValue("request.headers", "tenant-a"));
  CHECK_FALSE(CheckConditionValue("request.headers[x-tenant]", "anything at all"));
  CHECK_FALSE(CheckConditionValue("source.principal", "cluster.local/ns/shop/sa/api"));
  CHECK_FALSE(CheckConditionValue("request.auth.claims", "admins"));
  CHECK_FALSE(CheckConditionValue("connection.sni", "*.example.com"));
  CHECK(CheckConditionValue("request.headers", "") == "must not be empty");
  CHECK(CheckConditionValue("connection.sni", "") == "must not be empty");
  CHECK(CheckConditionValue("request.headers[x-tenant]", "") == "must not be empty");
}

}  // namespace
}  // namespace stave::sema
