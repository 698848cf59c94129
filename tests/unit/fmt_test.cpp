// `stave fmt` (compiler/fmt): exact output for hand-written inputs, and
// properties over every example and golden file and over randomly
// re-spaced and commented variants of them: the layout walk stays in sync
// with the source, formatting is idempotent, keeps every comment in order,
// and lowers to the same YAML with the same diagnostics.
#include <algorithm>
#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>

#include <catch2/catch.hpp>

#include "compiler/emit/yaml.h"
#include "compiler/fmt/format.h"
#include "compiler/fmt/layout.h"
#include "compiler/syntax/parse.h"
#include "test_util.h"

namespace fs = std::filesystem;
using namespace stave;

namespace {

using Files = std::vector<std::pair<std::string, std::string>>;

struct Parsed {
  base::SourceSet set;
  base::FileId id = base::kNoFile;
  syntax::ParseResult result;
};

std::unique_ptr<Parsed> ParseText(const std::string& text) {
  auto p = std::make_unique<Parsed>();
  p->id = p->set.add("t.policy", text);
  p->result = syntax::Parse(p->set, p->id);
  return p;
}

std::optional<std::string> Format(const std::string& text) {
  auto p = ParseText(text);
  return stave::formatter::FormatFile(p->result.file, p->set.file(p->id));
}

// The formatted text; fails the test when the file does not parse or the
// layout walk lost sync with the source tokens.
std::string Fmt(const std::string& text) {
  auto p = ParseText(text);
  REQUIRE_FALSE(p->result.file.has_syntax_errors);
  auto checked = stave::formatter::internal::FormatChecked(p->result.file, p->set.file(p->id));
  REQUIRE(checked.in_sync);
  return checked.text;
}

// Comment texts in order, as the formatter promises to keep them: trailing
// whitespace (and CR) removed from each of their lines.
std::vector<std::string> CommentTexts(const std::string& text) {
  auto p = ParseText(text);
  std::vector<std::string> out;
  for (const auto& c : p->result.file.comments) {
    std::string kept;
    std::stringstream lines(c.text);
    std::string line;
    bool first = true;
    while (std::getline(lines, line)) {
      while (!line.empty() && (line.back() == ' ' || line.back() == '\t' || line.back() == '\r' ||
                               line.back() == '\f')) {
        line.pop_back();
      }
      kept += (first ? "" : "\n") + line;
      first = false;
    }
    out.push_back(kept);
  }
  return out;
}

// What a program means: its lowered YAML, and the codes it reports.
std::string Meaning(const Files& files) {
  auto c = testing::CompileFinishedText(files);
  std::vector<std::string> codes;
  for (const auto& d : c->diagnostics.items()) codes.emplace_back(diag::Info(d.code).name);
  std::sort(codes.begin(), codes.end());
  std::string out = c->diagnostics.has_errors() ? "errors\n" : emit::EmitStream(c->output);
  out += "-- codes:";
  for (const auto& code : codes) out += " " + code;
  return out;
}

std::string ReadFile(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

Files ReadCase(const fs::path& dir) {
  Files files;
  for (const auto& entry : fs::recursive_directory_iterator(dir)) {
    if (entry.path().extension() != ".policy") continue;
    files.emplace_back(fs::relative(entry.path(), dir).string(), ReadFile(entry.path()));
  }
  std::sort(files.begin(), files.end());
  return files;
}

// examples/* and golden/<area>/*: each directory is one program.
std::vector<fs::path> CaseDirs() {
  fs::path root(STAVE_SOURCE_ROOT);
  std::vector<fs::path> out;
  for (const auto& e : fs::directory_iterator(root / "examples")) out.push_back(e.path());
  for (const auto& area : fs::directory_iterator(root / "golden")) {
    if (!area.is_directory()) continue;
    for (const auto& e : fs::directory_iterator(area.path())) {
      if (e.is_directory()) out.push_back(e.path());
    }
  }
  std::sort(out.begin(), out.end());
  return out;
}

// A file's tokens and comments, in order, as source slices.
struct Atom {
  std::string text;
  uint32_t begin = 0;
  uint32_t end = 0;
  bool is_comment = false;
};

std::vector<Atom> Atoms(const std::string& text) {
  auto p = ParseText(text);
  const auto& comments = p->result.file.comments;
  auto toks = stave::formatter::internal::LexTokens(text);
  std::vector<Atom> out;
  auto comment = [&](const syntax::Comment& c) {
    out.push_back({c.text, c.span.begin, c.span.end, true});
  };
  size_t c = 0;
  for (const auto& t : toks) {
    for (; c < comments.size() && comments[c].span.begin < t.begin; ++c) comment(comments[c]);
    out.push_back({text.substr(t.begin, t.end - t.begin), t.begin, t.end, false});
  }
  for (; c < comments.size(); ++c) comment(comments[c]);
  return out;
}

// The spans of `run` rules: the admission policy quotes their source text
// in its messages (lower/admission.cpp), so spacing inside them shows in the
// YAML. Variants keep them as written.
std::vector<base::Span> RunRules(const std::string& text) {
  auto p = ParseText(text);
  std::vector<base::Span> out;
  for (const auto& r : p->result.file.rules) {
    if (std::holds_alternative<syntax::RunRule>(r.target)) out.push_back(r.span);
  }
  return out;
}

// Reprints a valid file with random whitespace between its atoms and, with
// `add_comments`, random `// cN` and `/* cN */` comments between tokens.
// Without `keep_comments` its own comments are dropped; without `blank_lines`
// no separator holds an empty line.
std::string Respace(const std::string& text, std::mt19937& rng, bool add_comments,
                    bool keep_comments, bool blank_lines) {
  std::vector<base::Span> verbatim = RunRules(text);
  auto inside = [&](uint32_t from, uint32_t to) {
    return std::any_of(verbatim.begin(), verbatim.end(),
                       [&](const base::Span& s) { return s.begin <= from && to <= s.end; });
  };
  std::vector<Atom> atoms = Atoms(text);
  std::string out;
  int n = 0;
  for (size_t i = 0; i < atoms.size(); ++i) {
    const Atom& a = atoms[i];
    if (i + 1 < atoms.size() && inside(a.begin, atoms[i + 1].end)) {
      out += text.substr(a.begin, atoms[i + 1].begin - a.begin);
      continue;
    }
    if (a.is_comment && !keep_comments) continue;
    out += a.text;
    if (a.is_comment && a.text.rfind("//", 0) == 0) {
      out += "\n";
      continue;
    }
    switch (rng() % 12) {
      case 4: out += add_comments ? " /* m" + std::to_string(n++) + "\n  x */ " : " "; break;
      case 5: out += "\n"; break;
      case 6: out += blank_lines ? "\n\n  " : "\n  "; break;
      case 7: out += " \t "; break;
      case 8: out += add_comments ? " /* c" + std::to_string(n++) + " */ " : " "; break;
      case 9: out += add_comments ? "   // c" + std::to_string(n++) + "\n" : "\n\t"; break;
      case 10: out += add_comments ? "\n  // own " + std::to_string(n++) + "\n\n" : " "; break;
      default: out += " ";
    }
  }
  return out;
}

// The doc comments the language server shows, per declaration and rule.
std::vector<std::string> Docs(const std::string& text) {
  auto p = ParseText(text);
  std::vector<std::string> out;
  auto add = [&](std::string doc) {
    std::string kept;
    std::stringstream lines(doc);
    std::string line;
    while (std::getline(lines, line)) {
      while (!line.empty() && (line.back() == ' ' || line.back() == '\t')) line.pop_back();
      kept += line + "\n";
    }
    out.push_back(kept);
  };
  for (const auto& d : p->result.file.decls) add(d.doc);
  for (const auto& r : p->result.file.rules) add(r.doc);
  return out;
}

// The checks every formatted file must pass; returns the formatted text.
std::string CheckFormatted(const std::string& original) {
  std::string once = Fmt(original);
  CHECK(Fmt(once) == once);
  CHECK(CommentTexts(once) == CommentTexts(original));
  CHECK(Docs(once) == Docs(original));
  CHECK(once.find(" \n") == std::string::npos);
  CHECK(once.find("\t\n") == std::string::npos);
  REQUIRE(!once.empty());
  CHECK(once.back() == '\n');
  CHECK(once.find("\n\n\n") == std::string::npos);
  CHECK(once.substr(once.size() - std::min<size_t>(once.size(), 2)) != "\n\n");
  return once;
}

}  // namespace

// ---------------------------------------------------------------- exact output

TEST_CASE("fmt: every construct in its canonical layout", "[fmt]") {
  const std::string input = R"(package   constructs
import   platform   as   plat
import reporting
namespace ci
namespace staging   =   "payments-staging"{mtls strict}
namespace prod = "payments-prod" { default deny mtls strict }
namespace empty {}
user alice = "alice@example.com"   group devs
serviceaccount deployer = "d" in ci,plat.ci {external}
resource widgets = "widgets.example.com/status"
action tinker { include plat.view  pods : get,list , * deployments.apps:patch }
action nothing {   }
app api in staging , prod {
  ports 8080 , 9090 grpc,5432 tcp
  objects { deployments : "api" configmaps:"api-config","api-flags" }
  selector { app = "api" tier="web" "app.kubernetes.io/part-of"="shop" "a\"b" = "x\\y\ty" }
  serviceaccount plat.api-sa
}
app bare in prod { }
pipeline release="build" in ci{serviceaccount deployer}
pipeline lonely in ci {}
allow devs,alice to run release , plat.other
allow deployer to deploy api in staging,prod
allow devs to view in cluster
deny devs to tinker api in prod
allow namespace staging, authenticated to call api in prod methods GET,POST ports 008080
allow namespace staging, authenticated, plat.gw to call api in prod not methods DELETE methods GET,POST not paths "/admin/*" ports 08080 not ports 9090 hosts "api.example.com" not hosts "evil"
allow any to call api when source.namespace != "a","b" when request.headers [ x-tenant ] == "acme" when request.auth.claims["groups"] == "admins" when request.auth.claims["a.b"] == "c"
audit devs,alice to view in staging,prod level   request-response
audit any to deploy api in cluster
audit   namespace staging,authenticated to call api methods POST  when source.namespace=="a"
test "everything" {
  expect allow deployer to update deployments "api" in prod expect deny devs to * pods in cluster
  expect allow devs to view in staging expect allow deployer to deploy api in prod
  expect allow devs to run release as deployer expect deny plat.x to run release
  expect deny plaintext to call api in prod method GET path "/a" port 8080 host "h" header x-tenant="acme" header "X Y" = "z"
  expect allow api to call api in prod method GET
  expect audited devs to get pods in prod   level request expect unaudited alice to view in cluster
  expect   audited api to call api in prod method POST
}
test "empty" {})";
  const std::string expected = R"(package constructs

import platform as plat
import reporting

namespace ci
namespace staging = "payments-staging" { mtls strict }
namespace prod = "payments-prod" { default deny mtls strict }
namespace empty
user alice = "alice@example.com"
group devs
serviceaccount deployer = "d" in ci, plat.ci { external }
resource widgets = "widgets.example.com/status"
action tinker {
  include plat.view
  pods: get, list, *
  deployments.apps: patch
}
action nothing {}
app api in staging, prod {
  ports 8080, 9090 grpc, 5432 tcp
  objects {
    deployments: "api"
    configmaps: "api-config", "api-flags"
  }
  selector { app = "api" tier = "web" "app.kubernetes.io/part-of" = "shop" "a\"b" = "x\\y\ty" }
  serviceaccount plat.api-sa
}
app bare in prod {}
pipeline release = "build" in ci { serviceaccount deployer }
pipeline lonely in ci {}
allow devs, alice to run release, plat.other
allow deployer to deploy api in staging, prod
allow devs to view in cluster
deny devs to tinker api in prod
allow namespace staging, authenticated to call api in prod methods GET, POST ports 8080
allow namespace staging, authenticated, plat.gw to call api in prod
  not methods DELETE
  methods GET, POST
  not paths "/admin/*"
  ports 8080
  not ports 9090
  hosts "api.example.com"
  not hosts "evil"
allow any to call api
  when source.namespace != "a", "b"
  when request.headers[x-tenant] == "acme"
  when request.auth.claims[groups] == "admins"
  when request.auth.claims["a.b"] == "c"
audit devs, alice to view in staging, prod level request-response
audit any to deploy api in cluster
audit namespace staging, authenticated to call api methods POST when source.namespace == "a"
test "everything" {
  expect allow deployer to update deployments "api" in prod
  expect deny devs to * pods in cluster
  expect allow devs to view in staging
  expect allow deployer to deploy api in prod
  expect allow devs to run release as deployer
  expect deny plat.x to run release
  expect deny plaintext to call api in prod
    method GET path "/a" port 8080 host "h" header x-tenant = "acme" header "X Y" = "z"
  expect allow api to call api in prod method GET
  expect audited devs to get pods in prod level request
  expect unaudited alice to view in cluster
  expect audited api to call api in prod method POST
}
test "empty" {}
)";
  CHECK(Fmt(input) == expected);
  CHECK(Fmt(expected) == expected);
}

