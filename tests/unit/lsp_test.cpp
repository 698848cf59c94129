// The language server, driven in-process through its message handler
// (JSON text in, messages out): lifecycle, JSON-RPC errors, diagnostics
// across files, UTF-16 edits, hover, definition, references, symbols,
// completion, formatting and rename; the transport's framing and limits.
// The fuzz tests are in lsp_fuzz_test.cpp.
#include <catch2/catch.hpp>

#include "compiler/lsp/completion_context.h"
#include "compiler/lsp/transport.h"
#include "compiler/lsp/workspace.h"
#include "lsp_client.h"

using namespace stave;
using namespace stave::testing;

namespace {

const std::string kShared =
    "package shop\n"
    "namespace prod = \"shop-prod\" { mtls strict }\n"
    "/// The shop's developers.\n"
    "group devs = \"shop-developers\"\n"
    "user dana = \"dana@shop.example\"\n"
    "serviceaccount deployer = \"shop-deployer\" in prod\n";

const std::string kRules =
    "package shop\n"
    "allow devs to view in prod\n"
    "allow dana, devs to edit in prod\n";

}  // namespace

// ---------------------------------------------------------------- lifecycle

TEST_CASE("initialize announces the capabilities", "[lsp]") {
  Client c;
  Value result = c.Initialize();
  const Object* caps = result.getAsObject()->getObject("capabilities");
  REQUIRE(caps);
  CHECK(caps->getString("positionEncoding") == llvm::StringRef("utf-16"));
  const Object* sync = caps->getObject("textDocumentSync");
  CHECK(sync->getInteger("change") == 2);
  CHECK(sync->getBoolean("openClose") == true);
  for (const char* p : {"hoverProvider", "definitionProvider", "referencesProvider",
                        "documentSymbolProvider", "documentFormattingProvider"}) {
    CHECK(caps->getBoolean(p) == true);
  }
  const Array* triggers = caps->getObject("completionProvider")->getArray("triggerCharacters");
  REQUIRE(triggers->size() == 2);
  CHECK((*triggers)[0].getAsString() == llvm::StringRef(" "));
  CHECK((*triggers)[1].getAsString() == llvm::StringRef("."));
  CHECK(caps->getObject("renameProvider")->getBoolean("prepareProvider") == false);
  CHECK(result.getAsObject()->getObject("serverInfo")->getString("name") == llvm::StringRef("stave"));
  // A second initialize is refused.
  CHECK(c.ErrorCode("initialize", Object{}) == lsp::kInvalidRequest);
}

TEST_CASE("requests before initialize are refused; shutdown then exit", "[lsp]") {
  Client c;
  CHECK(c.ErrorCode("textDocument/hover", Pos("file:///x.policy", 0, 0)) == lsp::kServerNotInitialized);
  c.Initialize();
  CHECK(c.Result("shutdown", nullptr).kind() == Value::Null);
  CHECK(c.ErrorCode("textDocument/hover", Pos("file:///x.policy", 0, 0)) == lsp::kInvalidRequest);
  CHECK_FALSE(c.server().ExitRequested());
  c.Notify("exit", nullptr);
  CHECK(c.server().ExitRequested());
  CHECK(c.server().ExitCode() == 0);
}

TEST_CASE("exit without shutdown exits with 1", "[lsp]") {
  Client c;
  c.Initialize();
  c.Notify("exit", nullptr);
  CHECK(c.server().ExitRequested());
  CHECK(c.server().ExitCode() == 1);
}

// ---------------------------------------------------------------- JSON-RPC

