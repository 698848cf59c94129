// The human renderer: exact text, as spec §7 shows it.
#include <catch2/catch.hpp>

#include "compiler/diag/render_human.h"
#include "test_util.h"

using namespace stave;

TEST_CASE("renders the spec's E0202 example exactly", "[render]") {
  std::string text =
      "package payments\n"
      "group devs = \"payments-devs\"\n"
      "namespace prod\n"
      "app api in prod { selector { app = \"api\" } }\n"
      "allow devs to call api\n";
  auto c = testing::CompileOne(text);
  REQUIRE(testing::Codes(*c) == "E0202");
  std::string out = diag::RenderHuman(c->diagnostics.items()[0], c->sources);
  CHECK(out ==
        "error[E0202]: group `devs` cannot be the source of a call\n"
        " --> a.policy:5:7\n"
        "  |\n"
        "5 | allow devs to call api\n"
        "  |       ^^^^ a group is a Kubernetes RBAC subject; Istio sees workload identities\n"
        "  = help: name a serviceaccount, an app with a serviceaccount, `namespace NS`, or "
        "`authenticated`\n");
}

TEST_CASE("a located note becomes its own snippet; gutter fits the widest line", "[render]") {
  std::string text = "package p\n";
  for (int i = 0; i < 8; ++i) text += "\n";
  text += "group devs\ngroup devs\n";  // lines 10 and 11
  auto c = testing::CompileOne(text);
  REQUIRE(testing::Codes(*c) == "E0102");
  std::string out = diag::RenderHuman(c->diagnostics.items()[0], c->sources);
  CHECK(out ==
        "error[E0102]: `devs` is declared twice in package `p`\n"
        "  --> a.policy:11:7\n"
        "   |\n"
        "11 | group devs\n"
        "   |       ^^^^ a group declared again here\n"
        "   = help: rename one of them; names are shared by every file of a package\n"
        "note: first declared here, as a group\n"
        "  --> a.policy:10:7\n"
        "   |\n"
        "10 | group devs\n"
        "   |       ^^^^\n");
}

namespace {

// How `text`'s stray-character error (E0006) renders; empty without one.
std::string RenderedStrayCharacter(const std::string& text) {
  auto c = testing::CompileOne(text);
  for (const auto& d : c->diagnostics.items()) {
    if (d.code == diag::Code::E0006) return diag::RenderHuman(d, c->sources);
  }
  return "";
}

}  // namespace

TEST_CASE("carets count code points and expand tabs", "[render]") {
  std::string out = RenderedStrayCharacter("package p\n\t// é\n\tgroup é\n");
  // The tab prints as four spaces and `é` as one column, so the caret sits
  // under `é` after "    group ".
  CHECK(out.find("3 |     group é\n  |           ^ ") != std::string::npos);
}

TEST_CASE("color output wraps the severity in ANSI codes", "[render]") {
  auto c = testing::CompileOne("package p\nallow x to view in y\n");
  REQUIRE_FALSE(c->diagnostics.items().empty());
  std::string plain = diag::RenderHuman(c->diagnostics.items()[0], c->sources, {false});
  std::string color = diag::RenderHuman(c->diagnostics.items()[0], c->sources, {true});
  CHECK(plain.find('\x1b') == std::string::npos);
  CHECK(color.find("\x1b[1;31merror[E0101]") != std::string::npos);
}

TEST_CASE("a quoted line shows control bytes as \\xNN, and carets count them", "[render]") {
  std::string out = RenderedStrayCharacter("package p\n/*\x01*/ group \xc3\xa9\n");
  // `\x01` takes four columns: the caret sits under `é` after them.
  CHECK(out.find("2 | /*\\x01*/ group \xc3\xa9\n  |                ^ ") != std::string::npos);
}
