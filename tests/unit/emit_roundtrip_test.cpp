// Every file `build -o` writes, read back with yaml-cpp's parser: each
// document must hold exactly the strings of the object it came from. The
// emitter decides itself which strings may be plain (bypassing yaml-cpp's
// own check, for speed), so a wrong decision would show here as a string
// read back as something else.
#include <catch2/catch.hpp>

#include <yaml-cpp/yaml.h>

#include <filesystem>
#include <map>
#include <optional>

#include "compiler/emit/yaml.h"
#include "compiler/kube/objects.h"
#include "compiler/pipeline/compilation.h"
#include "compiler/pipeline/load.h"
#include "test_util.h"

using namespace stave;
namespace fs = std::filesystem;

namespace {

// An absent key reads as an invalid node, whose size() throws.
size_t Size(const YAML::Node& n) { return n ? n.size() : 0; }

size_t audit_policies = 0;  // audit-policy.yaml files read back

std::vector<std::string> Strings(const YAML::Node& n) {
  std::vector<std::string> out;
  if (!n) return out;
  for (const auto& v : n) out.push_back(v.as<std::string>());
  return out;
}

std::map<std::string, std::string> StringMap(const YAML::Node& n) {
  std::map<std::string, std::string> out;
  if (!n) return out;
  for (const auto& kv : n) out[kv.first.as<std::string>()] = kv.second.as<std::string>();
  return out;
}

void CheckOperation(const YAML::Node& op, const lower::IstioOperation& want) {
  CHECK(Strings(op["hosts"]) == want.hosts);
  CHECK(Strings(op["notHosts"]) == want.not_hosts);
  CHECK(Strings(op["ports"]) == want.ports);
  CHECK(Strings(op["notPorts"]) == want.not_ports);
  CHECK(Strings(op["methods"]) == want.methods);
  CHECK(Strings(op["notMethods"]) == want.not_methods);
  CHECK(Strings(op["paths"]) == want.paths);
  CHECK(Strings(op["notPaths"]) == want.not_paths);
}

// One parsed document against the object it was emitted from.
void CheckDocument(const YAML::Node& doc, const lower::Object& o) {
  INFO(lower::KindName(o.kind) << " " << o.meta.ns << "/" << o.meta.name);
  CHECK(doc["apiVersion"].as<std::string>() == lower::ApiVersion(o.kind));
  CHECK(doc["kind"].as<std::string>() == lower::KindName(o.kind));
  const YAML::Node meta = doc["metadata"];
  CHECK(meta["name"].as<std::string>() == o.meta.name);
  if (o.meta.ns.empty()) CHECK_FALSE(meta["namespace"]);
  else CHECK(meta["namespace"].as<std::string>() == o.meta.ns);
  // Every object's one label (lower/objects.h).
  CHECK(StringMap(meta["labels"]) ==
        std::map<std::string, std::string>{{lower::kManagedByLabel, "stave"}});
  CHECK(StringMap(meta["annotations"]) == o.meta.annotations);
  if (const auto* role = std::get_if<lower::Role>(&o.spec)) {
    const YAML::Node rules = doc["rules"];
    REQUIRE(Size(rules) == role->rules().size());
    for (size_t i = 0; i < role->rules().size(); ++i) {
      CHECK(Strings(rules[i]["apiGroups"]) == role->rules()[i].api_groups);
      CHECK(Strings(rules[i]["resources"]) == role->rules()[i].resources);
      CHECK(Strings(rules[i]["resourceNames"]) == role->rules()[i].resource_names);
      CHECK(Strings(rules[i]["verbs"]) == role->rules()[i].verbs);
    }
  } else if (const auto* b = std::get_if<lower::RoleBinding>(&o.spec)) {
    CHECK(doc["roleRef"]["kind"].as<std::string>() == b->role_kind);
    CHECK(doc["roleRef"]["name"].as<std::string>() == b->role_name);
    REQUIRE(Size(doc["subjects"]) == b->subjects.size());
    for (size_t i = 0; i < b->subjects.size(); ++i) {
      const YAML::Node s = doc["subjects"][i];
      CHECK(s["kind"].as<std::string>() == b->subjects[i].kind);
      CHECK(s["name"].as<std::string>() == b->subjects[i].name);
      if (b->subjects[i].kind == "ServiceAccount") {
        CHECK(s["namespace"].as<std::string>() == b->subjects[i].ns);
      }
    }
  } else if (const auto* ap = std::get_if<lower::AuthorizationPolicy>(&o.spec)) {
    const YAML::Node spec = doc["spec"];
    if (ap->allow_nothing) {
      CHECK((spec.IsMap() && spec.size() == 0));
      return;
    }
    CHECK(spec["action"].as<std::string>() == ap->action);
    CHECK(StringMap(spec["selector"]["matchLabels"]) == ap->selector);
    REQUIRE(Size(spec["rules"]) == ap->rules.size());
    for (size_t i = 0; i < ap->rules.size(); ++i) {
      const YAML::Node rule = spec["rules"][i];
      const lower::IstioRule& want = ap->rules[i];
      REQUIRE(Size(rule["from"]) == want.from.size());
      for (size_t j = 0; j < want.from.size(); ++j) {
        CHECK(Strings(rule["from"][j]["source"]["principals"]) == want.from[j].principals);
        CHECK(Strings(rule["from"][j]["source"]["namespaces"]) == want.from[j].namespaces);
        CHECK(Strings(rule["from"][j]["source"]["requestPrincipals"]) ==
              want.from[j].request_principals);
      }
      if (want.to) CheckOperation(rule["to"][0]["operation"], *want.to);
      else CHECK_FALSE(rule["to"]);
      REQUIRE(Size(rule["when"]) == want.when.size());
      for (size_t j = 0; j < want.when.size(); ++j) {
        CHECK(rule["when"][j]["key"].as<std::string>() == want.when[j].key);
        CHECK(Strings(rule["when"][j]["values"]) == want.when[j].values);
        CHECK(Strings(rule["when"][j]["notValues"]) == want.when[j].not_values);
      }
    }
  } else if (const auto* ra = std::get_if<lower::RequestAuthentication>(&o.spec)) {
    const YAML::Node spec = doc["spec"];
    CHECK(StringMap(spec["selector"]["matchLabels"]) == ra->selector);
    REQUIRE(Size(spec["jwtRules"]) == ra->rules.size());
    size_t i = 0;
    for (const auto& [issuer, want] : ra->rules) {
      const YAML::Node r = spec["jwtRules"][i++];
      CHECK(r["issuer"].as<std::string>() == want.issuer);
      if (want.jwks_uri.empty()) CHECK_FALSE(r["jwksUri"]);
      else CHECK(r["jwksUri"].as<std::string>() == want.jwks_uri);
      CHECK(Strings(r["audiences"]) == want.audiences);
      REQUIRE(Size(r["fromHeaders"]) == want.from_headers.size());
      for (size_t j = 0; j < want.from_headers.size(); ++j) {
        CHECK(r["fromHeaders"][j]["name"].as<std::string>() == want.from_headers[j].name);
        if (want.from_headers[j].prefix) {
          CHECK(r["fromHeaders"][j]["prefix"].as<std::string>() == *want.from_headers[j].prefix);
        } else {
          CHECK_FALSE(r["fromHeaders"][j]["prefix"]);
        }
      }
    }
  } else if (const auto* sa = std::get_if<lower::ServiceAccount>(&o.spec)) {
    if (sa->automount_off) CHECK(doc["automountServiceAccountToken"].as<bool>() == false);
    else CHECK_FALSE(doc["automountServiceAccountToken"]);
  } else if (const auto* pa = std::get_if<lower::PeerAuthentication>(&o.spec)) {
    CHECK(doc["spec"]["mtls"]["mode"].as<std::string>() == pa->mode);
  } else if (const auto* vap = std::get_if<lower::AdmissionPolicy>(&o.spec)) {
    const YAML::Node spec = doc["spec"];
    CHECK(spec["matchConstraints"]["namespaceSelector"]["matchLabels"]
              ["kubernetes.io/metadata.name"].as<std::string>() == vap->guarded_ns);
    REQUIRE(Size(spec["variables"]) == vap->variables.size());
    for (size_t i = 0; i < vap->variables.size(); ++i) {
      CHECK(spec["variables"][i]["name"].as<std::string>() == vap->variables[i].name);
      CHECK(spec["variables"][i]["expression"].as<std::string>() == vap->variables[i].expression);
    }
    REQUIRE(Size(spec["validations"]) == vap->validations.size());
    for (size_t i = 0; i < vap->validations.size(); ++i) {
      const YAML::Node v = spec["validations"][i];
      CHECK(v["expression"].as<std::string>() == vap->validations[i].expression);
      CHECK(v["message"].as<std::string>() == vap->validations[i].message);
      if (!vap->validations[i].message_expression.empty()) {
        CHECK(v["messageExpression"].as<std::string>() == vap->validations[i].message_expression);
      }
    }
  } else if (const auto* binding = std::get_if<lower::AdmissionBinding>(&o.spec)) {
    CHECK(doc["spec"]["policyName"].as<std::string>() == binding->policy_name);
    CHECK(Strings(doc["spec"]["validationActions"]) == std::vector<std::string>{"Deny", "Audit"});
  } else if (const auto* t = std::get_if<lower::Telemetry>(&o.spec)) {
    CHECK(doc["spec"]["selector"]["matchLabels"].as<std::map<std::string, std::string>>() == t->selector);
    REQUIRE(Size(doc["spec"]["accessLogging"]) == 1);
    const YAML::Node providers = doc["spec"]["accessLogging"][0]["providers"];
    REQUIRE(Size(providers) == t->providers.size());
    for (size_t i = 0; i < t->providers.size(); ++i) {
      CHECK(providers[i]["name"].as<std::string>() == t->providers[i]);
    }
  }
}

// audit-policy.yaml (spec §14): every entry, field by field, in order.
void CheckAuditPolicy(const YAML::Node& doc, const lower::AuditPolicy& policy) {
  CHECK(doc["apiVersion"].as<std::string>() == "audit.k8s.io/v1");
  CHECK(doc["kind"].as<std::string>() == "Policy");
  CHECK(Strings(doc["omitStages"]) == policy.omit_stages);
  REQUIRE(Size(doc["rules"]) == policy.rules.size());
  for (size_t i = 0; i < policy.rules.size(); ++i) {
    const YAML::Node rule = doc["rules"][i];
    const lower::AuditRule& want = policy.rules[i];
    CHECK(rule["level"].as<std::string>() == want.level);
    CHECK(Strings(rule["users"]) == want.users);
    CHECK(Strings(rule["userGroups"]) == want.user_groups);
    CHECK(Strings(rule["verbs"]) == want.verbs);
    CHECK(Strings(rule["namespaces"]) == want.namespaces);
    REQUIRE(Size(rule["resources"]) == want.resources.size());
    for (size_t j = 0; j < want.resources.size(); ++j) {
      CHECK(rule["resources"][j]["group"].as<std::string>() == want.resources[j].group);
      CHECK(Strings(rule["resources"][j]["resources"]) == want.resources[j].resources);
      CHECK(Strings(rule["resources"][j]["resourceNames"]) == want.resources[j].resource_names);
    }
  }
}

// Drift compares a cluster's objects with what the program emits without
// reading the emitted YAML back (kube::ContentOf flattens the structs
// through the emitter's own calls): reading the YAML back must give the
// same content, path for path.
size_t flat_checked = 0;
void CheckFlatContent(const std::string& text, const std::vector<const lower::Object*>& objects) {
  kube::ReadResult read = kube::ReadObjects({{"emitted.yaml", text}}, "");
  REQUIRE(read.errors.empty());
  REQUIRE(read.objects.size() == objects.size());
  for (size_t i = 0; i < objects.size(); ++i) {
    INFO(lower::KindName(objects[i]->kind) << " " << objects[i]->meta.ns << "/" << objects[i]->meta.name);
    CHECK(kube::ContentOf(*objects[i]) == read.objects[i].content);
    ++flat_checked;
  }
}

// Emits `output` as `build -o` would and reads every file back.
void RoundTrip(const lower::Output& output) {
  std::map<std::string, std::vector<const lower::Object*>> by_file;
  for (const lower::Object& o : output.objects) {
    by_file[(o.meta.ns.empty() ? "cluster" : o.meta.ns) + ".yaml"].push_back(&o);
  }
  for (const auto& [name, text] : emit::EmitFiles(output)) {
    INFO(name);
    std::vector<YAML::Node> docs = YAML::LoadAll(text);
    if (name == "kustomization.yaml") {
      REQUIRE(docs.size() == 1);
      CHECK(Size(docs[0]["resources"]) == by_file.size());
      continue;
    }
    if (name == emit::kAuditPolicyFile) {
      REQUIRE(output.audit_policy);
      REQUIRE(docs.size() == 1);
      CheckAuditPolicy(docs[0], *output.audit_policy);
      ++audit_policies;
      continue;
    }
    const auto& objects = by_file.at(name);
    REQUIRE(docs.size() == objects.size());
    for (size_t i = 0; i < docs.size(); ++i) CheckDocument(docs[i], *objects[i]);
    CheckFlatContent(text, objects);
  }
}

}  // namespace