TEST_CASE("malformed messages get JSON-RPC errors", "[lsp]") {
  Client c;
  c.Initialize();
  auto last_error = [&]() -> std::pair<Value, int64_t> {
    const Object* o = c.messages().back().getAsObject();
    REQUIRE(o->getObject("error"));
    return {*o->get("id"), *o->getObject("error")->getInteger("code")};
  };
  c.Raw("{\"jsonrpc\": \"2.0\", \"id\": 1, \"method\": ");
  CHECK(last_error().first.kind() == Value::Null);
  CHECK(last_error().second == lsp::kParseError);
  c.Raw("[1, 2, 3]");
  CHECK(last_error().second == lsp::kInvalidRequest);
  c.Raw("{\"jsonrpc\": \"2.0\", \"id\": {\"a\": 1}, \"method\": \"shutdown\"}");
  CHECK(last_error().first.kind() == Value::Null);
  CHECK(last_error().second == lsp::kInvalidRequest);
  c.Raw("{\"jsonrpc\": \"2.0\", \"id\": 7, \"method\": 12}");
  CHECK(last_error().first.getAsInteger() == 7);
  CHECK(last_error().second == lsp::kInvalidRequest);
  c.Raw("{\"jsonrpc\": \"1.0\", \"id\": 8, \"method\": \"shutdown\"}");
  CHECK(last_error().second == lsp::kInvalidRequest);
  c.Raw("{\"jsonrpc\": \"2.0\", \"id\": \"abc\", \"method\": \"no/such/method\"}");
  CHECK(last_error().first.getAsString() == llvm::StringRef("abc"));
  CHECK(last_error().second == lsp::kMethodNotFound);
  c.Raw("{\"jsonrpc\": \"2.0\", \"id\": 9, \"method\": \"textDocument/hover\", \"params\": "
        "{\"textDocument\": {\"uri\": 5}, \"position\": {\"line\": \"x\"}}}");
  CHECK(last_error().second == lsp::kInvalidParams);
  c.Raw("{\"jsonrpc\": \"2.0\", \"id\": 10, \"method\": \"textDocument/hover\", \"params\": "
        "{\"textDocument\": {\"uri\": \"file:///a.policy\"}, \"position\": {\"line\": -1, "
        "\"character\": 0}}}");
  CHECK(last_error().second == lsp::kInvalidParams);
  c.Raw("{\"jsonrpc\": \"2.0\", \"id\": 11, \"method\": \"textDocument/references\"}");
  CHECK(last_error().second == lsp::kInvalidParams);
  // Deep nesting is refused before the recursive parser sees it.
  c.Raw(std::string(100000, '[') + std::string(100000, ']'));
  CHECK(last_error().second == lsp::kParseError);
  // An unknown notification is ignored: no answer at all.
  size_t before = c.messages().size();
  c.Raw("{\"jsonrpc\": \"2.0\", \"method\": \"no/such/notification\", \"params\": {}}");
  c.Raw("{\"jsonrpc\": \"2.0\", \"method\": \"$/setTrace\", \"params\": {\"value\": \"off\"}}");
  CHECK(c.messages().size() == before);
  // A huge id is echoed back as the number it is.
  c.Raw("{\"jsonrpc\": \"2.0\", \"id\": 123456789012345678901234567890, \"method\": \"x/y\"}");
  CHECK(last_error().first.kind() == Value::Number);
  CHECK(last_error().first.getAsNumber().getValueOr(0) == Approx(1.2345678901234568e29));
}

TEST_CASE("requests about unknown documents answer null or empty", "[lsp]") {
  Client c;
  c.Initialize();
  std::string uri = "file:///nowhere/missing.policy";
  CHECK(c.Result("textDocument/hover", Pos(uri, 0, 0)).kind() == Value::Null);
  CHECK(c.Result("textDocument/definition", Pos(uri, 3, 99)).kind() == Value::Null);
  Value refs = c.Result("textDocument/references",
                        Object{{"textDocument", Object{{"uri", uri}}},
                               {"position", Object{{"line", 0}, {"character", 0}}},
                               {"context", Object{{"includeDeclaration", true}}}});
  CHECK(refs.getAsArray()->empty());
  CHECK(c.Result("textDocument/documentSymbol", Doc(uri)).getAsArray()->empty());
  CHECK(Labels(c.Result("textDocument/completion", Pos(uri, 0, 0))).empty());
  CHECK(c.Result("textDocument/formatting", Doc(uri)).kind() == Value::Null);
  CHECK(c.ErrorCode("textDocument/rename",
                    Object{{"textDocument", Object{{"uri", uri}}},
                           {"position", Object{{"line", 0}, {"character", 0}}},
                           {"newName", "x"}}) == lsp::kRequestFailed);
}

