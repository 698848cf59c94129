// The text sink (compiler/emit/yaml_text.h) against yaml-cpp's emitter,
// byte for byte: every object of the examples and golden cases, of
// generated programs (dense teams as bench/gen_shapes.py writes them, the
// many-packages shape, the cross-check's random programs) and of objects
// whose strings need quoting. Not a golden case: the goldens pin the bytes
// of a few programs through the binary; this holds both writers to the
// same bytes on thousands of objects, and says when the sink left a
// document to yaml-cpp.
#include <catch2/catch.hpp>

#include <algorithm>
#include <filesystem>
#include <map>
#include <random>
#include <string>
#include <vector>

#include "compiler/emit/yaml.h"
#include "compiler/emit/yaml_reference.h"
#include "compiler/pipeline/compilation.h"
#include "compiler/pipeline/load.h"
#include "program_gen.h"
#include "test_util.h"

using namespace stave;
namespace fs = std::filesystem;

namespace {

// Where two texts first differ, with a little of each, for the failure
// message (the texts themselves can be megabytes).
std::string FirstDifference(const std::string& a, const std::string& b) {
  size_t i = std::mismatch(a.begin(), a.begin() + std::min(a.size(), b.size()), b.begin()).first -
             a.begin();
  size_t from = i < 80 ? 0 : i - 80;
  return "at byte " + std::to_string(i) + "\nyaml-cpp: …" + a.substr(from, 160) +
         "\ntext:     …" + b.substr(from, 160);
}

struct EmitTally {
  size_t objects = 0;      // documents compared
  size_t left_to_yaml = 0;  // of which the text sink refused
  size_t audit_policies = 0;
};

// One document: the sink's bytes (when it lays the document out) and
// EmitObject's (always) must be yaml-cpp's.
void CompareDocument(const std::string& want, const std::string& text, bool laid,
                     const std::string& emitted, EmitTally& tally) {
  ++tally.objects;
  if (!laid) ++tally.left_to_yaml;
  if (laid) {
    INFO(FirstDifference(want, text));
    CHECK(text == want);
  }
  INFO(FirstDifference(want, emitted));
  CHECK(emitted == want);
}

// Every object and the audit policy of `output`, then EmitStream and
// EmitFiles against yaml-cpp's documents joined as those join them.
void CompareOutput(const lower::Output& output, EmitTally& tally) {
  const std::string header = std::string(emit::kGeneratedHeader) + "\n";
  std::string stream = header;
  std::map<std::string, std::string> files;
  bool first = true;
  for (const lower::Object& o : output.objects) {
    INFO(lower::KindName(o.kind) << " " << o.meta.ns << "/" << o.meta.name);
    std::string want = emit::EmitObjectWithYamlCpp(o);
    std::string text;
    bool laid = emit::AppendObjectText(o, text);
    CompareDocument(want, text, laid, emit::EmitObject(o), tally);
    if (!first) stream += "---\n";
    first = false;
    stream += want;
    std::string& file = files[(o.meta.ns.empty() ? "cluster" : o.meta.ns) + ".yaml"];
    file += file.empty() ? header : "---\n";
    file += want;
  }
  if (output.audit_policy) {
    INFO("audit policy");
    std::string want = emit::EmitAuditPolicyWithYamlCpp(*output.audit_policy);
    std::string text;
    bool laid = emit::AppendAuditPolicyText(*output.audit_policy, text);
    CompareDocument(want, text, laid, emit::EmitAuditPolicy(*output.audit_policy), tally);
    ++tally.audit_policies;
    if (!first) stream += "---\n";
    stream += want;
    files[std::string(emit::kAuditPolicyFile)] = header + want;
  }
  std::string got = emit::EmitStream(output);
  {
    INFO("EmitStream: " << FirstDifference(stream, got));
    CHECK(got == stream);
  }
  std::map<std::string, std::string> emitted = emit::EmitFiles(output);
  CHECK(emitted.count("kustomization.yaml") == 1);
  emitted.erase("kustomization.yaml");  // written without any emitter
  CHECK(emitted == files);
}

// Compiles `files` as `stave build` would and compares what it lowers to.
void CompareProgram(std::vector<std::pair<std::string, std::string>> files, EmitTally& tally) {
  auto c = testing::CompileFinishedText(std::move(files));
  INFO(testing::Codes(*c));
  REQUIRE_FALSE(c->diagnostics.has_errors());
  CompareOutput(c->output, tally);
}

// One team of bench/gen_shapes.py's `dense` shape (declarations and rules;
// its tests emit nothing), as that script writes it.
std::vector<std::pair<std::string, std::string>> DenseTeam(int t) {
  std::string n = std::to_string(t);
  std::string pkg = "package team" + n + "\n\n";
  std::string decls = pkg +
                      "namespace staging = \"t" + n + "-staging\" { mtls strict }\n"
                      "namespace prod = \"t" + n + "-prod\" { default deny mtls strict }\n"
                      "namespace ci = \"t" + n + "-ci\"\n"
                      "group devs = \"t" + n + "-developers\"\n"
                      "group sre = \"t" + n + "-oncall\"\n"
                      "user lead = \"lead" + n + "@example.com\"\n"
                      "serviceaccount deployer = \"t" + n + "-deployer\" in ci\n"
                      "pipeline release = \"t" + n + "-release\" in ci { serviceaccount deployer }\n"
                      "action tune {\n  configmaps: get, update, patch\n}\n"
                      "action operate {\n  deployments: get, patch\n  services: get\n}\n";
  std::string access = pkg, mesh = pkg;
  for (int j = 0; j < 6; ++j) {
    std::string a = "app" + std::to_string(j), k8s = "t" + n + "-" + a;
    decls += "serviceaccount " + a + "-sa = \"" + k8s + "\" in staging, prod\n"
             "app " + a + " in staging, prod {\n"
             "  selector { app = \"" + k8s + "\" tier = \"backend\" }\n"
             "  serviceaccount " + a + "-sa\n  ports 8080, 9090\n  objects {\n"
             "    deployments: \"" + k8s + "\"\n    services: \"" + k8s + "\"\n"
             "    configmaps: \"" + k8s + "-config\"\n  }\n}\n";
    access += "allow devs to view " + a + " in staging, prod\n"
              "allow deployer to deploy " + a + " in staging, prod\n"
              "allow sre to restart " + a + " in prod\n";
    std::string near = "app" + std::to_string((j + 5) % 6), far = "app" + std::to_string((j + 4) % 6);
    mesh += "allow " + near + " to call " + a + " in prod methods GET, POST paths \"/v1/*\" ports 8080\n"
            "allow " + far + " to call " + a + " in prod methods GET paths \"/status\" ports 9090\n"
            "allow namespace staging to call " + a + " in staging ports 8080\n";
  }
  access += "allow devs to tune in staging\nallow lead to operate app0 in prod\n"
            "allow devs, lead to run release\n";
  std::string dir = "team" + n + "/";
  return {{dir + "access.policy", access}, {dir + "decls.policy", decls}, {dir + "mesh.policy", mesh}};
}

// bench/gen_shapes.py's `many-packages` shape: a platform package and
// `count` small packages that import it.
std::vector<std::pair<std::string, std::string>> ManyPackages(int count) {
  std::vector<std::pair<std::string, std::string>> files = {
      {"platform/platform.policy",
       "package platform\n\n"
       "namespace ingress = \"ingress\" { mtls strict }\n"
       "serviceaccount gateway-sa = \"gateway\" in ingress\n"
       "app gateway in ingress {\n  selector { app = \"gateway\" }\n  serviceaccount gateway-sa\n}\n"
       "group oncall = \"platform-oncall\"\n"}};
  for (int i = 0; i < count; ++i) {
    std::string s = "svc" + std::to_string(i);
    files.push_back({s + "/" + s + ".policy",
                     "package " + s + "\nimport platform\n\n"
                     "namespace prod = \"" + s + "\" { default deny mtls strict }\n"
                     "group devs = \"" + s + "-developers\"\n"
                     "serviceaccount api-sa = \"" + s + "-api\" in prod\n"
                     "app api in prod {\n  selector { app = \"" + s + "-api\" }\n"
                     "  serviceaccount api-sa\n  ports 8080\n  objects {\n"
                     "    deployments: \"" + s + "-api\"\n  }\n}\n"
                     "allow devs to view in prod\nallow devs to restart api in prod\n"
                     "allow platform.oncall to view in prod\n"
                     "allow platform.gateway to call api in prod methods GET paths \"/*\" ports 8080\n"});
  }
  return files;
}

}  // namespace