TEST_CASE("fmt: issuers, token sources and serviceaccount credentials", "[fmt]") {
  const std::string input = R"(package identity
issuer corp="https://login.example.com"
issuer demo = "testing@secure.istio.io" {header "x-jwt"}
issuer partners = "https://partners.example.net/oauth2" { audiences "a","b" jwks "https://partners.example.net/keys"  header "x-partner-token" prefix "Token " }
issuer empty = "e" { }
serviceaccount builder in ci {automount off}
serviceaccount publisher in ci { annotations { "eks.amazonaws.com/role-arn"="arn:aws:iam::1:role/p" plain = "v" } automount off }
serviceaccount none in ci { annotations {} }
allow issuer corp,issuer partners subject "acme" , gw to call api methods GET
test "tokens" {
  expect allow issuer corp subject "alice" claim groups="admins" claim "https://x/roles" = "r" via gw to call api in prod method GET
  expect deny issuer corp to call api in prod
})";
  const std::string expected = R"(package identity

issuer corp = "https://login.example.com"
issuer demo = "testing@secure.istio.io" { header "x-jwt" }
issuer partners = "https://partners.example.net/oauth2" {
  audiences "a", "b"
  jwks "https://partners.example.net/keys"
  header "x-partner-token" prefix "Token "
}
issuer empty = "e"
serviceaccount builder in ci { automount off }
serviceaccount publisher in ci {
  annotations { "eks.amazonaws.com/role-arn" = "arn:aws:iam::1:role/p" plain = "v" }
  automount off
}
serviceaccount none in ci { annotations {} }
allow issuer corp, issuer partners subject "acme", gw to call api methods GET
test "tokens" {
  expect allow issuer corp subject "alice" claim groups = "admins" claim "https://x/roles" = "r" via gw to call api in prod
    method GET
  expect deny issuer corp to call api in prod
}
)";
  CHECK(Fmt(input) == expected);
  CHECK(Fmt(expected) == expected);
  // A long annotations block: one pair per line.
  std::string long_sa = "package p\n\nserviceaccount s in ci {\n  annotations {\n"
                        "    \"eks.amazonaws.com/role-arn\" = \"arn:aws:iam::111122223333:role/a-long-role-name\"\n"
                        "    \"iam.gke.io/gcp-service-account\" = \"s@project.iam.gserviceaccount.com\"\n"
                        "  }\n}\n";
  CHECK(Fmt(long_sa) == long_sa);
}