// ---------------------------------------------------------------- diagnostics

TEST_CASE("diagnostics for every file, across files, cleared when fixed", "[lsp]") {
  TempDir dir;
  dir.Write("shared.policy", kShared);
  dir.Write("rules.policy", "package shop\nallow devz to view in prod\n");
  Client c;
  c.Initialize(dir.Uri());
  c.Flush();  // `initialized` checks the whole workspace
  std::string shared = dir.Uri("shared.policy"), rules = dir.Uri("rules.policy");
  auto d = c.Diagnostics(rules);
  REQUIRE(d);
  REQUIRE(d->size() == 1);
  const Object* diag = (*d)[0].getAsObject();
  CHECK(diag->getString("code") == llvm::StringRef("E0101"));
  CHECK(diag->getInteger("severity") == 1);
  CHECK(diag->getString("source") == llvm::StringRef("stave"));
  CHECK(diag->getString("message")->contains("help: did you mean `devs`?"));
  const Object* start = diag->getObject("range")->getObject("start");
  const Object* end = diag->getObject("range")->getObject("end");
  CHECK(start->getInteger("line") == 1);
  CHECK(start->getInteger("character") == 6);
  CHECK(end->getInteger("character") == 10);
  REQUIRE(c.Diagnostics(shared));
  CHECK(c.Diagnostics(shared)->empty());

  // Fix it in the editor with an incremental edit: the file is cleared.
  c.Open(rules, "package shop\nallow devz to view in prod\n");
  c.Edit(rules, 2, 1, 9, 1, 10, "s");
  c.Flush();
  CHECK(c.Diagnostics(rules)->empty());

  // Removing the group in the other (open) file breaks this one, unopened
  // files are checked too, and the version of the open one is reported.
  c.Open(shared, kShared);
  auto [line, col] = Where(kShared, "group devs");
  c.Edit(shared, 5, line, col, line + 1, 0, "");
  c.Flush();
  REQUIRE(c.Diagnostics(rules)->size() == 1);
  CHECK((*c.Diagnostics(rules))[0].getAsObject()->getString("code") == llvm::StringRef("E0101"));
}

TEST_CASE("warnings, notes as related information, and closing reverts to disk", "[lsp]") {
  TempDir dir;
  dir.Write("a.policy", "package shop\ngroup devs\n");
  Client c;
  c.Initialize(dir.Uri());
  std::string a = dir.Uri("a.policy");
  // An unsaved duplicate: the later one is the error, with a note at the first.
  c.Open(a, "package shop\ngroup devs\nuser devs\nimport other\n");
  c.Flush();
  auto d = c.Diagnostics(a);
  REQUIRE(d);
  bool saw_duplicate = false;
  for (const Value& v : *d) {
    const Object* o = v.getAsObject();
    if (o->getString("code") != llvm::StringRef("E0102")) continue;
    saw_duplicate = true;
    CHECK(o->getObject("range")->getObject("start")->getInteger("line") == 2);
    const Array* related = o->getArray("relatedInformation");
    REQUIRE(related);
    bool note_at_first = false;
    for (const Value& r : *related) {
      const Object* loc = r.getAsObject()->getObject("location");
      if (loc->getString("uri") == llvm::StringRef(a) &&
          loc->getObject("range")->getObject("start")->getInteger("line") == 1) {
        note_at_first = r.getAsObject()->getString("message")->contains("first declared here");
      }
    }
    CHECK(note_at_first);
  }
  CHECK(saw_duplicate);
  // Close: the disk text (no problems) is checked again, and the list cleared.
  c.Notify("textDocument/didClose", Doc(a));
  c.Flush();
  CHECK(c.Diagnostics(a)->empty());
}

