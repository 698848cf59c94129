// The language server on issuers and serviceaccount credentials (spec §12,
// §13): completion of `issuer` and its clauses, hover with the lowered
// RequestAuthentication, definition and rename of issuer names.
#include <catch2/catch.hpp>

#include "compiler/lsp/completion_context.h"
#include "lsp_client.h"

using namespace stave;
using namespace stave::testing;

namespace {

const std::string kIssuers =
    "package shop\n"
    "namespace prod = \"shop-prod\" { mtls strict }\n"
    "namespace edge = \"istio-ingress\"\n"
    "serviceaccount gateway = \"istio-ingressgateway\" in edge { external }\n"
    "serviceaccount ci-bot = \"ci-bot\" in prod { automount off annotations { "
    "\"iam.gke.io/gcp-service-account\" = \"bot@p.iam.gserviceaccount.com\" } }\n"
    "/// The company's identity provider.\n"
    "issuer corp = \"https://login.example.com\" { audiences \"checkout\" }\n"
    "app checkout in prod { selector { app = \"checkout\" } }\n";

const std::string kRules =
    "package shop\n"
    "allow issuer corp subject \"alice\" to call checkout\n"
    "test \"t\" {\n"
    "  expect allow issuer corp via gateway to call checkout in prod\n"
    "}\n";

}  // namespace

TEST_CASE("completion: issuer declarations, sources and token requests", "[lsp][completion]") {
  using K = syntax::DeclKind;
  auto at_end = [](const std::string& text) {
    return lsp::AnalyzeCompletion(text, static_cast<uint32_t>(text.size()));
  };
  std::string head = "package p\nnamespace prod\n";
  CHECK(Has(lsp::TopLevelKeywords(), "issuer"));
  CHECK(Has(at_end(head).keywords, "issuer"));
  // In a call rule's source position, after `issuer`, after its name.
  CHECK(Has(at_end(head + "allow ").keywords, "issuer"));
  CHECK(at_end(head + "allow issuer ").kinds == std::vector<K>{K::Issuer});
  CHECK(at_end(head + "allow issuer corp ").keywords == std::vector<std::string>{"subject", "to"});
  CHECK(at_end(head + "allow a, issuer ").kinds == std::vector<K>{K::Issuer});
  // The issuer's block.
  std::string decl = head + "issuer corp = \"https://x\" {\n  ";
  CHECK(at_end(decl).keywords == std::vector<std::string>{"jwks", "audiences", "header"});
  CHECK(Has(at_end(decl + "header \"x-jwt\" ").keywords, "prefix"));
  // A serviceaccount's block.
  std::string sa = head + "serviceaccount s in prod { ";
  CHECK(at_end(sa).keywords == std::vector<std::string>{"external", "automount", "annotations"});
  CHECK(at_end(sa + "automount ").keywords == std::vector<std::string>{"off"});
  // Token requests in tests.
  std::string test = head + "test \"t\" {\n  expect allow ";
  CHECK(Has(at_end(test).keywords, "issuer"));
  CHECK(at_end(test + "issuer ").kinds == std::vector<K>{K::Issuer});
  auto after = at_end(test + "issuer corp ");
  CHECK(after.keywords == std::vector<std::string>{"subject", "claim", "via", "to"});
  CHECK(at_end(test + "issuer corp via ").kinds == std::vector<K>{K::ServiceAccount, K::App});
  CHECK(at_end(test + "issuer corp claim groups = \"a\" ").keywords ==
        std::vector<std::string>{"subject", "claim", "via", "to"});
}

TEST_CASE("hover, definition, references and rename of an issuer", "[lsp]") {
  TempDir dir;
  dir.Write("issuers.policy", kIssuers);
  dir.Write("rules.policy", kRules);
  Client c;
  c.Initialize(dir.Uri());
  std::string rules = dir.Uri("rules.policy"), issuers = dir.Uri("issuers.policy");
  c.Open(rules, kRules);

  Value hover = c.Result("textDocument/hover", At(rules, kRules, "corp"));
  std::string md = hover.getAsObject()->getObject("contents")->getString("value")->str();
  CHECK(md.find("**issuer** `shop.corp`") != std::string::npos);
  CHECK(md.find("Issuer (`iss`): `https://login.example.com`") != std::string::npos);
  CHECK(md.find("The company's identity provider.") != std::string::npos);
  CHECK(md.find("- audience `checkout`") != std::string::npos);
  CHECK(md.find("kind: RequestAuthentication") != std::string::npos);
  CHECK(md.find("name: stave-shop.checkout") != std::string::npos);

  // On the rule: its AuthorizationPolicy with requestPrincipals.
  Value rule = c.Result("textDocument/hover", At(rules, kRules, "allow issuer"));
  md = rule.getAsObject()->getObject("contents")->getString("value")->str();
  CHECK(md.find("requestPrincipals:") != std::string::npos);
  CHECK(md.find("https://login.example.com/alice") != std::string::npos);

  // A serviceaccount's credentials in its facts and its object.
  c.Open(issuers, kIssuers);
  Value sa = c.Result("textDocument/hover", At(issuers, kIssuers, "ci-bot"));
  md = sa.getAsObject()->getObject("contents")->getString("value")->str();
  CHECK(md.find("`automount off`") != std::string::npos);
  CHECK(md.find("automountServiceAccountToken: false") != std::string::npos);
  CHECK(md.find("iam.gke.io/gcp-service-account: \"bot@p.iam.gserviceaccount.com\"") != std::string::npos);
  CHECK(md.find("- `iam.gke.io/gcp-service-account`: `bot@p.iam.gserviceaccount.com`") != std::string::npos);

  // Definition from the rule and from the test go to the declaration.
  auto [line, col] = Where(kIssuers, "corp");
  for (const std::string& needle : {std::string("corp subject"), std::string("corp via")}) {
    Value def = c.Result("textDocument/definition", At(rules, kRules, needle));
    REQUIRE(def.getAsArray()->size() == 1);
    const Object* loc = (*def.getAsArray())[0].getAsObject();
    CHECK(loc->getString("uri") == llvm::StringRef(issuers));
    CHECK(loc->getObject("range")->getObject("start")->getInteger("line") == line);
    CHECK(loc->getObject("range")->getObject("start")->getInteger("character") == col);
  }

  // Rename: the declaration, the rule and the expectation.
  Object params = *At(rules, kRules, "corp").getAsObject();
  params["newName"] = "sso";
  Value renamed = c.Request("textDocument/rename", std::move(params));
  const Object* changes = renamed.getAsObject()->getObject("result")->getObject("changes");
  REQUIRE(changes);
  CHECK(changes->getArray(rules)->size() == 2);
  CHECK(changes->getArray(issuers)->size() == 1);

  // An issuer in a place it does not fit (E0209) is still a use of it.
  std::string wrong = kRules + "allow issuer corp to view in prod\n";
  c.Replace(rules, 2, wrong);
  c.Flush();
  Value refs = c.Result("textDocument/references",
                        Object{{"textDocument", Object{{"uri", issuers}}},
                               {"position", Object{{"line", line}, {"character", col}}},
                               {"context", Object{{"includeDeclaration", false}}}});
  CHECK(refs.getAsArray()->size() == 3);
}