TEST_CASE("fmt: blank lines and the header", "[fmt]") {
  // One blank line after package and after the imports; blank lines between
  // items kept (at most one), none added where there were none.
  CHECK(Fmt("package p import a import b group g\n\n\n\ngroup h\ngroup i") ==
        "package p\n\nimport a\nimport b\n\ngroup g\n\ngroup h\ngroup i\n");
  CHECK(Fmt("package p\n\n\n\ngroup g\n\n\n") == "package p\n\ngroup g\n");
  CHECK(Fmt("package p") == "package p\n");
  // Blank lines inside blocks are kept between statements, never after `{`
  // or before `}`.
  CHECK(Fmt("package p\naction a {\n\n  pods: get\n\n\n  pods: list\n\n}\n") ==
        "package p\n\naction a {\n  pods: get\n\n  pods: list\n}\n");
}

TEST_CASE("fmt: comments stay where they were", "[fmt]") {
  const std::string input = R"(// header comment


/* block
   header */
package   demo   // pkg trailing
import a
// between imports

import b as c   /* after import */ // and more
/// doc for ns

namespace ns = "n" {   mtls strict   default deny }   // trailing ns


/// doc
/// two
group g = "g\tx\"y"
user u
serviceaccount sa in ns { // why external
  external
}
action act {
  // first
  pods: get, list   // verbs
  include view

  /* before close */
}
action empty {
  // nothing yet
}
app web in ns {
  selector {
    app = "web"   // main
    "app.kubernetes.io/part-of" = "shop"
  }
    // the objects
  objects {
    deployments: "web" , "web2"
    // svc
    services: "web"
  }
  serviceaccount sa
}
pipeline p in ns { // comment in pipeline
  serviceaccount sa }
allow g, // the group
  u to act in ns
allow g /* inline */ to act /* here too */ in ns
deny any to call web methods GET // m
  paths "/x"
allow g, // one
  u, // two
  x to act in ns // three
allow web to call web when a.b == // last line
  "1"
test "t" {
  expect allow g to act in ns  // e1
  // c2

  expect deny u to call web in ns method GET path "/a"
  // before close
}
// end
/* end2 */)";
  const std::string expected = R"(// header comment