TEST_CASE("warning severity and documents outside the root", "[lsp]") {
  Client c;
  c.Initialize();
  std::string uri = "file:///elsewhere/x.policy";
  c.Open(uri, "package p\nnamespace prod\ngroup g\nallow g to view in cluster\n");
  c.Flush();
  auto d = c.Diagnostics(uri);
  REQUIRE(d);
  REQUIRE_FALSE(d->empty());
  bool warning = false;
  for (const Value& v : *d) warning |= v.getAsObject()->getInteger("severity") == 2;
  CHECK(warning);
  // Closing a document outside the root removes it from the program: cleared.
  c.Notify("textDocument/didClose", Doc(uri));
  c.Flush();
  CHECK(c.Diagnostics(uri)->empty());
}

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

// ---------------------------------------------------------------- text edits

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

TEST_CASE("edits through the server on a line with non-ASCII text", "[lsp]") {
  Client c;
  c.Initialize();
  std::string uri = "file:///u/a.policy";
  c.Open(uri, "package p\n/// Grüße 😀 team\ngroup devz\nallow devs to view in cluster\n");
  c.Flush();
  CHECK_FALSE(c.Diagnostics(uri)->empty());
  // Replace the `😀` (columns 10-12 in UTF-16) and fix `devz` on the next line.
  c.Edit(uri, 2, 1, 10, 1, 12, "☕");
  c.Edit(uri, 3, 2, 9, 2, 10, "s");
  Value hover = c.Result("textDocument/hover", Pos(uri, 3, 7));
  INFO(ToText(hover));
  REQUIRE(hover.kind() == Value::Object);
  std::string md = hover.getAsObject()->getObject("contents")->getString("value")->str();
  CHECK(md.find("**group** `p.devs`") != std::string::npos);
  CHECK(md.find("Grüße ☕ team") != std::string::npos);
  // Diagnostic positions after non-ASCII text are in UTF-16 units:
  // `allow /*é😀*/ ` is 14 units (and 17 bytes).
  c.Edit(uri, 4, 3, 0, 3, 10, "allow /*é😀*/ devz");
  c.Flush();
  auto diags = c.Diagnostics(uri);
  REQUIRE(diags);
  const Object* range = nullptr;
  for (const Value& v : *diags) {
    if (v.getAsObject()->getString("code") == llvm::StringRef("E0101")) range = v.getAsObject()->getObject("range");
  }
  REQUIRE(range);
  CHECK(range->getObject("start")->getInteger("line") == 3);
  CHECK(range->getObject("start")->getInteger("character") == 14);
  CHECK(range->getObject("end")->getInteger("character") == 18);
}

// ---------------------------------------------------------------- features

