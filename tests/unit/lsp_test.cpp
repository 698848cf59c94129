// What of the language server cannot be a transcript (tests/lsp/*.jsonrpc,
// which replay whole conversations with `stave lsp` and pin every message):
// the transport's byte-level framing, limits (deep nesting), the debounce
// seen from inside the server, pure functions (UTF-16 edits, URIs, the
// completion context), and a sweep of requests over a broken file. The
// fuzz tests are in lsp_fuzz_test.cpp.
#include <catch2/catch.hpp>

#include "compiler/lsp/completion_context.h"
#include "compiler/lsp/transport.h"
#include "compiler/lsp/workspace.h"
#include "lsp_client.h"

using namespace stave;
using namespace stave::testing;

// ---------------------------------------------------------------- limits

// A limit, not a conversation: a transcript would carry a 200 kB line. The
// other malformed messages are in tests/lsp/jsonrpc_errors.jsonrpc.
TEST_CASE("deeply nested JSON is refused before the recursive parser sees it", "[lsp]") {
  Client c;
  c.Initialize();
  c.Raw(std::string(100000, '[') + std::string(100000, ']'));
  const Object* o = c.messages().back().getAsObject();
  REQUIRE(o->getObject("error"));
  CHECK(o->get("id")->kind() == Value::Null);
  CHECK(o->getObject("error")->getInteger("code") == lsp::kParseError);
}

// ---------------------------------------------------------------- diagnostics

// The debounce seen from inside: that nothing is checked during the burst,
// that a recheck is pending, and that the request ran it, are states of the
// server, which a transcript (what goes over the wire) cannot see; over
// stdio the burst's timing is run_lsp.py's.
TEST_CASE("edits are debounced and coalesced; requests see the newest text", "[lsp]") {
  Client c(std::chrono::milliseconds(50));
  c.Initialize();
  c.Flush();
  std::string uri = "file:///d/a.policy";
  size_t before = c.PublishCount();
  c.Open(uri, "package p\n");
  for (int i = 0; i < 20; ++i) c.Edit(uri, i + 2, 1, 0, 1, 0, "group g" + std::to_string(i) + "\n");
  // Nothing checked yet: the recheck waits for the burst to end.
  CHECK(c.PublishCount() == before);
  REQUIRE(c.server().RecheckDeadline().has_value());
  // A request runs the pending recheck first and answers for the new text.
  Value symbols = c.Result("textDocument/documentSymbol", Doc(uri));
  CHECK(symbols.getAsArray()->size() == 20);
  CHECK(c.PublishCount() == before + 1);
  CHECK_FALSE(c.server().RecheckDeadline().has_value());
}

// The analysis a recheck replaces is the server's state, not the wire's:
// it stays until the main loop is idle (freeing it is a tenth of a recheck
// of a large repository), never more than one, and answers use the new one.
TEST_CASE("the replaced analysis waits to be freed, one at a time", "[lsp]") {
  Client c(std::chrono::milliseconds(0));
  c.Initialize();
  c.Flush();
  std::string uri = "file:///d/a.policy";
  c.Open(uri, "package p\ngroup a\n");
  c.Flush();
  CHECK(c.server().HasRetired());  // the one before the document was open
  c.server().FreeRetired();
  CHECK_FALSE(c.server().HasRetired());
  for (int i = 0; i < 3; ++i) {
    c.Replace(uri, i + 2, "package p\ngroup a" + std::to_string(i) + "\n");
    c.Flush();
    CHECK(c.server().HasRetired());
  }
  Value symbols = c.Result("textDocument/documentSymbol", Doc(uri));
  REQUIRE(symbols.getAsArray()->size() == 1);
  const Object* symbol = (*symbols.getAsArray())[0].getAsObject();
  REQUIRE(symbol != nullptr);
  CHECK(symbol->getString("name") == llvm::StringRef("a2"));
}

// ---------------------------------------------------------------- text edits