TEST_CASE("the text sink writes yaml-cpp's bytes for every example and golden case", "[emit]") {
  EmitTally tally;
  testing::ForEachBuildingProgram(
      {"golden/build", "golden/check", "golden/test", "golden/fuzz", "examples"},
      [&](const std::string& dir, const pipeline::Compilation& c) {
        INFO(dir);
        CompareOutput(c.output, tally);
      });
  CHECK(tally.objects > 300);
  CHECK(tally.audit_policies >= 3);
  CHECK(tally.left_to_yaml == 0);  // what stave emits is all laid out as text
}

TEST_CASE("the text sink writes yaml-cpp's bytes for generated programs", "[emit]") {
  EmitTally tally;
  SECTION("dense teams") {
    std::vector<std::pair<std::string, std::string>> files;
    for (int t = 0; t < 4; ++t) {
      auto team = DenseTeam(t);
      files.insert(files.end(), team.begin(), team.end());
    }
    CompareProgram(files, tally);
    CHECK(tally.objects > 100);
  }
  SECTION("many packages") {
    CompareProgram(ManyPackages(20), tally);
    CHECK(tally.objects > 100);
  }
  SECTION("the cross-check's random programs") {
    for (uint32_t seed = 1; seed <= 300; ++seed) {
      xcheck::Generator gen(seed, seed % 2 ? xcheck::GenOptions{} : xcheck::GenOptions::GuardFocus());
      xcheck::Program p = gen.Generate();
      auto c = testing::CompileFinishedText({{"gen.policy", p.Text(false)}});
      if (c->diagnostics.has_errors()) continue;
      INFO("seed " << seed);
      CompareOutput(c->output, tally);
    }
    CHECK(tally.objects > 1000);
  }
  CHECK(tally.left_to_yaml == 0);
}