TEST_CASE("hover shows kind, name, doc, Kubernetes name and lowered objects", "[lsp]") {
  TempDir dir;
  dir.Write("shared.policy", kShared);
  dir.Write("rules.policy", kRules);
  Client c;
  c.Initialize(dir.Uri());
  std::string rules = dir.Uri("rules.policy"), shared = dir.Uri("shared.policy");
  c.Open(rules, kRules);
  Value hover = c.Result("textDocument/hover", At(rules, kRules, "devs", 2));
  std::string md = hover.getAsObject()->getObject("contents")->getString("value")->str();
  CHECK(hover.getAsObject()->getObject("contents")->getString("kind") == llvm::StringRef("markdown"));
  CHECK(md.find("**group** `shop.devs`") != std::string::npos);
  CHECK(md.find("The shop's developers.") != std::string::npos);
  CHECK(md.find("Kubernetes name: `shop-developers`") != std::string::npos);
  const Object* range = hover.getAsObject()->getObject("range");
  CHECK(range->getObject("start")->getInteger("character") == 6);
  CHECK(range->getObject("end")->getInteger("character") == 10);

  // On the rule's keyword: the Role and RoleBinding it produces.
  Value rule = c.Result("textDocument/hover", At(rules, kRules, "allow dana", 1));
  md = rule.getAsObject()->getObject("contents")->getString("value")->str();
  CHECK(md.find("allow dana, devs to edit in prod") != std::string::npos);
  CHECK(md.find("```yaml") != std::string::npos);
  CHECK(md.find("kind: RoleBinding") != std::string::npos);
  CHECK(md.find("name: stave:edit") != std::string::npos);

  // On a declaration that lowers by itself (a serviceaccount).
  c.Open(shared, kShared);
  Value sa = c.Result("textDocument/hover", At(shared, kShared, "deployer"));
  md = sa.getAsObject()->getObject("contents")->getString("value")->str();
  CHECK(md.find("**serviceaccount** `shop.deployer`") != std::string::npos);
  CHECK(md.find("kind: ServiceAccount") != std::string::npos);
  CHECK(md.find("- in `shop-prod`") != std::string::npos);

  // A std name: its permissions, from the standard library.
  Value view = c.Result("textDocument/hover", At(rules, kRules, "view"));
  md = view.getAsObject()->getObject("contents")->getString("value")->str();
  CHECK(md.find("**action** `std.view`") != std::string::npos);
  CHECK(md.find("standard library") != std::string::npos);
  // Whitespace outside any item: nothing.
  CHECK(c.Result("textDocument/hover", Pos(rules, 0, 12)).kind() == Value::Null);
}

TEST_CASE("definition and references across files", "[lsp]") {
  TempDir dir;
  dir.Write("shared.policy", kShared);
  dir.Write("rules.policy", kRules);
  Client c;
  c.Initialize(dir.Uri());
  std::string rules = dir.Uri("rules.policy"), shared = dir.Uri("shared.policy");
  c.Open(rules, kRules);
  Value def = c.Result("textDocument/definition", At(rules, kRules, "devs"));
  REQUIRE(def.getAsArray()->size() == 1);
  const Object* loc = (*def.getAsArray())[0].getAsObject();
  CHECK(loc->getString("uri") == llvm::StringRef(shared));
  auto [line, col] = Where(kShared, "devs");
  CHECK(loc->getObject("range")->getObject("start")->getInteger("line") == line);
  CHECK(loc->getObject("range")->getObject("start")->getInteger("character") == col);
  // std names have no file to go to.
  CHECK(c.Result("textDocument/definition", At(rules, kRules, "view")).kind() == Value::Null);

  auto refs = [&](bool include) {
    return c.Result("textDocument/references",
                    Object{{"textDocument", Object{{"uri", shared}}},
                           {"position", Object{{"line", line}, {"character", col + 1}}},
                           {"context", Object{{"includeDeclaration", include}}}});
  };
  CHECK(refs(false).getAsArray()->size() == 2);
  Value all = refs(true);
  REQUIRE(all.getAsArray()->size() == 3);
  int in_rules = 0;
  for (const Value& v : *all.getAsArray()) in_rules += v.getAsObject()->getString("uri") == llvm::StringRef(rules);
  CHECK(in_rules == 2);
}

