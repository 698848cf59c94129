// Unit tests for the request-identity half of eval/istio_eval (spec §12):
// RequestAuthentication and requestPrincipals. The objects are Istio's own
// examples, read from ../shared/corpus/istio-security-tasks (authn-jwt:
// "End-user authentication"; authz-jwt: "Authorization with JWT"), and the
// expected answers are the ones those task pages print (200, 401, 403).
#include <catch2/catch.hpp>

#include <yaml-cpp/yaml.h>

#include <string>
#include <vector>

#include "compiler/eval/istio_eval.h"

namespace stave::eval {
namespace {

using lower::Kind;
using lower::Object;
using Strings = std::vector<std::string>;

std::string Corpus(const std::string& file) {
  return std::string(STAVE_SOURCE_ROOT) + "/../shared/corpus/istio-security-tasks/" + file;
}

Strings List(const YAML::Node& n) {
  Strings out;
  if (!n) return out;
  for (const auto& v : n) out.push_back(v.as<std::string>());
  return out;
}

std::map<std::string, std::string> Labels(const YAML::Node& n) {
  std::map<std::string, std::string> out;
  if (!n) return out;
  for (const auto& kv : n) out[kv.first.as<std::string>()] = kv.second.as<std::string>();
  return out;
}

// The fields of the corpus objects that the evaluator models; a field it
// does not model makes the test fail rather than be ignored.
Object Read(const std::string& file) {
  YAML::Node doc = YAML::LoadFile(Corpus(file));
  Object o;
  o.meta.name = doc["metadata"]["name"].as<std::string>();
  o.meta.ns = doc["metadata"]["namespace"].as<std::string>();
  const YAML::Node spec = doc["spec"];
  std::string kind = doc["kind"].as<std::string>();
  if (kind == "RequestAuthentication") {
    o.kind = Kind::RequestAuthentication;
    lower::RequestAuthentication ra;
    ra.selector = Labels(spec["selector"]["matchLabels"]);
    for (const auto& r : spec["jwtRules"]) {
      lower::JwtRule rule;
      rule.issuer = r["issuer"].as<std::string>();
      if (r["jwksUri"]) rule.jwks_uri = r["jwksUri"].as<std::string>();
      rule.audiences = List(r["audiences"]);
      ra.rules.emplace(rule.issuer, rule);
    }
    o.spec = ra;
    return o;
  }
  REQUIRE(kind == "AuthorizationPolicy");
  o.kind = Kind::AuthorizationPolicy;
  lower::AuthorizationPolicy ap;
  ap.selector = Labels(spec["selector"]["matchLabels"]);
  ap.action = spec["action"] ? spec["action"].as<std::string>() : "ALLOW";
  for (const auto& r : spec["rules"]) {
    lower::IstioRule rule;
    for (const auto& from : r["from"]) {
      const YAML::Node src = from["source"];
      for (const auto& field : src) {
        std::string key = field.first.as<std::string>();
        REQUIRE((key == "requestPrincipals" || key == "principals" || key == "namespaces"));
      }
      rule.from.push_back({List(src["principals"]), List(src["namespaces"]),
                           List(src["requestPrincipals"])});
    }
    for (const auto& to : r["to"]) {
      lower::IstioOperation op;
      op.paths = List(to["operation"]["paths"]);
      rule.to = op;
    }
    for (const auto& w : r["when"]) {
      rule.when.push_back({w["key"].as<std::string>(), List(w["values"]), List(w["notValues"])});
    }
    ap.rules.push_back(rule);
  }
  ap.rule_origins.resize(ap.rules.size());
  o.spec = ap;
  return o;
}

// A request to httpbin in foo from the sleep pod (an mTLS peer, as in the
// tasks), optionally with a token.
MeshRequest ToHttpbin(std::optional<Token> token, const std::string& path = "/headers") {
  MeshRequest r;
  r.ns = "foo";
  r.labels = {{"app", "httpbin"}};
  r.principal = "cluster.local/ns/foo/sa/sleep";
  r.source_ns = "foo";
  r.port = 8000;
  r.method = "GET";
  r.path = path;
  r.token = std::move(token);
  return r;
}

// demo.jwt of the tasks: iss and sub are both `testing@secure.istio.io`.
Token Demo() {
  Token t;
  t.issuer = "testing@secure.istio.io";
  t.subject = "testing@secure.istio.io";
  return t;
}

// groups-scope.jwt: the same, with `groups: [group1, group2]`.
Token GroupsScope() {
  Token t = Demo();
  t.claims["groups"] = {"group1", "group2"};
  t.claims["scope"] = {"scope1", "scope2"};
  return t;
}

// A token the RequestAuthentication does not accept (the tasks' "invalid
// token": here, of another issuer).
Token Other() {
  Token t;
  t.issuer = "https://attacker.example.com";
  t.subject = "testing@secure.istio.io";
  return t;
}

}  // namespace

// authz-jwt, "Allow requests with valid JWT and list-typed claims": only the
// RequestAuthentication at first.
TEST_CASE("Authorization with JWT: RequestAuthentication alone", "[istio][jwt]") {
  lower::Output out;
  out.objects.push_back(Read("authz-jwt/01-allow-requests-with-valid-jwt-and-listtyped-claims-1.yaml"));
  MeshAuthorizer authz(out);
  // "a request with an invalid JWT is denied (401)".
  MeshDecision bad = authz.Authorize(ToHttpbin(Other()));
  CHECK_FALSE(bad.allowed);
  REQUIRE(bad.object != nullptr);
  CHECK(bad.object->kind == Kind::RequestAuthentication);
  CHECK(bad.reason.find("401") != std::string::npos);
  // "a request without a JWT is allowed because there is no authorization
  // policy", and so is one with a valid token.
  CHECK(authz.Authorize(ToHttpbin(std::nullopt)).allowed);
  CHECK(authz.Authorize(ToHttpbin(Demo())).allowed);
  // Another workload is not selected: its tokens are not looked at.
  MeshRequest other = ToHttpbin(Other());
  other.labels = {{"app", "productpage"}};
  CHECK(authz.Authorize(other).allowed);
}

TEST_CASE("Authorization with JWT: require-jwt by requestPrincipals", "[istio][jwt]") {
  lower::Output out;
  out.objects.push_back(Read("authz-jwt/01-allow-requests-with-valid-jwt-and-listtyped-claims-1.yaml"));
  Object policy = Read("authz-jwt/02-allow-requests-with-valid-jwt-and-listtyped-claims-8.yaml");
  auto& ap = std::get<lower::AuthorizationPolicy>(policy.spec);
  REQUIRE(ap.rules.size() == 1);
  REQUIRE(ap.rules[0].from.size() == 1);
  CHECK(ap.rules[0].from[0].request_principals ==
        Strings{"testing@secure.istio.io/testing@secure.istio.io"});

  SECTION("without the groups condition (step 4 of the task)") {
    ap.rules[0].when.clear();
    out.objects.push_back(policy);
    MeshAuthorizer authz(out);
    // "a request with a valid JWT is allowed (200)".
    MeshDecision ok = authz.Authorize(ToHttpbin(Demo()));
    CHECK(ok.allowed);
    CHECK(ok.rule_index == std::optional<size_t>(0));
    // "a request without a JWT is denied (403)": no ALLOW rule matches.
    MeshDecision none = authz.Authorize(ToHttpbin(std::nullopt));
    CHECK_FALSE(none.allowed);
    CHECK(none.object->kind == Kind::AuthorizationPolicy);
    CHECK(none.reason == "no ALLOW rule matches");
    // A token of the issuer with another subject is not the principal.
    Token alice = Demo();
    alice.subject = "alice";
    CHECK_FALSE(authz.Authorize(ToHttpbin(alice)).allowed);
    // A token that authentication refuses is 401 before authorization.
    MeshDecision bad = authz.Authorize(ToHttpbin(Other()));
    CHECK_FALSE(bad.allowed);
    CHECK(bad.object->kind == Kind::RequestAuthentication);
  }

  SECTION("with `request.auth.claims[groups] == group1` (step 8)") {
    out.objects.push_back(policy);
    MeshAuthorizer authz(out);
    // "a request with the JWT that includes group1 in the groups claim is
    // allowed"; the demo token has no groups claim: 403.
    CHECK(authz.Authorize(ToHttpbin(GroupsScope())).allowed);
    MeshDecision demo = authz.Authorize(ToHttpbin(Demo()));
    CHECK_FALSE(demo.allowed);
    CHECK(demo.object->kind == Kind::AuthorizationPolicy);
    Token group2 = Demo();
    group2.claims["groups"] = {"group2"};
    CHECK_FALSE(authz.Authorize(ToHttpbin(group2)).allowed);
  }
}

// authn-jwt, "End-user authentication": a RequestAuthentication on the
// ingress gateway with no policy; tokens are checked, no token is fine.
TEST_CASE("End-user authentication: the gateway's RequestAuthentication", "[istio][jwt]") {
  lower::Output out;
  out.objects.push_back(Read("authn-jwt/01-enduser-authentication-4.yaml"));
  MeshAuthorizer authz(out);
  MeshRequest r = ToHttpbin(Demo());
  r.ns = "istio-system";
  r.labels = {{"istio", "ingressgateway"}};
  CHECK(authz.Authorize(r).allowed);
  r.token = std::nullopt;
  CHECK(authz.Authorize(r).allowed);
  r.token = Other();
  MeshDecision bad = authz.Authorize(r);
  CHECK_FALSE(bad.allowed);
  CHECK(bad.object->meta.name == "jwt-example");
}

TEST_CASE("Audiences: a jwtRule with audiences wants one of them in `aud`", "[istio][jwt]") {
  lower::RequestAuthentication ra;
  ra.selector = {{"app", "httpbin"}};
  lower::JwtRule rule;
  rule.issuer = "https://issuer.example.com";
  rule.audiences = {"payments", "billing"};
  ra.rules.emplace(rule.issuer, rule);
  lower::Output out;
  out.objects.push_back(Object{Kind::RequestAuthentication, {"ra", "foo", {}}, ra, {}});
  MeshAuthorizer authz(out);
  Token t;
  t.issuer = "https://issuer.example.com";
  t.subject = "svc";
  CHECK_FALSE(authz.Authorize(ToHttpbin(t)).allowed);  // no aud
  t.audiences = {"billing"};
  CHECK(authz.Authorize(ToHttpbin(t)).allowed);
  t.audiences = {"other"};
  CHECK_FALSE(authz.Authorize(ToHttpbin(t)).allowed);
}

TEST_CASE("requestPrincipals `ISS/*`, request.auth.* conditions, and TCP", "[istio][jwt]") {
  lower::RequestAuthentication ra;
  ra.selector = {{"app", "httpbin"}};
  lower::JwtRule rule;
  rule.issuer = "https://issuer.example.com";
  rule.audiences = {"payments"};
  ra.rules.emplace(rule.issuer, rule);
  lower::IstioRule by_issuer;
  by_issuer.from.push_back({{}, {}, {"https://issuer.example.com/*"}});
  by_issuer.when.push_back({"request.auth.audiences", {"payments"}, {}});
  by_issuer.when.push_back({"request.auth.principal", {"https://issuer.example.com/*"}, {}});
  lower::AuthorizationPolicy ap;
  ap.selector = {{"app", "httpbin"}};
  ap.action = "ALLOW";
  ap.rules = {by_issuer};
  ap.rule_origins.resize(1);
  lower::Output out;
  out.objects.push_back(Object{Kind::RequestAuthentication, {"ra", "foo", {}}, ra, {}});
  out.objects.push_back(Object{Kind::AuthorizationPolicy, {"ap", "foo", {}}, ap, {}});
  MeshAuthorizer authz(out);
  Token t;
  t.issuer = "https://issuer.example.com";
  t.subject = "anyone";
  t.audiences = {"payments"};
  CHECK(authz.Authorize(ToHttpbin(t)).allowed);
  // A request principal exists only for a validated token.
  CHECK_FALSE(RequestPrincipal(ToHttpbin(t)).has_value());
  // On TCP a rule with requestPrincipals never matches in ALLOW, and the
  // field is dropped in DENY.
  MeshRequest tcp = ToHttpbin(t);
  tcp.http = false;
  CHECK_FALSE(IstioRuleMatches(by_issuer, tcp, false));
  lower::IstioRule deny_tokens;
  deny_tokens.from.push_back({{}, {}, {"https://issuer.example.com/*"}});
  CHECK(IstioRuleMatches(deny_tokens, tcp, true));
  MeshRequest plain_tcp = tcp;
  plain_tcp.token = std::nullopt;
  CHECK(IstioRuleMatches(deny_tokens, plain_tcp, true));
  // Over HTTP, a DENY on tokens does not match a request without one.
  CHECK_FALSE(IstioRuleMatches(deny_tokens, ToHttpbin(std::nullopt), true));
}

}  // namespace stave::eval
