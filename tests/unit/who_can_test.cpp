// who-can's query: parsed as a lone expectation target, and resolved by the
// code that resolves a test's `expect` into the same request shape.
#include <catch2/catch.hpp>

#include "compiler/sema/expect_target.h"
#include "compiler/syntax/parse.h"
#include "test_util.h"

using namespace stave;

namespace {

const char* kProgram = R"(package p
namespace prod = "p-prod"
group devs
serviceaccount bot in prod
action get { configmaps: get }
app web in prod {
  selector { app = "web" }
  ports 8080
  objects { configmaps: "web-config" }
}
app pods in prod { selector { app = "pods" } objects { configmaps: "pods-config" } }
allow devs to view in prod
)";

// The targets, written as in a test; each must resolve there.
const char* kTargets[] = {
    "get pods in prod",  // the action `get` on the app `pods`, not the verb
    "get std.pods in prod",
    "update deployments \"payments-api\" in prod",
    "* secrets in cluster",
    "view in prod",
    "view web in prod",
    "std.view in prod",
    "call web in prod method POST path \"/v1/x\" port 8080",
    "call web",
};

struct Query {
  syntax::Expectation source;
  sema::QueryTarget resolved;
  diag::DiagnosticList diags;
};

std::unique_ptr<Query> Ask(pipeline::Compilation& c, const std::string& text) {
  auto q = std::make_unique<Query>();
  base::FileId id = c.sources.add("<query>", text);
  syntax::TargetParseResult parsed = syntax::ParseExpectTarget(c.sources, id);
  q->diags = std::move(parsed.diagnostics);
  if (!parsed.target) return q;
  q->source.target = std::move(*parsed.target);
  q->resolved = sema::ResolveQuery(*c.program, q->source, q->diags);
  return q;
}

}  // namespace

TEST_CASE("a query's words are quoted where the target takes a string", "[who-can]") {
  CHECK(syntax::TargetText({"update", "deployments", "payments-api", "in", "prod"}) ==
        "update deployments \"payments-api\" in prod");
  CHECK(syntax::TargetText({"get", "pods", "in", "prod"}) == "get pods in prod");
  CHECK(syntax::TargetText({"call", "api", "path", "/v1/x", "host", "a.example.com", "header", "x-t",
                            "=", "a\"b"}) ==
        "call api path \"/v1/x\" host \"a.example.com\" header x-t = \"a\\\"b\"");
  // Still quoted (the shell was told to keep them): left as written.
  CHECK(syntax::TargetText({"get", "pods", "\"x\"", "in", "prod"}) == "get pods \"x\" in prod");
  // `call` and `run` have no object position.
  CHECK(syntax::TargetText({"call", "api", "web", "in", "prod"}) == "call api web in prod");
}

TEST_CASE("a lone target parses with the expectation grammar, and nothing after it", "[who-can]") {
  base::SourceSet sources;
  base::FileId ok = sources.add("<query>", "update deployments \"payments-api\" in prod");
  auto parsed = syntax::ParseExpectTarget(sources, ok);
  REQUIRE(parsed.target);
  CHECK(!parsed.diagnostics.has_errors());
  const auto& api = std::get<syntax::ExpectApi>(*parsed.target);
  CHECK(api.first->text() == "update");
  CHECK(api.object->value == "payments-api");
  CHECK(api.ns->text() == "prod");

  base::FileId extra = sources.add("<query>", "get pods in prod extra");
  parsed = syntax::ParseExpectTarget(sources, extra);
  CHECK(!parsed.target);
  REQUIRE(parsed.diagnostics.items().size() == 1);
  const diag::Diagnostic& d = parsed.diagnostics.items()[0];
  CHECK(d.code == diag::Code::E0007);
  CHECK(d.message == "expected end of file in the query, found `extra`");
  CHECK(sources.file(extra).text().substr(d.primary.span.begin, d.primary.span.size()) == "extra");
}

TEST_CASE("a query resolves to what the same target means in a test", "[who-can]") {
  std::string text = kProgram;
  text += "test \"targets\" {\n";
  for (const char* t : kTargets) text += std::string("  expect allow bot to ") + t + "\n";
  text += "}\n";
  auto c = testing::CompileOne(text);
  REQUIRE(!c->diagnostics.has_errors());
  const auto& expected = c->program->tests.at(0).expectations;
  REQUIRE(expected.size() == std::size(kTargets));
  for (size_t i = 0; i < expected.size(); ++i) {
    INFO(kTargets[i]);
    auto q = Ask(*c, kTargets[i]);
    REQUIRE(q->resolved.target);
    CHECK(!q->diags.has_errors());
    const sema::Expectation& a = *q->resolved.target;
    const sema::Expectation& b = expected[i];
    CHECK(a.form == b.form);
    CHECK(a.verb == b.verb);
    CHECK(a.resource == b.resource);
    CHECK(a.object == b.object);
    CHECK(a.action == b.action);
    CHECK(a.app == b.app);
    CHECK(a.cluster == b.cluster);
    CHECK(a.ns == b.ns);
  }
  // The query adds no references to the program (the language server's).
  size_t references = c->program->references.size();
  Ask(*c, "view web in prod");
  CHECK(c->program->references.size() == references);
}

TEST_CASE("an unknown name in a query gets a test's diagnostic and did-you-mean", "[who-can]") {
  auto c = testing::CompileOne(kProgram);
  REQUIRE(!c->diagnostics.has_errors());
  auto q = Ask(*c, "veiw web in prod");
  CHECK(!q->resolved.target);
  REQUIRE(q->diags.items().size() == 1);
  const diag::Diagnostic& d = q->diags.items()[0];
  CHECK(d.code == diag::Code::E0101);
  CHECK(d.message == "unknown action `veiw`");
  CHECK(d.help == std::vector<std::string>{"did you mean `view`?"});
  CHECK(c->sources.file(d.primary.span.file).path() == "<query>");
  CHECK(d.primary.span.begin == 0);
  CHECK(d.primary.span.end == 4);
}