TEST_CASE("document symbols: declarations, rules and tests", "[lsp]") {
  Client c;
  c.Initialize();
  std::string uri = "file:///s/a.policy";
  std::string text =
      "package p\nnamespace prod\ngroup g = \"gee\"\naction read { pods: get }\n"
      "allow g to read in prod\n"
      "test \"g reads\" {\n  expect allow g to get pods in prod\n}\n";
  c.Open(uri, text);
  Value symbols = c.Result("textDocument/documentSymbol", Doc(uri));
  const Array& list = *symbols.getAsArray();
  REQUIRE(list.size() == 5);
  auto name = [&](size_t i) { return list[i].getAsObject()->getString("name")->str(); };
  auto kind = [&](size_t i) { return *list[i].getAsObject()->getInteger("kind"); };
  CHECK(name(0) == "prod");
  CHECK(kind(0) == 3);  // Namespace
  CHECK(name(1) == "g");
  CHECK(list[1].getAsObject()->getString("detail") == llvm::StringRef("group \"gee\""));
  CHECK(name(2) == "read");
  CHECK(kind(2) == 12);  // Function
  CHECK(name(3) == "allow g to read in prod");
  CHECK(kind(3) == 24);  // Event
  CHECK(name(4) == "g reads");
  const Array* children = list[4].getAsObject()->getArray("children");
  REQUIRE(children);
  REQUIRE(children->size() == 1);
  CHECK((*children)[0].getAsObject()->getString("name")->str().find("allow g to get pods") !=
        std::string::npos);
}

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

TEST_CASE("binary and invalid UTF-8 files in the workspace", "[lsp]") {
  TempDir dir;
  dir.Write("bin.policy", std::string("\x7f""ELF\0\0\x01\xff\xfe", 10));
  dir.Write("latin1.policy", "package p\n// caf\xe9\ngroup g\n");
  dir.Write("ok.policy", "package p\ngroup h\n");
  Client c;
  c.Initialize(dir.Uri());
  c.Flush();  // every message was checked to be valid JSON on arrival
  REQUIRE(c.Diagnostics(dir.Uri("bin.policy")));
  CHECK_FALSE(c.Diagnostics(dir.Uri("bin.policy"))->empty());
  CHECK_FALSE(c.Diagnostics(dir.Uri("latin1.policy"))->empty());
  CHECK(c.Result("textDocument/documentSymbol", Doc(dir.Uri("latin1.policy"))).kind() == Value::Array);
  CHECK(c.Request("textDocument/hover", Pos(dir.Uri("bin.policy"), 0, 2)).getAsObject()->get("result"));
}

// ---------------------------------------------------------------- completion

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

TEST_CASE("completion offers names of the wanted kinds from the program", "[lsp][completion]") {
  TempDir dir;
  dir.Write("plat.policy",
            "package platform\nnamespace ci = \"tekton-ci\"\ngroup ops\napp gateway in ci {\n"
            "  selector { app = \"gw\" }\n}\n");
  dir.Write("shared.policy", kShared +
                                 "pipeline release in prod { serviceaccount deployer }\n"
                                 "app api in prod { selector { app = \"api\" } }\n");
  Client c;
  c.Initialize(dir.Uri());
  std::string uri = dir.Uri("new.policy");
  std::string text = "package shop\nimport platform as plat\n";
  c.Open(uri, text);
  auto complete = [&](const std::string& line) {
    c.Replace(uri, 9, text + line);
    return Labels(c.Result("textDocument/completion", Pos(uri, 2, static_cast<int64_t>(line.size()))));
  };
  auto subjects = complete("allow ");
  CHECK(Has(subjects, "devs"));
  CHECK(Has(subjects, "dana"));
  CHECK(Has(subjects, "deployer"));
  CHECK(Has(subjects, "api"));
  CHECK(Has(subjects, "plat.ops"));
  CHECK(Has(subjects, "namespace"));
  CHECK(Has(subjects, "any"));
  CHECK_FALSE(Has(subjects, "prod"));
  CHECK_FALSE(Has(subjects, "view"));
  auto actions = complete("allow devs to ");
  CHECK(Has(actions, "view"));
  CHECK(Has(actions, "deploy"));
  CHECK(Has(actions, "call"));
  CHECK(Has(actions, "run"));
  CHECK_FALSE(Has(actions, "devs"));
  auto apps = complete("allow devs to call ");
  CHECK(Has(apps, "api"));
  CHECK(Has(apps, "plat.gateway"));
  CHECK_FALSE(Has(apps, "view"));
  CHECK(complete("allow devs to run ") == std::vector<std::string>{"release"});
  auto namespaces = complete("allow devs to view in ");
  CHECK(Has(namespaces, "prod"));
  CHECK(Has(namespaces, "plat.ci"));
  CHECK(Has(namespaces, "cluster"));
  CHECK(complete("allow plat.") == std::vector<std::string>{"gateway", "ops"});
  auto verbs = complete("action a { pods: ");
  CHECK(Has(verbs, "get"));
  CHECK(Has(verbs, "deletecollection"));
  CHECK(Has(verbs, "impersonate"));
  auto resources = complete("action a { ");
  CHECK(Has(resources, "pods"));
  CHECK(Has(resources, "include"));
  auto top = complete("");
  CHECK(Has(top, "allow"));
  CHECK(Has(top, "namespace"));
  CHECK(Has(top, "test"));
  // The item replaces the partial word, `-` included.
  c.Replace(uri, 20, text + "allow dev-x");
  Value list = c.Result("textDocument/completion", Pos(uri, 2, 11));
  const Object* item = (*list.getAsObject()->getArray("items"))[0].getAsObject();
  const Object* range = item->getObject("textEdit")->getObject("range");
  CHECK(range->getObject("start")->getInteger("character") == 6);
  CHECK(range->getObject("end")->getInteger("character") == 11);
}