// A pure function; tests/lsp/utf16_edits.jsonrpc drives the same through the server.
TEST_CASE("incremental edits count UTF-16 units, clamp and swap", "[lsp]") {
  auto edit = [](std::string text, int64_t l1, int64_t c1, int64_t l2, int64_t c2, std::string with) {
    lsp::TextDocumentContentChangeEvent change;
    change.range = lsp::Range{{l1, c1}, {l2, c2}};
    change.text = std::move(with);
    lsp::ApplyChange(text, change);
    return text;
  };
  // `é` is one UTF-16 unit (2 bytes), `😀` two units (4 bytes).
  CHECK(edit("a😀b\n", 0, 3, 0, 4, "X") == "a😀X\n");
  CHECK(edit("é😀b\n", 0, 1, 0, 3, "") == "éb\n");
  CHECK(edit("x\n/// café ☕ ok\n", 1, 11, 1, 13, "OK") == "x\n/// café ☕ OK\n");
  // Past the end of a line or of the text: clamped there.
  CHECK(edit("ab\ncd\n", 0, 99, 0, 99, "!") == "ab!\ncd\n");
  CHECK(edit("ab\ncd", 7, 0, 9, 0, "!") == "ab\ncd!");
  // A reversed range is taken the right way round.
  CHECK(edit("abcdef", 0, 4, 0, 1, "") == "aef");
  // A column inside a surrogate pair does not split the code point.
  CHECK(edit("😀z", 0, 1, 0, 1, "-") == "-😀z");
  // CRLF: the end of a line is before its `\r`.
  CHECK(edit("ab\r\ncd", 0, 50, 0, 50, "!") == "ab!\r\ncd");
  lsp::TextDocumentContentChangeEvent full;
  full.text = "whole";
  std::string text = "old";
  lsp::ApplyChange(text, full);
  CHECK(text == "whole");
}

// ---------------------------------------------------------------- robustness

// A sweep: every request at 18 positions of a broken file answers with a
// result, never an error. A property over positions, not a conversation:
// pinning its 54 whole responses would only repeat the other transcripts.
TEST_CASE("a file full of syntax errors still answers", "[lsp]") {
  Client c;
  c.Initialize();
  std::string uri = "file:///e/bad.policy";
  std::string text = "package p\ngroup g\n}}} allow allow to to { \"unterminated\n@@@ ####\ngroup h\n";
  c.Open(uri, text);
  c.Flush();
  CHECK_FALSE(c.Diagnostics(uri)->empty());
  CHECK(c.Result("textDocument/documentSymbol", Doc(uri)).kind() == Value::Array);
  for (int line = 0; line < 6; ++line) {
    for (int col : {0, 3, 200}) {
      CHECK(c.Request("textDocument/hover", Pos(uri, line, col)).getAsObject()->get("result"));
      CHECK(c.Request("textDocument/completion", Pos(uri, line, col)).getAsObject()->get("result"));
      CHECK(c.Request("textDocument/definition", Pos(uri, line, col)).getAsObject()->get("result"));
    }
  }
  CHECK(c.Result("textDocument/formatting", Doc(uri)).getAsArray()->empty());
}

// ---------------------------------------------------------------- completion