/* block
   header */
package demo  // pkg trailing

import a
// between imports

import b as c  /* after import */ // and more

/// doc for ns
namespace ns = "n" { mtls strict default deny }  // trailing ns

/// doc
/// two
group g = "g\tx\"y"
user u
serviceaccount sa in ns {  // why external
  external
}
action act {
  // first
  pods: get, list  // verbs
  include view

  /* before close */
}
action empty {
  // nothing yet
}
app web in ns {
  selector {
    app = "web"  // main
    "app.kubernetes.io/part-of" = "shop"
  }
  // the objects
  objects {
    deployments: "web", "web2"
    // svc
    services: "web"
  }
  serviceaccount sa
}
pipeline p in ns {  // comment in pipeline
  serviceaccount sa
}
allow g, u to act in ns  // the group
allow g /* inline */ to act /* here too */ in ns
deny any to call web
  methods GET  // m
  paths "/x"
allow g, u, x to act in ns  // one
// two
// three
allow web to call web when a.b == "1"  // last line
test "t" {
  expect allow g to act in ns  // e1
  // c2

  expect deny u to call web in ns method GET path "/a"
  // before close
}
// end
/* end2 */
)";
  CHECK(Fmt(input) == expected);
  CHECK(Fmt(expected) == expected);
  CHECK(CommentTexts(expected) == CommentTexts(input));
}