// ---------------------------------------------------------------- formatting and rename

TEST_CASE("formatting: one whole-document edit, none for syntax errors", "[lsp]") {
  Client c;
  c.Initialize();
  std::string uri = "file:///f/a.policy";
  std::string text = "package   p\ngroup    g\n\n\n\nuser u\n";
  c.Open(uri, text);
  Value edits = c.Result("textDocument/formatting",
                         Object{{"textDocument", Object{{"uri", uri}}},
                                {"options", Object{{"tabSize", 2}, {"insertSpaces", true}}}});
  REQUIRE(edits.kind() == Value::Array);
  REQUIRE(edits.getAsArray()->size() == 1);
  const Object* edit = (*edits.getAsArray())[0].getAsObject();
  const Object* range = edit->getObject("range");
  CHECK(range->getObject("start")->getInteger("line") == 0);
  CHECK(range->getObject("start")->getInteger("character") == 0);
  CHECK(range->getObject("end")->getInteger("line") == 6);
  CHECK(range->getObject("end")->getInteger("character") == 0);
  std::string formatted = edit->getString("newText")->str();
  CHECK(formatted.find("package p\n") == 0);
  CHECK(formatted.find("group g\n") != std::string::npos);
  // Already formatted: no edit.
  c.Replace(uri, 2, formatted);
  CHECK(c.Result("textDocument/formatting", Doc(uri)).getAsArray()->empty());
  c.Replace(uri, 3, "package p\ngroup = = =\n");
  CHECK(c.Result("textDocument/formatting", Doc(uri)).getAsArray()->empty());
}