namespace {

// Pieces of strings that decide quoting: YAML indicators, escapes, the
// words and numbers YAML 1.1 reads as something else, and the code points
// yaml-cpp escapes (controls, NEL, no-break space, BOM) or mishandles
// (DEL, U+2028/9, noncharacters: yaml_quote.h).
const std::vector<std::string>& Pieces() {
  static const std::vector<std::string> pieces = {
      "a", "Z", "0", "9", "app", ".", "-", "_", "/", ":", " ", "\"", "\\", "'", "#", "*", "&",
      "!", "|", ">", "{", "}", "[", "]", ",", "?", "%", "@", "`", "=", "\t", "\n", "\r", "\b",
      "\f", "\x01", "\x1f", "\x7f", "é", "ü", "中", "\xc2\x85", "\xc2\xa0", "\xc2\xa1",
      "\xe2\x80\xa8", "\xe2\x80\xa9", "\xef\xbb\xbf", "\xef\xbf\xbe", "\xef\xbf\xbf",
      "\xef\xb7\x90", "\xf0\x9f\xbf\xbe", "\xf0\x9f\x98\x80", "\xf4\x8f\xbf\xbf", "yes", "No",
      "null", "true", "~", "8080", "1e3", "0x1F", "- ", ": ", " #"};
  return pieces;
}

std::string RandomString(xcheck::Rng& rng) {
  const auto& pieces = Pieces();
  std::string s;
  if (rng.P(0.03)) {
    // Over 1 KiB, where yaml-cpp changes how it writes a key.
    s = std::string(static_cast<size_t>(rng.Int(1020, 1100)), 'x');
    if (rng.P(0.5)) s += rng.Pick(pieces);
    return s;
  }
  int count = rng.Int(0, 6);
  for (int i = 0; i < count; ++i) s += rng.Pick(pieces);
  return s;
}

std::vector<std::string> RandomList(xcheck::Rng& rng, int max = 3) {
  std::vector<std::string> v(static_cast<size_t>(rng.Int(0, max)));
  for (auto& s : v) s = RandomString(rng);
  return v;
}

std::map<std::string, std::string> RandomMap(xcheck::Rng& rng) {
  std::map<std::string, std::string> m;
  for (int i = rng.Int(0, 3); i > 0; --i) m[RandomString(rng)] = RandomString(rng);
  return m;
}

// One object of every kind, with random strings wherever a string goes.
std::vector<lower::Object> RandomObjects(xcheck::Rng& rng) {
  std::vector<lower::Object> out;
  auto object = [&](lower::Kind kind) -> lower::Object& {
    lower::Object& o = out.emplace_back();
    o.kind = kind;
    o.meta.name = RandomString(rng);
    if (rng.P(0.7)) o.meta.ns = RandomString(rng);
    o.meta.annotations = RandomMap(rng);
    return o;
  };
  object(lower::Kind::ServiceAccount).spec = lower::ServiceAccount{rng.P(0.5)};
  std::vector<lower::PolicyRule> rules;
  for (int i = rng.Int(0, 3); i > 0; --i) {
    rules.push_back({RandomList(rng), RandomList(rng), RandomList(rng), RandomList(rng)});
  }
  lower::Role role;
  role.set_rules(std::move(rules));
  object(lower::Kind::Role).spec = role;
  lower::RoleBinding binding{RandomString(rng), RandomString(rng), {}};
  for (int i = rng.Int(1, 3); i > 0; --i) {
    binding.subjects.push_back(
        {rng.P(0.5) ? "ServiceAccount" : "User", RandomString(rng), RandomString(rng)});
  }
  object(lower::Kind::ClusterRoleBinding).spec = binding;
  object(lower::Kind::PeerAuthentication).spec = lower::PeerAuthentication{RandomString(rng)};
  lower::AuthorizationPolicy ap;
  ap.allow_nothing = rng.P(0.1);
  ap.selector = RandomMap(rng);
  ap.action = RandomString(rng);
  for (int i = rng.Int(1, 3); i > 0; --i) {
    lower::IstioRule r;
    for (int j = rng.Int(0, 2); j > 0; --j) {
      r.from.push_back({RandomList(rng), RandomList(rng), RandomList(rng)});
    }
    if (rng.P(0.7)) {
      r.to = lower::IstioOperation{RandomList(rng), RandomList(rng), RandomList(rng),
                                   RandomList(rng), RandomList(rng), RandomList(rng),
                                   RandomList(rng), RandomList(rng)};
    }
    for (int j = rng.Int(0, 2); j > 0; --j) {
      r.when.push_back({RandomString(rng), RandomList(rng), RandomList(rng)});
    }
    ap.rules.push_back(r);
  }
  object(lower::Kind::AuthorizationPolicy).spec = ap;
  lower::RequestAuthentication ra;
  ra.selector = RandomMap(rng);
  for (int i = rng.Int(1, 2); i > 0; --i) {
    lower::JwtRule jwt{RandomString(rng), rng.P(0.5) ? RandomString(rng) : "", RandomList(rng), {}};
    for (int j = rng.Int(0, 2); j > 0; --j) {
      jwt.from_headers.push_back(
          {RandomString(rng), rng.P(0.5) ? std::optional<std::string>(RandomString(rng)) : std::nullopt});
    }
    ra.rules[jwt.issuer] = jwt;
  }
  object(lower::Kind::RequestAuthentication).spec = ra;
  lower::Telemetry tel{RandomMap(rng), RandomList(rng)};
  tel.providers.push_back(RandomString(rng));
  object(lower::Kind::Telemetry).spec = tel;
  lower::AdmissionPolicy vap{RandomString(rng), {}, {}};
  for (int i = rng.Int(1, 3); i > 0; --i) vap.variables.push_back({RandomString(rng), RandomString(rng)});
  for (int i = rng.Int(1, 3); i > 0; --i) {
    vap.validations.push_back({RandomString(rng), RandomString(rng), RandomString(rng)});
  }
  object(lower::Kind::ValidatingAdmissionPolicy).spec = vap;
  object(lower::Kind::ValidatingAdmissionPolicyBinding).spec =
      lower::AdmissionBinding{RandomString(rng), RandomString(rng)};
  return out;
}

}  // namespace