TEST_CASE("fmt: long call rules and expectations break at clauses", "[fmt]") {
  const std::string input =
      "package p\n"
      "allow namespace plat.ci to call storefront in staging methods GET paths \"/healthz\", "
      "\"/api/*\" ports 8080 when request.headers[x-smoke-test] == \"true\"\n"
      "allow a to call b // why\n methods GET\n"
      "test \"t\" {\n"
      "  expect allow plat.ingress-gateway to call storefront in prod method GET path "
      "\"/products/42\" port 8080 host \"shop.example.com\"\n"
      "  expect allow a to call b method GET // reason\n path \"/\"\n"
      "}\n";
  const std::string expected =
      "package p\n\n"
      "allow namespace plat.ci to call storefront in staging\n"
      "  methods GET paths \"/healthz\", \"/api/*\" ports 8080\n"
      "  when request.headers[x-smoke-test] == \"true\"\n"
      "allow a to call b  // why\n"
      "  methods GET\n"
      "test \"t\" {\n"
      "  expect allow plat.ingress-gateway to call storefront in prod\n"
      "    method GET path \"/products/42\" port 8080 host \"shop.example.com\"\n"
      "  expect allow a to call b\n"
      "    method GET  // reason\n"
      "    path \"/\"\n"
      "}\n";
  CHECK(Fmt(input) == expected);
  CHECK(Fmt(expected) == expected);
}

TEST_CASE("fmt: a long selector gets one pair per line", "[fmt]") {
  const std::string input =
      "package p\napp a in n { selector { app = \"payments-api\" \"app.kubernetes.io/part-of\" = "
      "\"payments\" tier = \"backend-services\" } }\n";
  CHECK(Fmt(input) ==
        "package p\n\napp a in n {\n  selector {\n    app = \"payments-api\"\n"
        "    \"app.kubernetes.io/part-of\" = \"payments\"\n    tier = \"backend-services\"\n  "
        "}\n}\n");
}

TEST_CASE("fmt: values are reprinted from what they mean", "[fmt]") {
  // Keys that are words lose their quotes; other strings are re-escaped.
  CHECK(Fmt("package p\napp a in n { selector { \"app\" = \"x\\ty\" \"in\" = \"\\\"\" \"a b\" = "
            "\"\tz\" } }") ==
        "package p\n\napp a in n {\n  selector { app = \"x\\ty\" in = \"\\\"\" \"a b\" = \"\\tz\" "
        "}\n}\n");
  CHECK(Fmt("package p\ntest \"t\" { expect allow a to call b in n header \"x-id\" = \"1\" }") ==
        "package p\n\ntest \"t\" {\n  expect allow a to call b in n header x-id = \"1\"\n}\n");
}

TEST_CASE("fmt: files with syntax errors are left alone", "[fmt]") {
  CHECK_FALSE(Format("package p\nallow a deploy x in y\n"));
  CHECK_FALSE(Format("package p\ngroup g = \"unterminated\n"));
  CHECK_FALSE(Format("package p\n/* open"));
  CHECK_FALSE(Format("group g\n"));
  CHECK_FALSE(Format(""));
}