// The completion context is a function of the text before the cursor; what
// completion answers from a program is tests/lsp/completion_program.jsonrpc.
TEST_CASE("completion context from the text before the cursor", "[lsp][completion]") {
  using K = syntax::DeclKind;
  auto at_end = [](const std::string& text) {
    return lsp::AnalyzeCompletion(text, static_cast<uint32_t>(text.size()));
  };
  auto kinds = [](const lsp::CompletionContext& c) { return c.kinds; };
  std::string head = "package p\nnamespace prod\n";
  CHECK(at_end(head).keywords == lsp::TopLevelKeywords());
  CHECK(at_end(head + "gr").keywords == lsp::TopLevelKeywords());
  CHECK(at_end(head + "gr").word == "gr");
  auto subjects = at_end(head + "allow ");
  CHECK(kinds(subjects) == std::vector<K>{K::User, K::Group, K::ServiceAccount, K::App});
  CHECK(subjects.keywords == std::vector<std::string>{"namespace", "any", "authenticated", "issuer"});
  CHECK(kinds(at_end(head + "deny a, ")) == std::vector<K>{K::User, K::Group, K::ServiceAccount, K::App});
  CHECK(kinds(at_end(head + "allow namespace ")) == std::vector<K>{K::Namespace});
  CHECK(at_end(head + "allow devs ").keywords == std::vector<std::string>{"to"});
  auto to = at_end(head + "allow devs to ");
  CHECK(kinds(to) == std::vector<K>{K::Action});
  CHECK(to.keywords == std::vector<std::string>{"call", "run"});
  CHECK(kinds(at_end(head + "allow devs to call ")) == std::vector<K>{K::App});
  CHECK(kinds(at_end(head + "allow devs to run ")) == std::vector<K>{K::Pipeline});
  CHECK(kinds(at_end(head + "allow devs to run a, ")) == std::vector<K>{K::Pipeline});
  auto in = at_end(head + "allow devs to view in ");
  CHECK(kinds(in) == std::vector<K>{K::Namespace});
  CHECK(in.keywords == std::vector<std::string>{"cluster"});
  CHECK(kinds(at_end(head + "allow devs to view in a, ")) == std::vector<K>{K::Namespace});
  CHECK(kinds(at_end(head + "allow devs to view ")) == std::vector<K>{K::App});
  CHECK(kinds(at_end(head + "allow a to call b in ")) == std::vector<K>{K::Namespace});
  CHECK(at_end(head + "allow a to call b methods ").http_methods);
  CHECK(at_end(head + "allow a to call b when ").condition_keys);
  // An indented line under a call rule continues it; at column 0, a new item.
  CHECK(Has(at_end(head + "allow a to call b in prod\n  ").keywords, "methods"));
  CHECK(at_end(head + "allow a to call b in prod\n").keywords == lsp::TopLevelKeywords());
  CHECK(at_end(head + "allow a to view in prod\n  al").keywords == lsp::TopLevelKeywords());
  CHECK(kinds(at_end(head + "serviceaccount sa in ")) == std::vector<K>{K::Namespace});
  CHECK(kinds(at_end(head + "app a in x, ")) == std::vector<K>{K::Namespace});
  // Action bodies: resources, then verbs after `:` and `,`.
  std::string action = head + "action a {\n  pods: get, list\n  ";
  CHECK(kinds(at_end(action)) == std::vector<K>{K::Resource});
  CHECK(at_end(action).keywords == std::vector<std::string>{"include"});
  CHECK(at_end(action + "services: ").verbs);
  CHECK(at_end(action + "services: get, ").verbs);
  CHECK(at_end(action + "services: get, li").word == "li");
  CHECK(kinds(at_end(action + "include ")) == std::vector<K>{K::Action});
  // Qualified names.
  auto qualified = at_end(head + "allow plat.");
  REQUIRE(qualified.qualifier);
  CHECK(*qualified.qualifier == "plat");
  auto qualified2 = at_end(head + "allow devs to view in plat.c");
  CHECK(*qualified2.qualifier == "plat");
  CHECK(qualified2.word == "c");
  CHECK(kinds(qualified2) == std::vector<K>{K::Namespace});
  // Tests.
  std::string test = head + "test \"t\" {\n  expect allow a to ";
  CHECK(at_end(test).verbs);
  CHECK(kinds(at_end(test + "get ")) == std::vector<K>{K::Resource});
  CHECK(at_end(head + "test \"t\" {\n  ").keywords == std::vector<std::string>{"expect"});
  // Blocks of declarations.
  CHECK(kinds(at_end(head + "app a in prod {\n  serviceaccount ")) == std::vector<K>{K::ServiceAccount});
  CHECK(at_end(head + "app a in prod {\n  ports 8080 ").protocols);
  CHECK(kinds(at_end(head + "app a in prod {\n objects {\n  pods: \"a\"\n  ")) == std::vector<K>{K::Resource});
  // Nothing in comments and strings.
  CHECK(at_end(head + "// allow ").empty());
  CHECK(at_end(head + "group g = \"allow ").empty());
  CHECK(at_end(head + "/* allow ").empty());
  // Lookahead: an API rule's subjects get no `any`.
  std::string api = head + "allow  to view in prod\n";
  auto api_ctx = lsp::AnalyzeCompletion(api, static_cast<uint32_t>(head.size() + 6));
  CHECK(api_ctx.keywords.empty());
  CHECK(kinds(api_ctx) == std::vector<K>{K::User, K::Group, K::ServiceAccount, K::App});
}

// ---------------------------------------------------------------- transport