TEST_CASE("rename: every use and the declaration, or a clear refusal", "[lsp]") {
  TempDir dir;
  dir.Write("shared.policy", kShared);
  dir.Write("rules.policy", kRules);
  dir.Write("other.policy", "package other\nimport shop\nnamespace ns\nallow shop.devs to view in ns\n");
  Client c;
  c.Initialize(dir.Uri());
  std::string rules = dir.Uri("rules.policy"), shared = dir.Uri("shared.policy");
  c.Open(rules, kRules);
  auto rename = [&](const Value& pos, const std::string& name) {
    Object params = *pos.getAsObject();
    params["newName"] = name;
    return c.Request("textDocument/rename", std::move(params));
  };
  Value ok = rename(At(rules, kRules, "devs"), "developers");
  const Object* changes = ok.getAsObject()->getObject("result")->getObject("changes");
  REQUIRE(changes);
  CHECK(changes->getArray(rules)->size() == 2);
  CHECK(changes->getArray(shared)->size() == 1);
  const Array* other = changes->getArray(dir.Uri("other.policy"));
  REQUIRE(other);
  REQUIRE(other->size() == 1);
  // In `shop.devs` only the name after the prefix changes.
  const Object* e = (*other)[0].getAsObject();
  CHECK(e->getString("newText") == llvm::StringRef("developers"));
  CHECK(e->getObject("range")->getObject("start")->getInteger("character") == 11);

  auto refused = [&](const Value& pos, const std::string& name) {
    Value r = rename(pos, name);
    const Object* error = r.getAsObject()->getObject("error");
    REQUIRE(error);
    CHECK(error->getInteger("code") == lsp::kRequestFailed);
    return error->getString("message")->str();
  };
  CHECK(refused(At(rules, kRules, "devs"), "9lives").find("not a valid name") != std::string::npos);
  CHECK(refused(At(rules, kRules, "devs"), "trailing-").find("not a valid name") != std::string::npos);
  CHECK(refused(At(rules, kRules, "devs"), "allow").find("reserved word") != std::string::npos);
  CHECK(refused(At(rules, kRules, "devs"), "dana").find("already declares `dana` (user)") !=
        std::string::npos);
  CHECK(refused(At(rules, kRules, "devs"), "edit").find("would shadow `std.edit`") != std::string::npos);
  CHECK(refused(At(rules, kRules, "view"), "look").find("standard library") != std::string::npos);
  CHECK(refused(Pos(rules, 0, 0), "x").find("no declared name") != std::string::npos);
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

TEST_CASE("quick fix: removing an unused import takes its line", "[lsp]") {
  Client c;
  c.Initialize();
  std::string uri = "file:///q/a.policy";
  std::string text = "package p\nimport std\ngroup g = \"g\"\n";
  c.Open(uri, text);
  Object start{{"line", 0}, {"character", 0}};
  Object end{{"line", 3}, {"character", 0}};
  Object range_param{{"start", std::move(start)}, {"end", std::move(end)}};
  Value actions = c.Result("textDocument/codeAction",
                           Object{{"textDocument", Object{{"uri", uri}}}, {"range", std::move(range_param)}});
  REQUIRE(actions.kind() == Value::Array);
  REQUIRE(actions.getAsArray()->size() == 1);
  const Object* action = (*actions.getAsArray())[0].getAsObject();
  CHECK(action->getString("title") == llvm::StringRef("Remove `import std`"));
  const Array* edits = action->getObject("edit")->getObject("changes")->getArray(uri);
  REQUIRE(edits->size() == 1);
  const Object* range = (*edits)[0].getAsObject()->getObject("range");
  // The whole line 1, newline included: no blank line is left.
  CHECK(range->getObject("start")->getInteger("line") == 1);
  CHECK(range->getObject("start")->getInteger("character") == 0);
  CHECK(range->getObject("end")->getInteger("line") == 2);
  CHECK(range->getObject("end")->getInteger("character") == 0);
  CHECK((*edits)[0].getAsObject()->getString("newText") == llvm::StringRef(""));
}

TEST_CASE("hover on ports says they are the pod's, not the Service's", "[lsp]") {
  Client c;
  c.Initialize();
  std::string uri = "file:///h/a.policy";
  std::string text =
      "package p\nnamespace demo = \"demo\"\napp httpbin in demo {\n  selector { app = \"httpbin\" }\n"
      "  ports 80\n}\ndeny any to call httpbin paths \"/admin/*\" ports 80\n";
  c.Open(uri, text);
  for (Value pos : {Pos(uri, 4, 3), Pos(uri, 6, 45)}) {
    Value hover = c.Result("textDocument/hover", pos);
    REQUIRE(hover.kind() == Value::Object);
    std::string md = hover.getAsObject()->getObject("contents")->getString("value")->str();
    CHECK(md.find("not the Service's own `port`") != std::string::npos);
  }
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