TEST_CASE("the text sink writes yaml-cpp's bytes for strings that need quoting", "[emit]") {
  EmitTally tally;
  for (uint32_t seed = 1; seed <= 400; ++seed) {
    INFO("seed " << seed);
    xcheck::Rng rng(seed);
    lower::Output output;
    for (lower::Object& o : RandomObjects(rng)) output.objects.push_back(std::move(o));
    // EmitFiles groups by namespace; lowering's order keeps a namespace's
    // objects together, and so must this.
    std::stable_sort(output.objects.begin(), output.objects.end(),
                     [](const lower::Object& a, const lower::Object& b) { return a.meta.ns < b.meta.ns; });
    lower::AuditPolicy audit;
    audit.omit_stages = RandomList(rng);
    for (int i = rng.Int(0, 3); i > 0; --i) {
      lower::AuditRule rule;
      rule.level = RandomString(rng);
      rule.users = RandomList(rng);
      rule.user_groups = RandomList(rng);
      rule.verbs = RandomList(rng);
      for (int j = rng.Int(0, 2); j > 0; --j) {
        rule.resources.push_back({RandomString(rng), RandomList(rng), RandomList(rng)});
      }
      rule.namespaces = RandomList(rng);
      audit.rules.push_back(rule);
    }
    output.audit_policy = audit;
    CompareOutput(output, tally);
  }
  CHECK(tally.objects == 400 * 10);  // nine kinds and the audit policy
  // Only keys over 1 KiB (yaml-cpp's `? key`) are left to yaml-cpp here.
  CHECK(tally.left_to_yaml < tally.objects / 10);
}

