// The parser: AST shape and spans, doc comments, human syntax errors,
// recovery to several errors, and the limits against hostile input.
#include <catch2/catch.hpp>

#include "compiler/syntax/parse.h"
#include "test_util.h"

using namespace stave;

namespace {

syntax::ParseResult ParseText(base::SourceSet& set, const std::string& text) {
  base::FileId id = set.add("a.policy", text);
  return syntax::Parse(set, id);
}

}  // namespace

TEST_CASE("builds the AST with spans and doc comments", "[parse]") {
  base::SourceSet set;
  auto r = ParseText(set,
                     "package payments\n"
                     "import platform as plat\n"
                     "/// Tekton runs here.\n"
                     "/// Second line.\n"
                     "namespace ci = \"tekton-ci\" { mtls strict }\n"
                     "allow plat.devs to view in ci\n");
  REQUIRE(r.diagnostics.items().empty());
  REQUIRE(r.file.package->text == "payments");
  REQUIRE(r.file.imports.size() == 1);
  CHECK(r.file.imports[0].prefix() == "plat");
  REQUIRE(r.file.decls.size() == 1);
  const syntax::Decl& ns = r.file.decls[0];
  CHECK(ns.kind == syntax::DeclKind::Namespace);
  CHECK(ns.doc == "Tekton runs here.\nSecond line.");
  CHECK(ns.value->value == "tekton-ci");
  CHECK(std::get<syntax::NamespaceBody>(ns.body).mtls_strict.has_value());
  auto text = set.file(0).text();
  CHECK(text.substr(ns.name.span.begin, ns.name.span.size()) == "ci");
  REQUIRE(r.file.rules.size() == 1);
  const auto& api = std::get<syntax::ApiRule>(r.file.rules[0].target);
  CHECK(api.action.text() == "view");
  CHECK(r.file.rules[0].subjects[0].name.text() == "plat.devs");
  CHECK(text.substr(r.file.rules[0].span.begin, r.file.rules[0].span.size()) ==
        "allow plat.devs to view in ci");
}

TEST_CASE("contextual keywords are names; reserved words are not", "[parse]") {
  base::SourceSet set;
  auto r = ParseText(set, "package p\nuser methods\ngroup selector\nnamespace when\n");
  CHECK(r.diagnostics.items().empty());
  CHECK(r.file.decls.size() == 3);
  base::SourceSet set2;
  auto bad = ParseText(set2, "package p\nuser allow\n");
  CHECK_FALSE(bad.diagnostics.items().empty());
}

TEST_CASE("condition keys keep Istio's spelling", "[parse]") {
  base::SourceSet set;
  auto r = ParseText(set,
                     "package p\n"
                     "allow any to call api when request.headers[x-tenant] == \"a\", \"b\" "
                     "when request.auth.claims[\"groups\"] != \"x\" when source.namespace == \"ci\"\n");
  REQUIRE(r.diagnostics.items().empty());
  const auto& call = std::get<syntax::CallRule>(r.file.rules[0].target);
  REQUIRE(call.conditions.size() == 3);
  CHECK(call.conditions[0].key.text == "request.headers[x-tenant]");
  CHECK(call.conditions[0].values.size() == 2);
  CHECK(call.conditions[1].key.text == "request.auth.claims[groups]");
  CHECK(call.conditions[1].negated);
  CHECK(call.conditions[2].key.text == "source.namespace");
}

TEST_CASE("syntax errors are worded for people and recovery finds several", "[parse]") {
  auto c = testing::CompileOne(
      "package p\n"
      "namespace ns\n"
      "allow devs\n"
      "group devs\n"
      "allow devs to\n"
      "group other\n");
  REQUIRE(c->diagnostics.items().size() == 2);
  const auto& first = c->diagnostics.items()[0];
  CHECK(first.code == diag::Code::E0007);
  CHECK(first.message == "expected `to` after the subjects of an allow rule, found `group`");
  CHECK(first.primary.message == "expected `to` or `,` after this");
  const auto& second = c->diagnostics.items()[1];
  CHECK(second.message.find("after `to`") != std::string::npos);
  CHECK(second.message.find("ANTLR") == std::string::npos);
  CHECK(second.message.find("<EOF>") == std::string::npos);
}

TEST_CASE("lexical errors point where the problem starts", "[parse]") {
  auto s = testing::CompileOne("package p\nuser a = \"abc\ngroup g\n");
  REQUIRE(testing::Codes(*s) == "E0003");
  CHECK(testing::Underlined(*s, 0) == "\"");
  auto cm = testing::CompileOne("package p\n/* never closed\ngroup g\n");
  REQUIRE(testing::Codes(*cm) == "E0004");
  CHECK(testing::Underlined(*cm, 0) == "/*");
  auto esc = testing::CompileOne("package p\nuser a = \"x\\q\"\n");
  REQUIRE(testing::Codes(*esc) == "E0005");
  CHECK(testing::Underlined(*esc, 0) == "\\q");
  auto ch = testing::CompileOne("package p\nuser a-\n");
  REQUIRE(testing::Codes(*ch) == "E0006");
}

TEST_CASE("hostile input is refused with a diagnostic, not a crash", "[parse][limits]") {
  auto binary = testing::CompileOne(std::string("package p\n\0\x01\x02", 13));
  CHECK(testing::Codes(*binary) == "E0001");
  auto utf8 = testing::CompileOne("package p\nuser a = \"\xff\"\n");
  CHECK(testing::Codes(*utf8) == "E0001");
  auto huge = testing::CompileOne(std::string(syntax::kMaxFileBytes + 1, ' '));
  CHECK(testing::Codes(*huge) == "E0002");
  // Deep nesting has nothing to recurse into: the errors stop at the cap.
  auto nested = testing::CompileOne("package p\n" + std::string(10000, '{'));
  CHECK(nested->diagnostics.items().size() <= syntax::kMaxSyntaxErrors + 1);
  CHECK(nested->diagnostics.has_errors());
}
