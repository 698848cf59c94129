// Unit tests for eval/istio_eval: the Istio authorization evaluator over
// lowered AuthorizationPolicies and PeerAuthentications. The scenarios are the
// examples of Istio's documentation, rebuilt as lower::Object values; the
// comment above each test names the page it comes from:
//   - "Authorization Policy" (reference, istio.io/docs/reference/config/
//     security/authorization-policy/)
//   - "Authorization Policy Conditions" (reference, .../security/conditions/)
//   - "Security" (concepts, istio.io/docs/concepts/security/)
//   - "Explicit Deny" and "TCP Traffic" (tasks, istio.io/docs/tasks/security/
//     authorization/)
// Our model has one operation per rule; where the docs list several
// operations in one `to`, the test splits them into rules with the same
// `from` and `when`, which Istio treats the same way (alternatives).
// Tests tagged [discrepancy] document where the evaluator disagrees with the
// docs; they are expected to fail until the evaluator is fixed.
#include "compiler/eval/istio_eval.h"

#include <catch2/catch.hpp>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace stave::eval {
namespace {

using lower::IstioCondition;
using lower::IstioOperation;
using lower::IstioRule;
using lower::IstioSource;
using lower::Kind;
using lower::Object;
using lower::Output;
using Strings = std::vector<std::string>;
using Labels = std::map<std::string, std::string>;

// --- Building objects ------------------------------------------------------

Object Policy(const std::string& ns, const std::string& name, const std::string& action,
              Labels selector, std::vector<IstioRule> rules) {
  lower::AuthorizationPolicy ap;
  ap.selector = std::move(selector);
  ap.action = action;
  ap.rules = std::move(rules);
  ap.rule_origins.resize(ap.rules.size());
  return Object{Kind::AuthorizationPolicy, {name, ns, {}}, std::move(ap), {}};
}

// `spec: {}` (or a selector and nothing else): an ALLOW policy with no rules.
Object AllowNothing(const std::string& ns, const std::string& name, Labels selector = {}) {
  lower::AuthorizationPolicy ap;
  ap.selector = std::move(selector);
  ap.action = "ALLOW";
  ap.allow_nothing = true;
  return Object{Kind::AuthorizationPolicy, {name, ns, {}}, std::move(ap), {}};
}

Object PeerAuth(const std::string& ns, const std::string& name, const std::string& mode) {
  return Object{Kind::PeerAuthentication, {name, ns, {}}, lower::PeerAuthentication{mode}, {}};
}

IstioSource Principals(Strings p) { return IstioSource{std::move(p), {}, {}}; }
IstioSource Namespaces(Strings n) { return IstioSource{{}, std::move(n), {}}; }
IstioSource RequestPrincipals(Strings r) { return IstioSource{{}, {}, std::move(r)}; }

IstioCondition When(const std::string& key, Strings values, Strings not_values = {}) {
  return IstioCondition{key, std::move(values), std::move(not_values)};
}

IstioRule Rule(std::vector<IstioSource> from, std::optional<IstioOperation> to = std::nullopt,
               std::vector<IstioCondition> when = {}) {
  return IstioRule{std::move(from), std::move(to), std::move(when)};
}

// The empty rule `{}`: matches every request.
IstioRule EmptyRule() { return IstioRule{}; }

// A caller: an mTLS peer (a Kubernetes ServiceAccount) or plaintext.
struct Caller {
  std::string principal;
  std::string ns;
};
Caller Sa(const std::string& ns, const std::string& name) {
  return {"cluster.local/ns/" + ns + "/sa/" + name, ns};
}
const Caller kPlaintext{};

MeshRequest Http(const Caller& from, const std::string& ns, Labels labels,
                 const std::string& method, const std::string& path, uint32_t port = 8000) {
  MeshRequest r;
  r.ns = ns;
  r.labels = std::move(labels);
  r.principal = from.principal;
  r.source_ns = from.ns;
  r.http = true;
  r.port = port;
  r.method = method;
  r.path = path;
  return r;
}

MeshRequest Tcp(const Caller& from, const std::string& ns, Labels labels, uint32_t port) {
  MeshRequest r;
  r.ns = ns;
  r.labels = std::move(labels);
  r.principal = from.principal;
  r.source_ns = from.ns;
  r.http = false;
  r.port = port;
  return r;
}

MeshRequest WithHeader(MeshRequest r, const std::string& name, const std::string& value) {
  r.headers[name] = value;
  return r;
}

MeshRequest WithHost(MeshRequest r, const std::string& host) {
  r.host = host;
  return r;
}

std::string Decider(const MeshDecision& d) { return d.object ? d.object->meta.name : "<none>"; }

const Labels kHttpbin{{"app", "httpbin"}};
const Labels kHttpbinV1{{"app", "httpbin"}, {"version", "v1"}};

// --- The reference page's examples -------------------------------------------

// "Authorization Policy": the httpbin ALLOW example. It allows the
// ServiceAccount cluster.local/ns/default/sa/sleep or the namespace test to
// GET paths with prefix /info or POST /data, when the JWT issuer is
// https://accounts.google.com.
TEST_CASE("Reference: the httpbin ALLOW example", "[istio]") {
  IstioOperation get_info;
  get_info.methods = {"GET"};
  get_info.paths = {"/info*"};
  IstioOperation post_data;
  post_data.methods = {"POST"};
  post_data.paths = {"/data"};
  std::vector<IstioSource> from = {Principals({"cluster.local/ns/default/sa/sleep"}),
                                   Namespaces({"test"})};
  IstioCondition google = When("request.auth.claims[iss]", {"https://accounts.google.com"});

  SECTION("with its JWT condition: a request without a JWT never matches") {
    Output out;
    out.objects.push_back(
        Policy("foo", "httpbin", "ALLOW", {},
               {Rule(from, get_info, {google}), Rule(from, post_data, {google})}));
    MeshAuthorizer authz(out);
    MeshDecision d = authz.Authorize(Http(Sa("default", "sleep"), "foo", kHttpbin, "GET", "/info"));
    CHECK_FALSE(d.allowed);
    CHECK(Decider(d) == "httpbin");
    CHECK_FALSE(d.rule_index.has_value());
    CHECK(d.reason == "no ALLOW rule matches");
  }

  SECTION("without its JWT condition") {
    Output out;
    out.objects.push_back(
        Policy("foo", "httpbin", "ALLOW", {}, {Rule(from, get_info), Rule(from, post_data)}));
    MeshAuthorizer authz(out);
    Caller sleep = Sa("default", "sleep");

    MeshDecision d = authz.Authorize(Http(sleep, "foo", kHttpbin, "GET", "/info"));
    CHECK(d.allowed);
    CHECK(Decider(d) == "httpbin");
    CHECK(d.rule_index == std::optional<size_t>(0));
    CHECK(d.reason == "an ALLOW rule matches");
    // `/info*` is a prefix match.
    CHECK(authz.Authorize(Http(sleep, "foo", kHttpbin, "GET", "/info/headers")).allowed);
    CHECK(authz.Authorize(Http(sleep, "foo", kHttpbin, "GET", "/information")).allowed);

    MeshDecision post = authz.Authorize(Http(sleep, "foo", kHttpbin, "POST", "/data"));
    CHECK(post.allowed);
    CHECK(post.rule_index == std::optional<size_t>(1));
    // `/data` is exact; the method goes with its own path.
    CHECK_FALSE(authz.Authorize(Http(sleep, "foo", kHttpbin, "POST", "/data/1")).allowed);
    CHECK_FALSE(authz.Authorize(Http(sleep, "foo", kHttpbin, "POST", "/info")).allowed);
    CHECK_FALSE(authz.Authorize(Http(sleep, "foo", kHttpbin, "GET", "/data")).allowed);
    CHECK_FALSE(authz.Authorize(Http(sleep, "foo", kHttpbin, "DELETE", "/info")).allowed);

    // The second source: anything from the namespace test.
    CHECK(authz.Authorize(Http(Sa("test", "anyone"), "foo", kHttpbin, "GET", "/info")).allowed);
    // Neither source: sleep's name in another namespace, or plaintext.
    CHECK_FALSE(
        authz.Authorize(Http(Sa("other", "sleep"), "foo", kHttpbin, "GET", "/info")).allowed);
    CHECK_FALSE(authz.Authorize(Http(kPlaintext, "foo", kHttpbin, "GET", "/info")).allowed);
    // Workloads in other namespaces are not affected.
    CHECK(authz.Authorize(Http(kPlaintext, "bar", kHttpbin, "DELETE", "/anything")).allowed);
  }
}

// "Authorization Policy": the DENY example that denies requests from the dev
// namespace to the POST method on all workloads in foo.
TEST_CASE("Reference: DENY POST from the dev namespace", "[istio]") {
  IstioOperation post;
  post.methods = {"POST"};
  Output out;
  out.objects.push_back(Policy("foo", "httpbin", "DENY", {}, {Rule({Namespaces({"dev"})}, post)}));
  MeshAuthorizer authz(out);

  MeshDecision d = authz.Authorize(Http(Sa("dev", "client"), "foo", kHttpbin, "POST", "/post"));
  CHECK_FALSE(d.allowed);
  CHECK(Decider(d) == "httpbin");
  CHECK(d.rule_index == std::optional<size_t>(0));
  CHECK(d.reason == "a DENY rule matches");

  // Any workload in foo, no selector.
  CHECK_FALSE(
      authz.Authorize(Http(Sa("dev", "client"), "foo", {{"app", "other"}}, "POST", "/")).allowed);

  // No ALLOW policy selects the workload, so what the DENY misses is allowed.
  MeshDecision get = authz.Authorize(Http(Sa("dev", "client"), "foo", kHttpbin, "GET", "/get"));
  CHECK(get.allowed);
  CHECK(get.object == nullptr);
  CHECK(get.reason == "no ALLOW policy selects the workload");
  CHECK(authz.Authorize(Http(Sa("test", "client"), "foo", kHttpbin, "POST", "/post")).allowed);

  // "Dependency on mutual TLS" (Security concepts): `namespaces` needs mTLS;
  // a plaintext caller has no namespace and slips past this DENY.
  CHECK(authz.Authorize(Http(kPlaintext, "foo", kHttpbin, "POST", "/post")).allowed);
}

// "Authorization Policy": the DENY example for POST on port 8080, and its
// note: on TCP traffic the method cannot be processed; "for a DENY rule,
// missing attributes are treated as matches", so all TCP traffic on 8080 is
// denied, and without `ports` all TCP traffic would be.
TEST_CASE("Reference: DENY POST on port 8080, over HTTP and TCP", "[istio]") {
  SECTION("with ports") {
    IstioOperation op;
    op.methods = {"POST"};
    op.ports = {"8080"};
    Output out;
    out.objects.push_back(Policy("foo", "httpbin", "DENY", {}, {Rule({}, op)}));
    MeshAuthorizer authz(out);
    Caller c = Sa("default", "sleep");
    CHECK_FALSE(authz.Authorize(Http(c, "foo", kHttpbin, "POST", "/post", 8080)).allowed);
    CHECK(authz.Authorize(Http(c, "foo", kHttpbin, "POST", "/post", 9080)).allowed);
    CHECK(authz.Authorize(Http(c, "foo", kHttpbin, "GET", "/get", 8080)).allowed);
    MeshDecision tcp = authz.Authorize(Tcp(c, "foo", kHttpbin, 8080));
    CHECK_FALSE(tcp.allowed);
    CHECK(Decider(tcp) == "httpbin");
    CHECK(authz.Authorize(Tcp(c, "foo", kHttpbin, 9080)).allowed);
  }
  SECTION("without ports") {
    IstioOperation op;
    op.methods = {"POST"};
    Output out;
    out.objects.push_back(Policy("foo", "httpbin", "DENY", {}, {Rule({}, op)}));
    MeshAuthorizer authz(out);
    Caller c = Sa("default", "sleep");
    CHECK_FALSE(authz.Authorize(Tcp(c, "foo", kHttpbin, 8080)).allowed);
    CHECK_FALSE(authz.Authorize(Tcp(c, "foo", kHttpbin, 27017)).allowed);
    CHECK(authz.Authorize(Http(c, "foo", kHttpbin, "GET", "/get", 8080)).allowed);
  }
}

// "Authorization Policy": allow-nothing (`spec: {}`) in foo denies every
// request to foo's workloads; allow-all (`rules: [{}]`) allows all.
TEST_CASE("Reference: allow-nothing and allow-all in a namespace", "[istio]") {
  Output out;
  out.objects.push_back(AllowNothing("foo", "allow-nothing"));
  SECTION("allow-nothing alone") {
    MeshAuthorizer authz(out);
    for (const Caller& c : {Sa("foo", "sleep"), Sa("default", "sleep"), kPlaintext}) {
      INFO("caller " << (c.principal.empty() ? "plaintext" : c.principal));
      MeshDecision d = authz.Authorize(Http(c, "foo", kHttpbin, "GET", "/"));
      CHECK_FALSE(d.allowed);
      CHECK(Decider(d) == "allow-nothing");
      CHECK_FALSE(d.rule_index.has_value());
      CHECK(d.reason == "no ALLOW rule matches");
      CHECK_FALSE(authz.Authorize(Tcp(c, "foo", {{"app", "db"}}, 5432)).allowed);
    }
    CHECK(authz.Authorize(Http(kPlaintext, "bar", kHttpbin, "GET", "/")).allowed);
  }
  SECTION("allow-all next to allow-nothing: ALLOW policies add up") {
    out.objects.push_back(Policy("foo", "allow-all", "ALLOW", {}, {EmptyRule()}));
    MeshAuthorizer authz(out);
    MeshDecision d = authz.Authorize(Http(kPlaintext, "foo", kHttpbin, "DELETE", "/x"));
    CHECK(d.allowed);
    CHECK(Decider(d) == "allow-all");
    CHECK(d.rule_index == std::optional<size_t>(0));
    CHECK(authz.Authorize(Tcp(kPlaintext, "foo", {{"app", "db"}}, 5432)).allowed);
  }
}

// "Authorization Policy": allow-nothing for the workloads labelled
// app: httpbin in bar (a selector and no rules).
TEST_CASE("Reference: allow-nothing with a selector only closes the selected workloads",
          "[istio]") {
  Output out;
  out.objects.push_back(AllowNothing("bar", "allow-nothing", kHttpbin));
  MeshAuthorizer authz(out);
  Caller c = Sa("bar", "sleep");
  CHECK_FALSE(authz.Authorize(Http(c, "bar", kHttpbin, "GET", "/")).allowed);
  CHECK_FALSE(authz.Authorize(Http(c, "bar", kHttpbinV1, "GET", "/")).allowed);
  CHECK(authz.Authorize(Http(c, "bar", {{"app", "sleep"}}, "GET", "/")).allowed);
  CHECK(authz.Authorize(Http(c, "bar", {}, "GET", "/")).allowed);
  CHECK(authz.Authorize(Http(c, "foo", kHttpbin, "GET", "/")).allowed);
}

// "Authorization Policy": action defaults to ALLOW when not set.
TEST_CASE("An AuthorizationPolicy without an action is an ALLOW policy", "[istio]") {
  Output out;
  out.objects.push_back(
      Policy("foo", "sleep-only", "", {}, {Rule({Principals({"cluster.local/ns/foo/sa/sleep"})})}));
  MeshAuthorizer authz(out);
  CHECK(authz.Authorize(Http(Sa("foo", "sleep"), "foo", kHttpbin, "GET", "/")).allowed);
  CHECK_FALSE(authz.Authorize(Http(Sa("foo", "other"), "foo", kHttpbin, "GET", "/")).allowed);
}

// --- Security concepts --------------------------------------------------------

// "Security": deny-all (a DENY policy with one empty rule) always denies,
// even next to allow-all, because DENY is evaluated before ALLOW.
TEST_CASE("Concepts: deny-all beats allow-all, whatever the object order", "[istio]") {
  Output out;
  out.objects.push_back(Policy("foo", "allow-all", "ALLOW", {}, {EmptyRule()}));
  out.objects.push_back(Policy("foo", "deny-all", "DENY", {}, {EmptyRule()}));
  MeshAuthorizer authz(out);
  for (const MeshRequest& r : {Http(Sa("foo", "sleep"), "foo", kHttpbin, "GET", "/"),
                               Http(kPlaintext, "foo", kHttpbin, "POST", "/x"),
                               Tcp(Sa("foo", "sleep"), "foo", kHttpbin, 9000)}) {
    MeshDecision d = authz.Authorize(r);
    CHECK_FALSE(d.allowed);
    CHECK(Decider(d) == "deny-all");
    CHECK(d.rule_index == std::optional<size_t>(0));
  }
  CHECK(authz.Authorize(Http(kPlaintext, "bar", kHttpbin, "GET", "/")).allowed);
}

// "Security", Authorization policies: the selector app: httpbin,
// version: v1 must match all of its labels; extra pod labels do not matter.
TEST_CASE("Concepts: a selector must match every one of its labels", "[istio]") {
  IstioOperation get;
  get.methods = {"GET"};
  Output out;
  out.objects.push_back(Policy(
      "foo", "httpbin", "ALLOW", kHttpbinV1,
      {Rule({Principals({"cluster.local/ns/default/sa/sleep"}), Namespaces({"dev"})}, get)}));
  MeshAuthorizer authz(out);
  Caller other = Sa("foo", "other");

  Labels v1_extra{{"app", "httpbin"}, {"version", "v1"}, {"tier", "backend"}};
  CHECK(authz.Authorize(Http(Sa("default", "sleep"), "foo", v1_extra, "GET", "/")).allowed);
  CHECK(authz.Authorize(Http(Sa("dev", "x"), "foo", kHttpbinV1, "GET", "/")).allowed);
  CHECK_FALSE(authz.Authorize(Http(other, "foo", kHttpbinV1, "GET", "/")).allowed);
  CHECK_FALSE(
      authz.Authorize(Http(Sa("default", "sleep"), "foo", kHttpbinV1, "POST", "/")).allowed);

  // Not selected: the policy does not apply and nothing else does.
  CHECK(authz.Authorize(Http(other, "foo", {{"app", "httpbin"}, {"version", "v2"}}, "GET", "/"))
            .allowed);
  CHECK(authz.Authorize(Http(other, "foo", kHttpbin, "GET", "/")).allowed);
  CHECK(authz.Authorize(Http(other, "foo", {{"version", "v1"}}, "GET", "/")).allowed);
}

// "Security", Value matching: the tester policy allows paths with the
// /test/* prefix or the */info suffix.
TEST_CASE("Concepts: prefix and suffix paths (the tester policy)", "[istio]") {
  IstioOperation op;
  op.paths = {"/test/*", "*/info"};
  Output out;
  out.objects.push_back(
      Policy("default", "tester", "ALLOW", {{"app", "products"}}, {Rule({}, op)}));
  MeshAuthorizer authz(out);
  Labels products{{"app", "products"}};
  CHECK(authz.Authorize(Http(kPlaintext, "default", products, "GET", "/test/")).allowed);
  CHECK(authz.Authorize(Http(kPlaintext, "default", products, "GET", "/test/a/b")).allowed);
  CHECK(authz.Authorize(Http(kPlaintext, "default", products, "GET", "/info")).allowed);
  CHECK(authz.Authorize(Http(kPlaintext, "default", products, "GET", "/api/v1/info")).allowed);
  CHECK_FALSE(authz.Authorize(Http(kPlaintext, "default", products, "GET", "/test")).allowed);
  CHECK_FALSE(authz.Authorize(Http(kPlaintext, "default", products, "GET", "/info/more")).allowed);
}

// "Security", Authenticated and unauthenticated identity: no `from` admits
// everyone; principals: ["*"] admits only authenticated (mTLS) callers.
TEST_CASE("Concepts: an empty source admits all, principals * only mTLS peers", "[istio]") {
  IstioOperation op;
  op.methods = {"GET", "POST"};
  SECTION("no source") {
    Output out;
    out.objects.push_back(Policy("foo", "httpbin", "ALLOW", kHttpbinV1, {Rule({}, op)}));
    MeshAuthorizer authz(out);
    CHECK(authz.Authorize(Http(kPlaintext, "foo", kHttpbinV1, "GET", "/")).allowed);
    CHECK(authz.Authorize(Http(Sa("x", "y"), "foo", kHttpbinV1, "POST", "/")).allowed);
    CHECK_FALSE(authz.Authorize(Http(kPlaintext, "foo", kHttpbinV1, "PUT", "/")).allowed);
  }
  SECTION("principals: [\"*\"]") {
    Output out;
    out.objects.push_back(
        Policy("foo", "httpbin", "ALLOW", kHttpbinV1, {Rule({Principals({"*"})}, op)}));
    MeshAuthorizer authz(out);
    CHECK(authz.Authorize(Http(Sa("x", "y"), "foo", kHttpbinV1, "POST", "/")).allowed);
    CHECK_FALSE(authz.Authorize(Http(kPlaintext, "foo", kHttpbinV1, "GET", "/")).allowed);
  }
}

// "Security", Custom conditions: request.headers[version] is v1 or v2, for
// GET from sleep.
TEST_CASE("Concepts: the request.headers[version] condition", "[istio]") {
  IstioOperation get;
  get.methods = {"GET"};
  Output out;
  out.objects.push_back(Policy("foo", "httpbin", "ALLOW", kHttpbinV1,
                               {Rule({Principals({"cluster.local/ns/default/sa/sleep"})}, get,
                                     {When("request.headers[version]", {"v1", "v2"})})}));
  MeshAuthorizer authz(out);
  MeshRequest base = Http(Sa("default", "sleep"), "foo", kHttpbinV1, "GET", "/");
  CHECK(authz.Authorize(WithHeader(base, "version", "v1")).allowed);
  CHECK(authz.Authorize(WithHeader(base, "version", "v2")).allowed);
  CHECK_FALSE(authz.Authorize(WithHeader(base, "version", "v3")).allowed);
  CHECK_FALSE(authz.Authorize(base).allowed);  // no header: values cannot match
}

// "Security", Using Istio authorization on plain TCP protocols: the
// mongodb-policy allows only bookinfo-ratings-v2 on port 27017.
TEST_CASE("Concepts: the mongodb-policy on TCP", "[istio]") {
  IstioOperation op;
  op.ports = {"27017"};
  Output out;
  out.objects.push_back(
      Policy("default", "mongodb-policy", "ALLOW", {{"app", "mongodb"}},
             {Rule({Principals({"cluster.local/ns/default/sa/bookinfo-ratings-v2"})}, op)}));
  MeshAuthorizer authz(out);
  Labels mongo{{"app", "mongodb"}};
  CHECK(
      authz.Authorize(Tcp(Sa("default", "bookinfo-ratings-v2"), "default", mongo, 27017)).allowed);
  CHECK_FALSE(
      authz.Authorize(Tcp(Sa("default", "bookinfo-ratings-v1"), "default", mongo, 27017)).allowed);
  CHECK_FALSE(
      authz.Authorize(Tcp(Sa("default", "bookinfo-ratings-v2"), "default", mongo, 27018)).allowed);
  CHECK_FALSE(authz.Authorize(Tcp(kPlaintext, "default", mongo, 27017)).allowed);
}

// "Security", Exclusion matching: disable-jwt-for-healthz requires a request
// principal except on /healthz. Request principals (JWT) are not part of our
// model, so the JWT source is left out and only the notPaths half is tested,
// once as the ALLOW of the docs and once as a DENY.
TEST_CASE("Concepts: notPaths excludes /healthz", "[istio]") {
  IstioOperation op;
  op.not_paths = {"/healthz"};
  Labels products{{"app", "products"}};
  SECTION("ALLOW with notPaths") {
    Output out;
    out.objects.push_back(
        Policy("default", "disable-jwt-for-healthz", "ALLOW", products, {Rule({}, op)}));
    MeshAuthorizer authz(out);
    CHECK(authz.Authorize(Http(kPlaintext, "default", products, "GET", "/products")).allowed);
    CHECK_FALSE(authz.Authorize(Http(kPlaintext, "default", products, "GET", "/healthz")).allowed);
  }
  SECTION("DENY with notPaths: everything but /healthz is refused") {
    Output out;
    out.objects.push_back(Policy("default", "only-healthz", "DENY", products, {Rule({}, op)}));
    MeshAuthorizer authz(out);
    CHECK_FALSE(authz.Authorize(Http(kPlaintext, "default", products, "GET", "/products")).allowed);
    CHECK_FALSE(
        authz.Authorize(Http(kPlaintext, "default", products, "GET", "/healthz/live")).allowed);
    CHECK(authz.Authorize(Http(kPlaintext, "default", products, "GET", "/healthz")).allowed);
  }
}

// "Security", Dependency on mutual TLS: principals and namespaces need an
// mTLS peer. A plaintext caller never matches an identity-based ALLOW and
// always passes an identity-based DENY.
TEST_CASE("Concepts: plaintext callers against principals and namespaces", "[istio]") {
  SECTION("ALLOW by principal") {
    Output out;
    out.objects.push_back(Policy("foo", "from-sleep", "ALLOW", {},
                                 {Rule({Principals({"cluster.local/ns/foo/sa/sleep"})})}));
    MeshAuthorizer authz(out);
    CHECK(authz.Authorize(Http(Sa("foo", "sleep"), "foo", kHttpbin, "GET", "/")).allowed);
    CHECK_FALSE(authz.Authorize(Http(kPlaintext, "foo", kHttpbin, "GET", "/")).allowed);
  }
  SECTION("DENY by principal and by namespace") {
    Output out;
    out.objects.push_back(Policy(
        "foo", "no-intruder", "DENY", {},
        {Rule({Principals({"cluster.local/ns/evil/sa/intruder"})}), Rule({Namespaces({"evil"})})}));
    MeshAuthorizer authz(out);
    MeshDecision by_principal =
        authz.Authorize(Http(Sa("evil", "intruder"), "foo", kHttpbin, "GET", "/"));
    CHECK_FALSE(by_principal.allowed);
    CHECK(by_principal.rule_index == std::optional<size_t>(0));
    MeshDecision by_ns = authz.Authorize(Http(Sa("evil", "other"), "foo", kHttpbin, "GET", "/"));
    CHECK_FALSE(by_ns.allowed);
    CHECK(by_ns.rule_index == std::optional<size_t>(1));
    CHECK(authz.Authorize(Http(kPlaintext, "foo", kHttpbin, "GET", "/")).allowed);
  }
}

// --- PeerAuthentication -------------------------------------------------------

// "PeerAuthentication" reference: in STRICT mode the connection must be an
// mTLS tunnel, so a plaintext request is refused before any
// AuthorizationPolicy is looked at.
TEST_CASE("PeerAuthentication STRICT refuses plaintext before any rule", "[istio]") {
  Output out;
  out.objects.push_back(PeerAuth("foo", "default", "STRICT"));
  out.objects.push_back(Policy("foo", "allow-all", "ALLOW", {}, {EmptyRule()}));
  MeshAuthorizer authz(out);

  MeshDecision d = authz.Authorize(Http(kPlaintext, "foo", kHttpbin, "GET", "/"));
  CHECK_FALSE(d.allowed);
  CHECK(Decider(d) == "default");
  REQUIRE(d.object != nullptr);
  CHECK(d.object->kind == Kind::PeerAuthentication);
  CHECK_FALSE(d.rule_index.has_value());
  CHECK(d.reason == "plaintext traffic refused: mTLS is STRICT");
  CHECK_FALSE(authz.Authorize(Tcp(kPlaintext, "foo", kHttpbin, 9000)).allowed);

  CHECK(authz.Authorize(Http(Sa("bar", "sleep"), "foo", kHttpbin, "GET", "/")).allowed);
  // The PeerAuthentication of foo says nothing about bar.
  CHECK(authz.Authorize(Http(kPlaintext, "bar", kHttpbin, "GET", "/")).allowed);

  SECTION("PERMISSIVE accepts plaintext") {
    Output permissive;
    permissive.objects.push_back(PeerAuth("foo", "default", "PERMISSIVE"));
    MeshAuthorizer p(permissive);
    CHECK(p.Authorize(Http(kPlaintext, "foo", kHttpbin, "GET", "/")).allowed);
  }
}

// --- Explicit Deny task --------------------------------------------------------

// "Explicit Deny": deny-method-get, then its x-token notValues variant, then
// allow-path-ip next to it.
TEST_CASE("Explicit Deny task: deny-method-get, x-token notValues, allow-path-ip", "[istio]") {
  Caller sleep = Sa("foo", "sleep");
  IstioOperation get;
  get.methods = {"GET"};

  SECTION("deny-method-get") {
    Output out;
    out.objects.push_back(Policy("foo", "deny-method-get", "DENY", kHttpbin, {Rule({}, get)}));
    MeshAuthorizer authz(out);
    CHECK_FALSE(authz.Authorize(Http(sleep, "foo", kHttpbin, "GET", "/get")).allowed);
    CHECK(authz.Authorize(Http(sleep, "foo", kHttpbin, "POST", "/post")).allowed);
  }

  Output out;
  out.objects.push_back(Policy("foo", "deny-method-get", "DENY", kHttpbin,
                               {Rule({}, get, {When("request.headers[x-token]", {}, {"admin"})})}));
  SECTION("deny GET unless x-token is admin") {
    MeshAuthorizer authz(out);
    CHECK(
        authz.Authorize(WithHeader(Http(sleep, "foo", kHttpbin, "GET", "/get"), "x-token", "admin"))
            .allowed);
    MeshDecision guest = authz.Authorize(
        WithHeader(Http(sleep, "foo", kHttpbin, "GET", "/get"), "x-token", "guest"));
    CHECK_FALSE(guest.allowed);
    CHECK(Decider(guest) == "deny-method-get");
    // A missing header is not admin either (the policy's intent).
    CHECK_FALSE(authz.Authorize(Http(sleep, "foo", kHttpbin, "GET", "/get")).allowed);
  }
  SECTION("with allow-path-ip: DENY takes precedence over ALLOW") {
    IstioOperation ip;
    ip.paths = {"/ip"};
    out.objects.push_back(Policy("foo", "allow-path-ip", "ALLOW", kHttpbin, {Rule({}, ip)}));
    MeshAuthorizer authz(out);
    MeshDecision guest =
        authz.Authorize(WithHeader(Http(sleep, "foo", kHttpbin, "GET", "/ip"), "x-token", "guest"));
    CHECK_FALSE(guest.allowed);
    CHECK(Decider(guest) == "deny-method-get");
    MeshDecision admin =
        authz.Authorize(WithHeader(Http(sleep, "foo", kHttpbin, "GET", "/ip"), "x-token", "admin"));
    CHECK(admin.allowed);
    CHECK(Decider(admin) == "allow-path-ip");
    MeshDecision other = authz.Authorize(
        WithHeader(Http(sleep, "foo", kHttpbin, "GET", "/get"), "x-token", "admin"));
    CHECK_FALSE(other.allowed);
    CHECK(Decider(other) == "allow-path-ip");
    CHECK(other.reason == "no ALLOW rule matches");
  }
}

// --- TCP Traffic task ------------------------------------------------------------

// "TCP Traffic": tcp-policy on the tcp-echo workload (ports 9000, 9001, 9002).
TEST_CASE("TCP Traffic task: HTTP-only fields in ALLOW and DENY rules", "[istio]") {
  Caller sleep = Sa("foo", "sleep");
  Labels echo{{"app", "tcp-echo"}};
  auto tcp = [&](uint32_t port) { return Tcp(sleep, "foo", echo, port); };

  SECTION("ALLOW ports 9000 and 9001") {
    IstioOperation op;
    op.ports = {"9000", "9001"};
    Output out;
    out.objects.push_back(Policy("foo", "tcp-policy", "ALLOW", echo, {Rule({}, op)}));
    MeshAuthorizer authz(out);
    CHECK(authz.Authorize(tcp(9000)).allowed);
    CHECK(authz.Authorize(tcp(9001)).allowed);
    CHECK_FALSE(authz.Authorize(tcp(9002)).allowed);
  }
  SECTION("ALLOW methods GET on port 9000: the rule is ignored on TCP") {
    IstioOperation op;
    op.methods = {"GET"};
    op.ports = {"9000"};
    Output out;
    out.objects.push_back(Policy("foo", "tcp-policy", "ALLOW", echo, {Rule({}, op)}));
    MeshAuthorizer authz(out);
    CHECK_FALSE(authz.Authorize(tcp(9000)).allowed);
    CHECK_FALSE(authz.Authorize(tcp(9001)).allowed);
    // The same rule still works for HTTP on 9000.
    CHECK(authz.Authorize(Http(sleep, "foo", echo, "GET", "/", 9000)).allowed);
  }
  SECTION("DENY methods GET: all TCP traffic is denied") {
    IstioOperation op;
    op.methods = {"GET"};
    Output out;
    out.objects.push_back(Policy("foo", "tcp-policy", "DENY", echo, {Rule({}, op)}));
    MeshAuthorizer authz(out);
    CHECK_FALSE(authz.Authorize(tcp(9000)).allowed);
    CHECK_FALSE(authz.Authorize(tcp(9001)).allowed);
  }
  SECTION("DENY methods GET on port 9000: only 9000 is denied") {
    IstioOperation op;
    op.methods = {"GET"};
    op.ports = {"9000"};
    Output out;
    out.objects.push_back(Policy("foo", "tcp-policy", "DENY", echo, {Rule({}, op)}));
    MeshAuthorizer authz(out);
    MeshDecision d = authz.Authorize(tcp(9000));
    CHECK_FALSE(d.allowed);
    CHECK(d.reason == "a DENY rule matches");
    CHECK(authz.Authorize(tcp(9001)).allowed);
  }
}

// --- Rules, sources, operations, conditions (IstioRuleMatches) -----------------

// "Authorization Policy", Source: fields in a source are ANDed. The docs'
// example (principals admin or dev, namespaces prod or test) with SPIFFE-like
// principals; notIpBlocks is not part of our model.
TEST_CASE("IstioRuleMatches: fields within a source are ANDed", "[istio]") {
  IstioSource s{{"cluster.local/ns/prod/sa/admin", "cluster.local/ns/test/sa/dev"},
                {"prod", "test"}};
  IstioRule rule = Rule({s});
  auto req = [](const Caller& c) { return Http(c, "foo", {}, "GET", "/"); };
  CHECK(IstioRuleMatches(rule, req(Sa("prod", "admin")), false));
  CHECK(IstioRuleMatches(rule, req(Sa("test", "dev")), false));
  // Principal right, namespace wrong (a forged pairing), and the other way.
  MeshRequest mismatched = req(Sa("prod", "admin"));
  mismatched.source_ns = "staging";
  CHECK_FALSE(IstioRuleMatches(rule, mismatched, false));
  CHECK_FALSE(IstioRuleMatches(rule, req(Sa("prod", "viewer")), false));
  CHECK_FALSE(IstioRuleMatches(rule, req(kPlaintext), false));
  CHECK_FALSE(IstioRuleMatches(rule, req(kPlaintext), true));
}

// "Authorization Policy", Rule: "A match occurs when at least one source,
// one operation and all conditions matches the request": sources in `from`
// are ORed.
TEST_CASE("IstioRuleMatches: sources in from are ORed", "[istio]") {
  IstioRule rule = Rule({Principals({"cluster.local/ns/default/sa/sleep"}), Namespaces({"test"})});
  auto req = [](const Caller& c) { return Http(c, "foo", {}, "GET", "/"); };
  CHECK(IstioRuleMatches(rule, req(Sa("default", "sleep")), false));
  CHECK(IstioRuleMatches(rule, req(Sa("test", "a")), false));
  CHECK_FALSE(IstioRuleMatches(rule, req(Sa("default", "a")), false));
  CHECK_FALSE(IstioRuleMatches(rule, req(kPlaintext), false));
  // An empty rule matches everything, plaintext and TCP included.
  CHECK(IstioRuleMatches(EmptyRule(), req(kPlaintext), false));
  CHECK(IstioRuleMatches(EmptyRule(), Tcp(kPlaintext, "foo", {}, 1), false));
}

// "Authorization Policy", Operation: fields are ANDed; the docs' example
// hosts *.example.com, methods GET or HEAD, notPaths /admin*.
TEST_CASE("IstioRuleMatches: the Operation example with hosts, methods and notPaths", "[istio]") {
  IstioOperation op;
  op.hosts = {"*.example.com"};
  op.methods = {"GET", "HEAD"};
  op.not_paths = {"/admin*"};
  IstioRule rule = Rule({}, op);
  auto req = [](const std::string& host, const std::string& method, const std::string& path) {
    return WithHost(Http(kPlaintext, "foo", {}, method, path), host);
  };
  CHECK(IstioRuleMatches(rule, req("www.example.com", "GET", "/index.html"), false));
  CHECK(IstioRuleMatches(rule, req("api.eng.example.com", "HEAD", "/"), false));
  CHECK_FALSE(IstioRuleMatches(rule, req("www.example.com", "GET", "/admin"), false));
  CHECK_FALSE(IstioRuleMatches(rule, req("www.example.com", "GET", "/admin/users"), false));
  CHECK_FALSE(IstioRuleMatches(rule, req("www.example.com", "POST", "/index.html"), false));
  CHECK_FALSE(IstioRuleMatches(rule, req("example.com", "GET", "/"), false));
  CHECK_FALSE(IstioRuleMatches(rule, req("www.example.org", "GET", "/"), false));
  CHECK_FALSE(IstioRuleMatches(rule, req("", "GET", "/"), false));
}

// "Authorization Policy", Operation: the not* lists are negative matches;
// a field left out matches anything.
TEST_CASE("IstioRuleMatches: notMethods, notHosts, notPorts and notPaths", "[istio]") {
  auto req = [](const std::string& method, const std::string& path, uint32_t port,
                const std::string& host) {
    return WithHost(Http(kPlaintext, "foo", {}, method, path, port), host);
  };
  IstioOperation not_methods;
  not_methods.not_methods = {"DELETE", "PATCH"};
  CHECK(IstioRuleMatches(Rule({}, not_methods), req("GET", "/", 80, "a"), false));
  CHECK_FALSE(IstioRuleMatches(Rule({}, not_methods), req("DELETE", "/", 80, "a"), false));

  IstioOperation not_hosts;
  not_hosts.not_hosts = {"admin.example.com"};
  CHECK(IstioRuleMatches(Rule({}, not_hosts), req("GET", "/", 80, "shop.example.com"), false));
  CHECK_FALSE(
      IstioRuleMatches(Rule({}, not_hosts), req("GET", "/", 80, "admin.example.com"), false));

  IstioOperation not_ports;
  not_ports.not_ports = {"8080"};
  CHECK(IstioRuleMatches(Rule({}, not_ports), req("GET", "/", 9090, "a"), false));
  CHECK_FALSE(IstioRuleMatches(Rule({}, not_ports), req("GET", "/", 8080, "a"), false));
  CHECK(IstioRuleMatches(Rule({}, not_ports), Tcp(kPlaintext, "foo", {}, 9090), false));
  CHECK_FALSE(IstioRuleMatches(Rule({}, not_ports), Tcp(kPlaintext, "foo", {}, 8080), false));

  // A positive and a negative list on the same field.
  IstioOperation api;
  api.paths = {"/api/*"};
  api.not_paths = {"/api/internal/*"};
  CHECK(IstioRuleMatches(Rule({}, api), req("GET", "/api/orders", 80, "a"), false));
  CHECK_FALSE(IstioRuleMatches(Rule({}, api), req("GET", "/api/internal/x", 80, "a"), false));
  CHECK_FALSE(IstioRuleMatches(Rule({}, api), req("GET", "/web", 80, "a"), false));
}

// "Authorization Policy", Operation ports: "A list of ports as specified in
// the connection", written as strings; ports support exact match only
// ("Security", Value matching).
TEST_CASE("IstioRuleMatches: ports are strings matched exactly", "[istio]") {
  IstioOperation op;
  op.ports = {"8080"};
  IstioRule rule = Rule({}, op);
  CHECK(IstioRuleMatches(rule, Http(kPlaintext, "foo", {}, "GET", "/", 8080), false));
  CHECK_FALSE(IstioRuleMatches(rule, Http(kPlaintext, "foo", {}, "GET", "/", 80), false));
  CHECK_FALSE(IstioRuleMatches(rule, Http(kPlaintext, "foo", {}, "GET", "/", 18080), false));
  CHECK_FALSE(IstioRuleMatches(rule, Http(kPlaintext, "foo", {}, "GET", "/", 808), false));
  MeshRequest no_port = Http(kPlaintext, "foo", {}, "GET", "/");
  no_port.port.reset();
  CHECK_FALSE(IstioRuleMatches(rule, no_port, false));
}

// "Authorization Policy", Rule and Condition: every condition must hold, and
// the values of one condition are alternatives. The conditions are the
// Conditions page's request.headers and destination.port.
TEST_CASE("IstioRuleMatches: when-conditions are ANDed, their values ORed", "[istio]") {
  IstioRule rule = Rule({}, std::nullopt,
                        {When("request.headers[x-tenant]", {"acme", "globex"}),
                         When("destination.port", {"80", "443"})});
  auto req = [](const std::string& tenant, uint32_t port) {
    MeshRequest r = Http(Sa("shop", "storefront"), "shop", {}, "GET", "/", port);
    if (!tenant.empty()) r.headers["x-tenant"] = tenant;
    return r;
  };
  CHECK(IstioRuleMatches(rule, req("acme", 80), false));
  CHECK(IstioRuleMatches(rule, req("globex", 443), false));
  CHECK_FALSE(IstioRuleMatches(rule, req("initech", 80), false));
  CHECK_FALSE(IstioRuleMatches(rule, req("acme", 8080), false));
  CHECK_FALSE(IstioRuleMatches(rule, req("", 80), false));

  // Header names are case-insensitive: the key may be written in any case,
  // the request carries lower-case names.
  IstioRule upper = Rule({}, std::nullopt, {When("request.headers[X-Tenant]", {"acme"})});
  CHECK(IstioRuleMatches(upper, req("acme", 80), false));
}

// "Authorization Policy", Condition: notValues is a negative match, and may
// sit next to values. source.namespace and source.principal come from mTLS
// ("Authorization Policy Conditions").
TEST_CASE("IstioRuleMatches: notValues and identity conditions", "[istio]") {
  IstioRule not_prod = Rule({}, std::nullopt, {When("source.namespace", {}, {"shop-prod"})});
  CHECK(IstioRuleMatches(not_prod, Http(Sa("shop-staging", "a"), "shop", {}, "GET", "/"), false));
  CHECK_FALSE(
      IstioRuleMatches(not_prod, Http(Sa("shop-prod", "a"), "shop", {}, "GET", "/"), false));
  // A plaintext caller has no namespace, which is not shop-prod.
  CHECK(IstioRuleMatches(not_prod, Http(kPlaintext, "shop", {}, "GET", "/"), false));

  IstioRule both =
      Rule({}, std::nullopt, {When("request.headers[x-env]", {"dev", "test"}, {"test"})});
  CHECK(IstioRuleMatches(both, WithHeader(Http(kPlaintext, "shop", {}, "GET", "/"), "x-env", "dev"),
                         false));
  CHECK_FALSE(IstioRuleMatches(
      both, WithHeader(Http(kPlaintext, "shop", {}, "GET", "/"), "x-env", "test"), false));

  IstioRule principal = Rule(
      {}, std::nullopt, {When("source.principal", {"cluster.local/ns/default/sa/productpage"})});
  CHECK(IstioRuleMatches(principal, Http(Sa("default", "productpage"), "shop", {}, "GET", "/"),
                         false));
  CHECK(IstioRuleMatches(principal, Tcp(Sa("default", "productpage"), "shop", {}, 9000), false));
  CHECK_FALSE(
      IstioRuleMatches(principal, Http(Sa("default", "reviews"), "shop", {}, "GET", "/"), false));
  CHECK_FALSE(IstioRuleMatches(principal, Http(kPlaintext, "shop", {}, "GET", "/"), false));

  IstioRule from_default = Rule({}, std::nullopt, {When("source.namespace", {"default"})});
  CHECK(IstioRuleMatches(from_default, Tcp(Sa("default", "x"), "shop", {}, 9000), false));
  CHECK_FALSE(IstioRuleMatches(from_default, Tcp(kPlaintext, "shop", {}, 9000), false));
}

// "TCP Traffic" and the reference's note on DENY: on TCP traffic, HTTP-only
// fields (methods, paths, hosts, request.* conditions) make an ALLOW rule
// never match and are dropped from a DENY rule; ports still apply.
TEST_CASE("IstioRuleMatches: HTTP-only fields on TCP traffic", "[istio]") {
  IstioOperation op;
  op.methods = {"GET"};
  op.ports = {"9000"};
  IstioRule rule = Rule({}, op);
  CHECK_FALSE(IstioRuleMatches(rule, Tcp(kPlaintext, "foo", {}, 9000), false));
  CHECK(IstioRuleMatches(rule, Tcp(kPlaintext, "foo", {}, 9000), true));
  CHECK_FALSE(IstioRuleMatches(rule, Tcp(kPlaintext, "foo", {}, 9001), true));

  // Each other HTTP-only field on its own behaves the same.
  std::vector<IstioOperation> http_only(5);
  http_only[0].paths = {"/x"};
  http_only[1].hosts = {"a.example.com"};
  http_only[2].not_methods = {"GET"};
  http_only[3].not_paths = {"/x"};
  http_only[4].not_hosts = {"a.example.com"};
  for (size_t i = 0; i < http_only.size(); ++i) {
    INFO("operation " << i);
    CHECK_FALSE(IstioRuleMatches(Rule({}, http_only[i]), Tcp(kPlaintext, "foo", {}, 9000), false));
    CHECK(IstioRuleMatches(Rule({}, http_only[i]), Tcp(kPlaintext, "foo", {}, 9000), true));
  }

  // request.* conditions likewise; TCP-capable conditions still apply.
  IstioRule header = Rule({}, std::nullopt, {When("request.headers[x-token]", {"admin"})});
  CHECK_FALSE(IstioRuleMatches(header, Tcp(kPlaintext, "foo", {}, 9000), false));
  CHECK(IstioRuleMatches(header, Tcp(kPlaintext, "foo", {}, 9000), true));
  IstioRule header_and_port =
      Rule({}, std::nullopt,
           {When("request.headers[x-token]", {"admin"}), When("destination.port", {"9000"})});
  CHECK(IstioRuleMatches(header_and_port, Tcp(kPlaintext, "foo", {}, 9000), true));
  CHECK_FALSE(IstioRuleMatches(header_and_port, Tcp(kPlaintext, "foo", {}, 9001), true));

  // Sources still apply on TCP, for ALLOW and DENY alike.
  IstioRule sleep_only = Rule({Principals({"cluster.local/ns/foo/sa/sleep"})}, op);
  CHECK(IstioRuleMatches(sleep_only, Tcp(Sa("foo", "sleep"), "foo", {}, 9000), true));
  CHECK_FALSE(IstioRuleMatches(sleep_only, Tcp(Sa("foo", "other"), "foo", {}, 9000), true));
}

// "Authorization Policy", Rule: "Any string field in the rule supports
// Exact, Prefix, Suffix and Presence match", with the docs' own examples,
// plus the "Security" page's test.abc.* and *.abc.com.
TEST_CASE("IstioStringMatch: exact, prefix, suffix and presence", "[istio]") {
  CHECK(IstioStringMatch("abc", "abc"));
  CHECK_FALSE(IstioStringMatch("abc", "abcd"));
  CHECK_FALSE(IstioStringMatch("abc", "xabc"));
  CHECK_FALSE(IstioStringMatch("abc", "ABC"));

  CHECK(IstioStringMatch("abc*", "abc"));
  CHECK(IstioStringMatch("abc*", "abcd"));
  CHECK_FALSE(IstioStringMatch("abc*", "xabc"));
  CHECK_FALSE(IstioStringMatch("abc*", "ab"));

  CHECK(IstioStringMatch("*abc", "abc"));
  CHECK(IstioStringMatch("*abc", "xabc"));
  CHECK_FALSE(IstioStringMatch("*abc", "abcd"));
  CHECK_FALSE(IstioStringMatch("*abc", "bc"));

  CHECK(IstioStringMatch("*", "anything"));
  CHECK(IstioStringMatch("*", "*"));
  CHECK_FALSE(IstioStringMatch("*", ""));

  CHECK(IstioStringMatch("test.abc.*", "test.abc.com"));
  CHECK(IstioStringMatch("test.abc.*", "test.abc.com.cn"));
  CHECK(IstioStringMatch("test.abc.*", "test.abc.org"));
  CHECK_FALSE(IstioStringMatch("test.abc.*", "test.abd.com"));
  CHECK(IstioStringMatch("*.abc.com", "eng.abc.com"));
  CHECK(IstioStringMatch("*.abc.com", "test.eng.abc.com"));
  CHECK_FALSE(IstioStringMatch("*.abc.com", "abc.com"));

  CHECK(IstioStringMatch("cluster.local/ns/default/sa/*", "cluster.local/ns/default/sa/sleep"));
  CHECK_FALSE(IstioStringMatch("cluster.local/ns/default/sa/*", "cluster.local/ns/prod/sa/sleep"));
  CHECK(IstioStringMatch("", ""));
  CHECK_FALSE(IstioStringMatch("", "x"));
}

// --- Where the evaluator disagrees with the docs --------------------------------

// "Authorization Policy", Operation.hosts: "A list of hosts as specified in
// the HTTP request. The match is case-insensitive." (notHosts likewise.)
TEST_CASE("Operation hosts match case-insensitively", "[istio][discrepancy]") {
  IstioOperation op;
  op.hosts = {"shop.example.com"};
  IstioOperation not_op;
  not_op.not_hosts = {"*.internal.example.com"};
  MeshRequest r = WithHost(Http(kPlaintext, "foo", {}, "GET", "/"), "Shop.Example.COM");
  MeshRequest internal =
      WithHost(Http(kPlaintext, "foo", {}, "GET", "/"), "DB.Internal.Example.com");
  INFO(
      "DISCREPANCY: Istio's reference says the hosts/notHosts match is case-insensitive, but "
      "IstioRuleMatches compares the Host with IstioStringMatch, which is case-sensitive.");
  CHECK(IstioRuleMatches(Rule({}, op), r, false));
  CHECK_FALSE(IstioRuleMatches(Rule({}, not_op), internal, false));
}

// "Authorization Policy Conditions": request.headers[User-Agent] with
// values ["Mozilla/*"], request.auth.claims[iss] with ["*@foo.com"]; and the
// reference's "Any string field in the rule supports Exact, Prefix, Suffix and
// Presence match" (the "Security" page lists only `key`, ipBlocks and ports
// as exact-only).
TEST_CASE("Condition values support prefix, suffix and presence matches", "[istio][discrepancy]") {
  MeshRequest firefox =
      WithHeader(Http(kPlaintext, "foo", {}, "GET", "/"), "user-agent", "Mozilla/5.0 (X11)");
  INFO(
      "DISCREPANCY: Istio condition values use the same Exact/Prefix/Suffix/Presence match as "
      "other "
      "string fields (the Conditions page's own example is values: [\"Mozilla/*\"]), but "
      "IstioRuleMatches "
      "compares `values` and `notValues` exactly.");
  CHECK(
      IstioRuleMatches(Rule({}, std::nullopt, {When("request.headers[User-Agent]", {"Mozilla/*"})}),
                       firefox, false));
  CHECK(IstioRuleMatches(Rule({}, std::nullopt, {When("request.headers[user-agent]", {"*"})}),
                         firefox, false));
  CHECK_FALSE(IstioRuleMatches(
      Rule({}, std::nullopt, {When("request.headers[user-agent]", {}, {"Mozilla/*"})}), firefox,
      false));
  CHECK(IstioRuleMatches(
      Rule({}, std::nullopt, {When("source.principal", {"cluster.local/ns/default/*"})}),
      Http(Sa("default", "sleep"), "foo", {}, "GET", "/"), false));
}

// "Authorization Policy" (reference): the AUDIT action. AUDIT policies do
// not affect whether requests are allowed or denied; a request is marked
// for audit when an AUDIT policy on the workload matches it (the page's
// example audits GET /user/profile/* on httpbin).
TEST_CASE("Reference: AUDIT marks requests and never decides", "[istio][audit]") {
  IstioOperation profile;
  profile.methods = {"GET"};
  profile.paths = {"/user/profile/*"};
  Output out;
  out.objects.push_back(Policy("foo", "httpbin-audit", "AUDIT", kHttpbin, {Rule({}, profile)}));
  MeshAuthorizer mesh(out);
  MeshRequest get = Http(Sa("default", "sleep"), "foo", kHttpbin, "GET", "/user/profile/1");
  MeshDecision audit = mesh.Audit(get);
  CHECK(audit.allowed);
  CHECK(Decider(audit) == "httpbin-audit");
  REQUIRE(audit.rule_index);
  CHECK(*audit.rule_index == 0);
  CHECK(!mesh.Audit(Http(Sa("default", "sleep"), "foo", kHttpbin, "POST", "/user/profile/1")).allowed);
  CHECK(!mesh.Audit(Http(Sa("default", "sleep"), "foo", {{"app", "other"}}, "GET", "/user/profile/1")).allowed);
  // Not an ALLOW policy: the workload has none, so everything is admitted.
  MeshDecision d = mesh.Authorize(Http(Sa("default", "sleep"), "foo", kHttpbin, "POST", "/x"));
  CHECK(d.allowed);
  CHECK(d.object == nullptr);
}

TEST_CASE("AUDIT: denied requests are still audited; STRICT plaintext is not", "[istio][audit]") {
  Output out;
  out.objects.push_back(Policy("foo", "deny-all", "DENY", kHttpbin, {EmptyRule()}));
  out.objects.push_back(Policy("foo", "audit-all", "AUDIT", kHttpbin, {EmptyRule()}));
  MeshAuthorizer mesh(out);
  MeshRequest r = Http(Sa("default", "sleep"), "foo", kHttpbin, "GET", "/");
  CHECK(!mesh.Authorize(r).allowed);
  CHECK(mesh.Audit(r).allowed);
  out.objects.push_back(PeerAuth("foo", "strict", "STRICT"));
  MeshAuthorizer strict(out);
  CHECK(!strict.Audit(Http(kPlaintext, "foo", kHttpbin, "GET", "/")).allowed);
  CHECK(strict.Audit(r).allowed);
}

TEST_CASE("AUDIT: HTTP-only fields never match TCP traffic, as in ALLOW", "[istio][audit]") {
  IstioOperation post;
  post.methods = {"POST"};
  Output out;
  out.objects.push_back(Policy("foo", "audit-posts", "AUDIT", kHttpbin, {Rule({}, post)}));
  MeshAuthorizer mesh(out);
  CHECK(!mesh.Audit(Tcp(Sa("default", "sleep"), "foo", kHttpbin, 5432)).allowed);
  CHECK(mesh.Audit(Http(Sa("default", "sleep"), "foo", kHttpbin, "POST", "/")).allowed);
}

}  // namespace
}  // namespace stave::eval