TEST_CASE("fmt: CRLF input and trailing whitespace in comments", "[fmt]") {
  CHECK(Fmt("package p\r\n// note   \r\n\r\n/* a  \r\n b */\r\ngroup g\r\n") ==
        "package p\n\n// note\n\n/* a\n b */\ngroup g\n");
}

TEST_CASE("fmt: stave:allow comments keep silencing the same item", "[fmt]") {
  // An allow applies to the first item after it. The first one trails
  // `action a`; the second sits inside the first rule, so it applies to the
  // second rule; formatting moves it to the end of the first rule's line.
  const std::string input =
      "package p\nnamespace ns\ngroup g = \"g\"\n"
      "action a { pods: * } // stave:allow W0501 the demo needs it\n"
      "allow g to // stave:allow W0501 again\n a in ns\nallow g to a in ns\n";
  std::string formatted = Fmt(input);
  CHECK(formatted ==
        "package p\n\nnamespace ns\ngroup g = \"g\"\naction a {\n  pods: *\n}  "
        "// stave:allow W0501 the demo needs it\n"
        "allow g to a in ns  // stave:allow W0501 again\nallow g to a in ns\n");
  std::string meaning = Meaning({{"a.policy", input}});
  CHECK(meaning.find("W0501") == std::string::npos);
  CHECK(meaning.find("W0104") == std::string::npos);
  CHECK(Meaning({{"a.policy", formatted}}) == meaning);
}

// ---------------------------------------------------------------- properties

TEST_CASE("fmt: every example and golden file", "[fmt]") {
  fs::path root(STAVE_SOURCE_ROOT);
  size_t formatted = 0;
  size_t refused = 0;
  for (const char* dir : {"examples", "golden", "stdlib"}) {
    for (const auto& entry : fs::recursive_directory_iterator(root / dir)) {
      if (entry.path().extension() != ".policy") continue;
      INFO("file: " << entry.path().string());
      std::string text = ReadFile(entry.path());
      auto p = ParseText(text);
      if (p->result.file.has_syntax_errors) {
        CHECK_FALSE(stave::formatter::FormatFile(p->result.file, p->set.file(p->id)));
        ++refused;
        continue;
      }
      CheckFormatted(text);
      ++formatted;
    }
  }
  CHECK(formatted > 50);
  CHECK(refused > 5);
}

TEST_CASE("fmt: formatting every case keeps its meaning", "[fmt]") {
  size_t compared = 0;
  for (const fs::path& dir : CaseDirs()) {
    Files original = ReadCase(dir);
    if (original.empty()) continue;
    Files formatted;
    bool all_parse = true;
    for (const auto& [path, text] : original) {
      auto out = Format(text);
      if (!out) {
        all_parse = false;
        break;
      }
      formatted.emplace_back(path, *out);
    }
    if (!all_parse) continue;
    // Cases with errors (say, an unknown name) must report the same codes.
    std::string meaning = Meaning(original);
    INFO("case: " << dir.string());
    CHECK(Meaning(formatted) == meaning);
    compared += meaning.rfind("errors\n", 0) != 0;
  }
  CHECK(compared > 20);
}

TEST_CASE("fmt: re-spaced and commented variants", "[fmt]") {
  size_t compared = 0;
  for (const fs::path& dir : CaseDirs()) {
    Files original = ReadCase(dir);
    if (original.empty()) continue;
    bool all_parse = std::all_of(original.begin(), original.end(),
                                 [](const auto& f) { return Format(f.second).has_value(); });
    if (!all_parse) continue;
    std::string meaning = Meaning(original);
    for (unsigned seed = 1; seed <= 4; ++seed) {
      std::mt19937 rng(seed);
      INFO("case: " << dir.string() << " seed " << seed);
      Files variant;
      for (const auto& [path, text] : original) {
        std::string noisy = Respace(text, rng, /*add_comments=*/true, /*keep_comments=*/true,
                                    /*blank_lines=*/true);
        INFO("variant of " << path << ":\n" << noisy);
        variant.emplace_back(path, CheckFormatted(noisy));
        // The layout depends on the tokens alone, not on how they were spaced.
        std::string bare = Respace(text, rng, false, false, false);
        std::string single;
        for (const Atom& a : Atoms(text)) {
          if (!a.is_comment) single += a.text + " ";
        }
        CHECK(Fmt(bare) == Fmt(single));
      }
      CHECK(Meaning(variant) == meaning);
      compared += meaning.rfind("errors\n", 0) != 0;
    }
  }
  CHECK(compared > 80);
}