TEST_CASE("framing: messages, bad headers, limits and end of input", "[lsp][transport]") {
  std::string body1 = "{\"a\":1}", body2 = "{\"b\":\"é\"}";
  std::string input = lsp::Frame(body1) + "Content-Type: application/vscode-jsonrpc; charset=utf-8\r\n" +
                      "content-length: " + std::to_string(body2.size()) + "\r\n\r\n" + body2 +
                      "X-Nothing: 1\r\n\r\n" +                       // no length
                      "Content-Length: 12abc\r\n\r\n" +              // bad length
                      "Content-Length: 99999999999\r\n\r\n" +        // over the limit
                      lsp::Frame(body1) + "Content-Length: 50\r\n\r\n{\"trunc";
  lsp::StringSource source(input);
  lsp::MessageReader reader(source);
  using Kind = lsp::ReadEvent::Kind;
  auto e = reader.Next();
  CHECK((e.kind == Kind::Message && e.body == body1));
  e = reader.Next();
  CHECK((e.kind == Kind::Message && e.body == body2));
  e = reader.Next();
  CHECK((e.kind == Kind::Error && e.error == "missing Content-Length header"));
  e = reader.Next();
  CHECK((e.kind == Kind::Error && e.error == "invalid Content-Length header"));
  // Reported at once. 93 GiB is past what is skipped by length (1 GiB): the
  // reader resynchronizes on the next header instead of waiting for it.
  e = reader.Next();
  CHECK((e.kind == Kind::Error && e.error.find("larger than the limit") != std::string::npos));
  e = reader.Next();
  CHECK((e.kind == Kind::Message && e.body == body1));
  e = reader.Next();  // the truncated last message
  CHECK(e.kind == Kind::Eof);

  std::string big_header = "X: " + std::string(lsp::kMaxHeaderBytes * 2, 'x') + "\r\n" +
                           "Content-Length: 2\r\n\r\n{}" + lsp::Frame(body1);
  lsp::StringSource s2(big_header);
  lsp::MessageReader r2(s2);
  e = r2.Next();
  CHECK(e.kind == Kind::Error);
  e = r2.Next();
  CHECK((e.kind == Kind::Message && e.body == body1));
  CHECK(r2.Next().kind == Kind::Eof);

  std::string too_big = "Content-Length: " + std::to_string(lsp::kMaxContentLength + 1) + "\r\n\r\n" +
                        std::string(lsp::kMaxContentLength + 1, ' ') + lsp::Frame(body1);
  lsp::StringSource s3(too_big);
  lsp::MessageReader r3(s3);
  e = r3.Next();
  CHECK((e.kind == Kind::Error && e.error.find("larger than the limit") != std::string::npos));
  e = r3.Next();
  CHECK((e.kind == Kind::Message && e.body == body1));
}

TEST_CASE("file URIs and paths", "[lsp]") {
  CHECK(lsp::FileUriToPath("file:///a/b%20c/d.policy") == "/a/b c/d.policy");
  CHECK(lsp::FileUriToPath("file://localhost/a/./x/../y.policy") == "/a/y.policy");
  CHECK_FALSE(lsp::FileUriToPath("untitled:Untitled-1"));
  CHECK(lsp::DocumentPath("untitled:Untitled-1") == "untitled:Untitled-1");
  CHECK(lsp::PathToFileUri("/a/b c/ü.policy") == "file:///a/b%20c/%C3%BC.policy");
  CHECK_FALSE(lsp::PathToFileUri("std/core.policy"));
}

TEST_CASE("completion of audit rules and expectations (spec §14)", "[lsp][completion]") {
  using K = syntax::DeclKind;
  auto at_end = [](const std::string& text) {
    return lsp::AnalyzeCompletion(text, static_cast<uint32_t>(text.size()));
  };
  std::string head = "package p\nnamespace prod\n";
  CHECK(Has(lsp::TopLevelKeywords(), "audit"));
  CHECK(at_end(head + "audit ").kinds == std::vector<K>{K::User, K::Group, K::ServiceAccount, K::App});
  // Audit rules do not run pipelines.
  CHECK(at_end(head + "audit devs to ").keywords == std::vector<std::string>{"call"});
  auto after_ns = at_end(head + "audit devs to view in prod ");
  CHECK(after_ns.keywords == std::vector<std::string>{"level"});
  CHECK(at_end(head + "audit devs to view in cluster ").keywords == std::vector<std::string>{"level"});
  auto levels = at_end(head + "audit devs to view in prod level ");
  CHECK(levels.keywords == std::vector<std::string>{"metadata", "request", "request-response"});
  CHECK(at_end(head + "audit devs to view in prod level request ").empty());
  CHECK(at_end(head + "audit a to call b when ").condition_keys);
  CHECK(Has(at_end(head + "audit a to call b in prod\n  ").keywords, "methods"));
  // Allow rules get no `level`.
  CHECK(!Has(at_end(head + "allow devs to view in prod ").keywords, "level"));
  std::string test = head + "test \"t\" {\n  expect ";
  CHECK(at_end(test).keywords == std::vector<std::string>{"allow", "deny", "audited", "unaudited"});
  CHECK(at_end(test + "audited a to get pods in prod ").keywords == std::vector<std::string>{"level"});
  CHECK(Has(at_end(test + "audited a to get pods in prod level ").keywords, "request-response"));
  // `audit` and `level` are contextual: a declaration named so ends its
  // statement, and the next line starts a new one.
  for (const char* name : {"level", "audit"}) {
    CHECK(at_end(head + "group " + name + "\n").keywords == lsp::TopLevelKeywords());
  }
}