TEST_CASE("the text sink lays out empty groups and leaves long keys to yaml-cpp", "[emit]") {
  lower::Object o;
  o.kind = lower::Kind::AuthorizationPolicy;
  o.meta.name = "api";
  o.meta.ns = "shop";
  lower::AuthorizationPolicy ap;
  ap.action = "ALLOW";
  std::string text;

  // Empty block groups: yaml-cpp writes `[]` on a line of its own, and an
  // empty map in a sequence as `- {}`.
  o.spec = ap;
  CHECK(emit::AppendObjectText(o, text));
  CHECK(text == emit::EmitObjectWithYamlCpp(o));
  CHECK(text.find("rules:\n    []\n") != std::string::npos);
  ap.rules.push_back({});
  o.spec = ap;
  text.clear();
  CHECK(emit::AppendObjectText(o, text));
  CHECK(text == emit::EmitObjectWithYamlCpp(o));
  CHECK(text.find("rules:\n    - {}\n") != std::string::npos);

  // A key over 1 KiB, which yaml-cpp writes as `? key` / `: value`, is
  // left to it, whole document; a value that long stays a simple value.
  ap.selector = {{std::string(1100, 'k'), "v"}};
  o.spec = ap;
  text = "prefix\n";
  CHECK_FALSE(emit::AppendObjectText(o, text));
  CHECK(text == "prefix\n");
  CHECK(emit::EmitObject(o) == emit::EmitObjectWithYamlCpp(o));
  CHECK(emit::EmitObject(o).find("? ") != std::string::npos);
  ap.selector = {{"k", std::string(1100, 'v')}};
  o.spec = ap;
  CHECK(emit::AppendObjectText(o, text));
  CHECK(text == "prefix\n" + emit::EmitObjectWithYamlCpp(o));
}
