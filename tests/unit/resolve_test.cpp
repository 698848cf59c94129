// Name resolution: packages, imports and aliases, the std prelude and its
// shadowing, duplicates, did-you-mean, and kinds.
#include <catch2/catch.hpp>

#include "test_util.h"

using namespace stave;
using testing::Codes;
using testing::CompileText;

TEST_CASE("names resolve across files of one package and through imports", "[resolve]") {
  auto c = CompileText({
      {"a.policy", "package shop\nnamespace prod\nallow platform.ops, sre to view in prod\n"
                   "import platform\n"},
      {"b.policy", "package shop\ngroup sre\n"},
      {"c.policy", "package platform\ngroup ops\n"},
  });
  // `import` after items is a syntax error: imports come first.
  CHECK(c->diagnostics.has_errors());
  auto ok = CompileText({
      {"a.policy", "package shop\nimport platform as plat\nnamespace prod\n"
                   "allow plat.ops, sre to view in prod\n"},
      {"b.policy", "package shop\ngroup sre\n"},
      {"c.policy", "package platform\ngroup ops\n"},
  });
  CHECK(Codes(*ok) == "");
  REQUIRE(ok->program->api_rules.size() == 1);
  const auto& rule = ok->program->api_rules[0];
  CHECK(ok->program->symbol(rule.subjects[0].symbol).qualified() == "platform.ops");
  CHECK(ok->program->symbol(rule.action).qualified() == "view");  // std, written bare
}

TEST_CASE("a qualified name needs its import", "[resolve]") {
  auto c = CompileText({
      {"a.policy", "package shop\nnamespace prod\nallow platform.ops to view in prod\n"},
      {"b.policy", "package platform\ngroup ops\n"},
  });
  REQUIRE(Codes(*c) == "E0103");
  CHECK(c->diagnostics.items()[0].help[0] == "add `import platform` after the `package` line");
}

TEST_CASE("unused imports and unknown packages", "[resolve]") {
  auto c = CompileText({
      {"a.policy", "package shop\nimport platfrom\nimport platform\n"},
      {"b.policy", "package platform\n"},
  });
  CHECK(Codes(*c) == "E0104 W0101");
  CHECK(c->diagnostics.items()[0].help[0] == "did you mean `platform`?");
}

TEST_CASE("prelude names: usable bare, explicit as std.X, shadowing warns", "[resolve]") {
  auto c = testing::CompileOne(
      "package shop\nnamespace prod\ngroup g\n"
      "action view { pods: get }\n"
      "allow g to view in prod\nallow g to std.view in prod\n");
  REQUIRE(Codes(*c) == "W0102");
  REQUIRE(c->program->api_rules.size() == 2);
  CHECK(c->program->symbol(c->program->api_rules[0].action).qualified() == "shop.view");
  CHECK(c->program->symbol(c->program->api_rules[1].action).qualified() == "view");
}

TEST_CASE("duplicates point at the later declaration in path order", "[resolve]") {
  auto c = CompileText({
      {"b.policy", "package p\ngroup devs\n"},
      {"a.policy", "package p\nuser devs\n"},
  });
  REQUIRE(Codes(*c) == "E0102");
  const auto& d = c->diagnostics.items()[0];
  CHECK(c->sources.file(d.primary.span.file).path() == "b.policy");
  REQUIRE(d.notes.size() == 1);
  CHECK(c->sources.file(d.notes[0].span.file).path() == "a.policy");
  CHECK(d.notes[0].message == "first declared here, as a user");
}

TEST_CASE("did-you-mean looks among names of the wanted kind", "[resolve]") {
  // `prod` is a namespace and `prd` a group: for a namespace position the
  // suggestion must be the namespace.
  auto c = testing::CompileOne("package p\nnamespace prod\ngroup prdo\ngroup g\n"
                               "allow g to view in prdd\n");
  REQUIRE(Codes(*c) == "E0101");
  CHECK(c->diagnostics.items()[0].help[0] == "did you mean `prod`?");
  REQUIRE(c->diagnostics.items()[0].fixits.size() == 1);
  CHECK(c->diagnostics.items()[0].fixits[0].replacement == "prod");
}

TEST_CASE("a name of the wrong kind names both kinds", "[resolve]") {
  auto c = testing::CompileOne("package p\nnamespace prod\ngroup g\nallow g to prod in prod\n");
  REQUIRE(Codes(*c) == "E0201");
  const auto& d = c->diagnostics.items()[0];
  CHECK(d.message == "`prod` is a namespace, but an action is expected here");
  REQUIRE(d.secondary.size() == 1);
  CHECK(d.secondary[0].message == "`prod` is declared as a namespace here");
}

TEST_CASE("references are recorded for the language server", "[resolve]") {
  auto c = testing::CompileOne("package p\nnamespace prod\ngroup g\nallow g to view in prod\n");
  REQUIRE(Codes(*c) == "");
  int to_prod = 0;
  for (const auto& ref : c->program->references) {
    if (c->program->symbol(ref.target).name == "prod") ++to_prod;
  }
  CHECK(to_prod == 1);
}