TEST_CASE("every file build writes reads back through yaml-cpp as the objects", "[emit]") {
  size_t emitted = 0;
  testing::ForEachBuildingProgram(
      {"examples", "golden/build", "golden/test"},
      [&](const std::string& dir, const pipeline::Compilation& c) {
        INFO(dir);
        RoundTrip(c.output);
        emitted += c.output.objects.size();
      });
  CHECK(emitted > 100);  // the examples alone lower to more
  CHECK(flat_checked == emitted);
  CHECK(audit_policies >= 3);  // examples/payments and the audit golden cases
}

TEST_CASE("strings YAML could read as something else come back as written", "[emit]") {
  const std::vector<std::string> values = {
      "yes", "No", "on", "OFF", "true", "null", "~", "", " lead", "trail ", "8080", "0x1F",
      "1e3", "-", "- item", "a: b", "a:", "#comment", "a #b", "*", "&anchor", "!tag", "|",
      ">", "{x}", "[x]", "'q'", "\"dq\"", "tab\there", "line\nbreak", "back\\slash", "ü-ñ",
      "stave:view", "app.kubernetes.io/name", "/api/v1/*", "*.example.com", "GET",
      "cluster.local/ns/shop/sa/api", std::string(2000, 'a'), "x" + std::string(1100, 'b')};
  lower::Output out;
  lower::Object role;
  role.kind = lower::Kind::Role;
  role.meta.name = "stave:view";
  role.meta.ns = "shop";
  lower::PolicyRule rule;
  rule.api_groups = {""};
  rule.resources = values;
  rule.verbs = {"get", "*"};
  lower::Role spec;
  spec.set_rules({rule});
  role.spec = spec;
  out.objects.push_back(role);
  lower::Object policy;
  policy.kind = lower::Kind::AuthorizationPolicy;
  policy.meta.name = "api";
  policy.meta.ns = "shop";
  policy.meta.annotations = {{"istio.io/dry-run", "true"}};
  lower::AuthorizationPolicy ap;
  ap.action = "ALLOW";
  ap.selector = {{"app", "yes"}, {"version", "1.0"}};
  lower::IstioRule r;
  r.from = {{{"cluster.local/ns/a/sa/b"}, {}, {}}, {{}, {}, {"testing@secure.istio.io/*", "a: b/yes"}}};
  r.to = lower::IstioOperation{};
  r.to->paths = values;
  r.to->ports = {"8080", "443"};
  r.when = {{"request.headers[x-tenant]", {"a: b", "yes"}, {}}};
  ap.rules = {r};
  policy.spec = ap;
  out.objects.push_back(policy);
  // Spec §12-13: a RequestAuthentication and a ServiceAccount's credentials.
  lower::Object authn;
  authn.kind = lower::Kind::RequestAuthentication;
  authn.meta.name = "stave-shop.api";
  authn.meta.ns = "shop";
  lower::RequestAuthentication ra;
  ra.selector = {{"app", "yes"}};
  for (const std::string& v : {std::string("testing@secure.istio.io"), std::string("a: b"),
                               std::string("https://x")}) {
    lower::JwtRule jwt;
    jwt.issuer = v;
    jwt.jwks_uri = v == "a: b" ? "" : v + "/keys";
    jwt.audiences = {"yes", "8080"};
    jwt.from_headers = {{"x-jwt", v == "https://x" ? std::optional<std::string>("Bearer ") : std::nullopt}};
    ra.rules.emplace(v, jwt);
  }
  authn.spec = ra;
  out.objects.push_back(authn);
  lower::Object sa;
  sa.kind = lower::Kind::ServiceAccount;
  sa.meta.name = "publisher";
  sa.meta.ns = "shop";
  sa.meta.annotations = {{"eks.amazonaws.com/token-expiration", "3600"},
                         {"iam.gke.io/gcp-service-account", "a@b.iam.gserviceaccount.com"}};
  sa.spec = lower::ServiceAccount{true};
  out.objects.push_back(sa);
  RoundTrip(out);
}
