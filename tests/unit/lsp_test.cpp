// The language server, driven in-process through its message handler
// (JSON text in, messages out): lifecycle, JSON-RPC errors, diagnostics
// across files, UTF-16 edits, hover, definition, references, symbols,
// completion, formatting and rename; the transport's framing and limits;
// and a fuzz test asserting that no input crashes the server and every
// request gets a result or an error.
#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <random>
#include <unistd.h>

#include "compiler/lsp/completion_context.h"
#include "compiler/lsp/server.h"
#include "compiler/lsp/transport.h"
#include "compiler/lsp/uri.h"
#include "compiler/lsp/workspace.h"

using namespace stave;
using lsp::json::Array;
using lsp::json::Object;
using lsp::json::Value;
namespace fs = std::filesystem;

// getInteger() gives Optional<int64_t>; compare it with int literals.
namespace llvm {
inline bool operator==(const Optional<int64_t>& a, int b) { return a && *a == b; }
}  // namespace llvm

namespace {

std::string ToText(const Value& v) {
  std::string out;
  llvm::raw_string_ostream os(out);
  os << v;
  return os.str();
}

// A temporary workspace directory, removed at the end of the test.
class TempDir {
 public:
  TempDir() {
    static int counter = 0;
    path_ = fs::temp_directory_path() /
            ("stave-lsp-test-" + std::to_string(::getpid()) + "-" + std::to_string(counter++));
    fs::remove_all(path_);
    fs::create_directories(path_);
  }
  ~TempDir() {
    std::error_code ec;
    fs::remove_all(path_, ec);
  }
  void Write(const std::string& name, const std::string& text) const {
    fs::create_directories((path_ / name).parent_path());
    std::ofstream(path_ / name, std::ios::binary) << text;
  }
  std::string Path() const { return path_.string(); }
  std::string Uri(const std::string& name = "") const {
    return *lsp::PathToFileUri(name.empty() ? path_.string() : (path_ / name).string());
  }

 private:
  fs::path path_;
};

// The server with its output collected.
class Client {
 public:
  explicit Client(std::chrono::milliseconds debounce = std::chrono::milliseconds(0))
      : server_([this](std::string text) { Receive(std::move(text)); }, Options(debounce)) {}

  static lsp::Server::Options Options(std::chrono::milliseconds debounce) {
    lsp::Server::Options o;
    o.debounce = debounce;
    return o;
  }

  void Raw(std::string_view text) { server_.HandleMessage(text); }
  void Send(const Value& message) { Raw(ToText(message)); }

  // Sends a request and returns its response (result or error object).
  Value Request(const std::string& method, Value params) {
    int64_t id = next_id_++;
    Send(Object{{"jsonrpc", "2.0"}, {"id", id}, {"method", method}, {"params", std::move(params)}});
    for (const Value& m : messages_) {
      const Object* o = m.getAsObject();
      if (o && o->get("id") && o->get("id")->getAsInteger() == id && !o->get("method")) return m;
    }
    FAIL("no response to " << method);
    return nullptr;
  }
  Value Result(const std::string& method, Value params) {
    Value response = Request(method, std::move(params));
    const Object* o = response.getAsObject();
    INFO(ToText(response));
    REQUIRE(o->get("result"));
    return *o->get("result");
  }
  // The error code of a request that must fail.
  int64_t ErrorCode(const std::string& method, Value params) {
    Value response = Request(method, std::move(params));
    INFO(ToText(response));
    const Object* error = response.getAsObject()->getObject("error");
    REQUIRE(error);
    return *error->getInteger("code");
  }
  std::string ErrorMessage(const std::string& method, Value params) {
    Value response = Request(method, std::move(params));
    const Object* error = response.getAsObject()->getObject("error");
    REQUIRE(error);
    return error->getString("message")->str();
  }
  void Notify(const std::string& method, Value params) {
    Send(Object{{"jsonrpc", "2.0"}, {"method", method}, {"params", std::move(params)}});
  }

  Value Initialize(const std::string& root_uri = "") {
    Object params{{"processId", nullptr}, {"capabilities", Object{}}};
    params["rootUri"] = root_uri.empty() ? Value(nullptr) : Value(root_uri);
    Value result = Result("initialize", std::move(params));
    Notify("initialized", Object{});
    return result;
  }
  void Open(const std::string& uri, const std::string& text, int64_t version = 1) {
    Notify("textDocument/didOpen",
           Object{{"textDocument",
                   Object{{"uri", uri}, {"languageId", "stave"}, {"version", version}, {"text", text}}}});
  }
  // An incremental edit of one range, in (line, UTF-16 column) positions.
  void Edit(const std::string& uri, int64_t version, int64_t l1, int64_t c1, int64_t l2, int64_t c2,
            const std::string& text) {
    Notify("textDocument/didChange",
           Object{{"textDocument", Object{{"uri", uri}, {"version", version}}},
                  {"contentChanges",
                   Array{Object{{"range", Object{{"start", Object{{"line", l1}, {"character", c1}}},
                                                 {"end", Object{{"line", l2}, {"character", c2}}}}},
                                {"text", text}}}}});
  }
  void Replace(const std::string& uri, int64_t version, const std::string& text) {
    Notify("textDocument/didChange",
           Object{{"textDocument", Object{{"uri", uri}, {"version", version}}},
                  {"contentChanges", Array{Object{{"text", text}}}}});
  }
  void Flush() { server_.RecheckIfPending(); }

  // The latest diagnostics published for `uri`; nullopt if none were.
  std::optional<Array> Diagnostics(const std::string& uri) const {
    std::optional<Array> found;
    for (const Value& m : messages_) {
      const Object* o = m.getAsObject();
      if (!o || o->getString("method") != llvm::StringRef("textDocument/publishDiagnostics")) continue;
      const Object* p = o->getObject("params");
      if (p->getString("uri") == llvm::StringRef(uri)) found = *p->getArray("diagnostics");
    }
    return found;
  }
  size_t PublishCount() const {
    size_t n = 0;
    for (const Value& m : messages_) {
      const Object* o = m.getAsObject();
      if (o && o->getString("method") == llvm::StringRef("textDocument/publishDiagnostics")) ++n;
    }
    return n;
  }

  std::vector<Value>& messages() { return messages_; }
  lsp::Server& server() { return server_; }

 private:
  void Receive(std::string text) {
    llvm::Expected<Value> v = lsp::json::parse(text);
    REQUIRE(static_cast<bool>(v));  // every message out is valid JSON
    messages_.push_back(std::move(*v));
  }

  std::vector<Value> messages_;
  lsp::Server server_;
  int64_t next_id_ = 1;
};

Value Pos(const std::string& uri, int64_t line, int64_t character) {
  return Object{{"textDocument", Object{{"uri", uri}}},
                {"position", Object{{"line", line}, {"character", character}}}};
}

Value Doc(const std::string& uri) { return Object{{"textDocument", Object{{"uri", uri}}}}; }

// The 0-based (line, UTF-16 column) of the first `needle` in `text`, plus
// `delta` columns (ASCII text assumed before the needle on its line).
std::pair<int64_t, int64_t> Where(const std::string& text, const std::string& needle, int delta = 0) {
  size_t at = text.find(needle);
  REQUIRE(at != std::string::npos);
  int64_t line = std::count(text.begin(), text.begin() + static_cast<long>(at), '\n');
  size_t line_start = text.rfind('\n', at);
  line_start = line_start == std::string::npos ? 0 : line_start + 1;
  return {line, static_cast<int64_t>(at - line_start) + delta};
}

Value At(const std::string& uri, const std::string& text, const std::string& needle, int delta = 0) {
  auto [line, col] = Where(text, needle, delta);
  return Pos(uri, line, col);
}

std::vector<std::string> Labels(const Value& completion) {
  std::vector<std::string> out;
  for (const Value& item : *completion.getAsObject()->getArray("items")) {
    out.push_back(item.getAsObject()->getString("label")->str());
  }
  return out;
}

bool Has(const std::vector<std::string>& v, const std::string& s) {
  return std::find(v.begin(), v.end(), s) != v.end();
}

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
  CHECK(subjects.keywords == std::vector<std::string>{"namespace", "any", "authenticated"});
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

namespace stave::fmt {
std::optional<std::string> FormatFile(const syntax::File& file, const base::SourceFile& source)
    __attribute__((weak));
}  // namespace stave::fmt

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
  if (&fmt::FormatFile == nullptr) {
    CHECK(edits.getAsArray()->empty());  // the formatter is not linked in yet
  } else {
    REQUIRE(edits.getAsArray()->size() == 1);
    const Object* edit = (*edits.getAsArray())[0].getAsObject();
    CHECK(edit->getObject("range")->getObject("start")->getInteger("line") == 0);
    CHECK(edit->getObject("range")->getObject("end")->getInteger("line") == 6);
    CHECK(edit->getString("newText")->str() != text);
  }
  c.Replace(uri, 2, "package p\ngroup = = =\n");
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
                      "Content-Length: 99999999999\r\n\r\n" +        // over the limit: dropped
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
  // Reported at once; its body is then skipped, to the end of the input here.
  e = reader.Next();
  CHECK((e.kind == Kind::Error && e.error.find("larger than the limit") != std::string::npos));
  e = reader.Next();
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

// ---------------------------------------------------------------- fuzz

namespace {

const char* const kPolicy =
    "package p\nimport q\n/// doc é😀\nnamespace prod = \"p-prod\" { mtls strict }\ngroup g\n"
    "serviceaccount sa in prod\napp a in prod { selector { app = \"a\" } serviceaccount sa ports 80 }\n"
    "action act { pods: get, list  include view }\nallow g to act in prod\n"
    "allow sa to call a in prod methods GET paths \"/x\"\n"
    "test \"t\" { expect allow g to get pods in prod }\n";

// Valid messages the mutations start from.
std::vector<std::string> Corpus() {
  std::string uri = "file:///fuzz/a.policy";
  auto pos = [&](int line, int ch) {
    return Object{{"textDocument", Object{{"uri", uri}}}, {"position", Object{{"line", line}, {"character", ch}}}};
  };
  std::vector<Value> values = {
      Object{{"jsonrpc", "2.0"}, {"method", "textDocument/didOpen"},
             {"params", Object{{"textDocument", Object{{"uri", uri}, {"languageId", "stave"},
                                                        {"version", 1}, {"text", kPolicy}}}}}},
      Object{{"jsonrpc", "2.0"}, {"method", "textDocument/didChange"},
             {"params", Object{{"textDocument", Object{{"uri", uri}, {"version", 2}}},
                               {"contentChanges",
                                Array{Object{{"range", Object{{"start", Object{{"line", 2}, {"character", 8}}},
                                                              {"end", Object{{"line", 2}, {"character", 10}}}}},
                                             {"text", "ü"}}}}}}},
      Object{{"jsonrpc", "2.0"}, {"id", 1}, {"method", "textDocument/hover"}, {"params", pos(4, 6)}},
      Object{{"jsonrpc", "2.0"}, {"id", 2}, {"method", "textDocument/definition"}, {"params", pos(8, 7)}},
      Object{{"jsonrpc", "2.0"}, {"id", 3}, {"method", "textDocument/references"},
             {"params", Object{{"textDocument", Object{{"uri", uri}}},
                               {"position", Object{{"line", 4}, {"character", 6}}},
                               {"context", Object{{"includeDeclaration", true}}}}}},
      Object{{"jsonrpc", "2.0"}, {"id", 4}, {"method", "textDocument/documentSymbol"},
             {"params", Object{{"textDocument", Object{{"uri", uri}}}}}},
      Object{{"jsonrpc", "2.0"}, {"id", 5}, {"method", "textDocument/completion"}, {"params", pos(8, 11)}},
      Object{{"jsonrpc", "2.0"}, {"id", 6}, {"method", "textDocument/formatting"},
             {"params", Object{{"textDocument", Object{{"uri", uri}}}}}},
      Object{{"jsonrpc", "2.0"}, {"id", "r"}, {"method", "textDocument/rename"},
             {"params", Object{{"textDocument", Object{{"uri", uri}}},
                               {"position", Object{{"line", 4}, {"character", 6}}},
                               {"newName", "gg"}}}},
      Object{{"jsonrpc", "2.0"}, {"method", "textDocument/didClose"},
             {"params", Object{{"textDocument", Object{{"uri", uri}}}}}},
      Object{{"jsonrpc", "2.0"}, {"method", "$/cancelRequest"}, {"params", Object{{"id", 3}}}},
      // No `shutdown`: after it every request is refused, which would leave
      // the handlers unexercised for the rest of a round.
  };
  std::vector<std::string> out;
  for (const Value& v : values) out.push_back(ToText(v));
  return out;
}

// A JSON value of a random type, often one a field does not expect.
Value RandomValue(std::mt19937& rng) {
  switch (rng() % 12) {
    case 0: return nullptr;
    case 1: return true;
    case 2: return -1;
    case 3: return 1e300;
    case 4: return std::numeric_limits<int64_t>::max();
    case 5: return "";
    case 6: return "file:///fuzz/a.policy";
    case 7: return Array{1, "x", nullptr};
    case 8: return Object{};
    case 9: return Object{{"line", 4000000000LL}, {"character", -5}};
    case 10: return 0.5;
    default: return std::string(rng() % 40, static_cast<char>('a' + rng() % 26));
  }
}

// Replaces one value somewhere in `v` (or removes a field).
void MutateValue(Value& v, std::mt19937& rng, int depth = 0) {
  if (Object* o = v.getAsObject(); o && !o->empty() && depth < 6) {
    size_t pick = rng() % o->size();
    auto it = o->begin();
    std::advance(it, static_cast<long>(pick));
    switch (rng() % 4) {
      case 0: o->erase(it->first); return;
      case 1: it->second = RandomValue(rng); return;
      default: MutateValue(it->second, rng, depth + 1); return;
    }
  }
  if (Array* a = v.getAsArray(); a && !a->empty() && depth < 6) {
    MutateValue((*a)[rng() % a->size()], rng, depth + 1);
    return;
  }
  v = RandomValue(rng);
}

std::string MutateBytes(std::string s, std::mt19937& rng) {
  int edits = 1 + static_cast<int>(rng() % 4);
  for (int i = 0; i < edits && !s.empty(); ++i) {
    size_t at = rng() % s.size();
    switch (rng() % 5) {
      case 0: s[at] = static_cast<char>(rng() % 256); break;
      case 1: s.erase(at, 1 + rng() % 8); break;
      case 2: s.insert(at, s.substr(rng() % s.size(), rng() % 16)); break;
      case 3: s.resize(at); break;
      default: s.insert(at, std::string(1, "{}[]\",:\\0-e9"[rng() % 12])); break;
    }
  }
  return s;
}

// What an answer must be: for a well-formed request, one response with its
// id and exactly one of result and error.
void CheckAnswered(const std::string& input, const std::vector<Value>& out, size_t from) {
  llvm::Expected<Value> v = lsp::json::parse(input);
  if (!v) {
    llvm::consumeError(v.takeError());
    return;
  }
  const Object* o = v->getAsObject();
  if (!o || !o->get("id") || !o->get("method")) return;
  const Value& id = *o->get("id");
  if (id.kind() != Value::Number && id.kind() != Value::String) return;
  int answers = 0;
  for (size_t i = from; i < out.size(); ++i) {
    const Object* m = out[i].getAsObject();
    REQUIRE(m);
    if (m->get("method")) continue;  // a notification (diagnostics, log)
    CHECK(m->getString("jsonrpc") == llvm::StringRef("2.0"));
    CHECK((m->get("result") != nullptr) != (m->get("error") != nullptr));
    if (m->get("id") && ToText(*m->get("id")) == ToText(id)) ++answers;
  }
  INFO(input);
  CHECK(answers == 1);
}

}  // namespace

TEST_CASE("fuzz: no input crashes the server, every request is answered", "[lsp][fuzz]") {
  std::mt19937 rng(20240611);
  std::vector<std::string> corpus = Corpus();
  size_t results = 0, published = 0;
  std::map<int64_t, size_t> errors;
  for (int round = 0; round < 40; ++round) {
    Client c;
    c.Initialize();
    for (int i = 0; i < 80; ++i) {
      std::string input;
      switch (rng() % 6) {
        case 0: {  // random bytes
          input.resize(rng() % 200);
          for (char& ch : input) ch = static_cast<char>(rng() % 256);
          break;
        }
        case 1: input = MutateBytes(corpus[rng() % corpus.size()], rng); break;
        case 2:
        case 3: {  // a structurally valid message with one wrong field
          Value v = *lsp::json::parse(corpus[rng() % corpus.size()]);
          MutateValue(v, rng);
          input = ToText(v);
          break;
        }
        case 4: {  // a huge or odd id, or no params
          Value v = *lsp::json::parse(corpus[2 + rng() % 7]);
          Object& o = *v.getAsObject();
          if (rng() % 2) o["id"] = RandomValue(rng);
          else o.erase("params");
          input = ToText(v);
          break;
        }
        default: input = corpus[rng() % corpus.size()]; break;
      }
      size_t before = c.messages().size();
      c.Raw(input);
      CheckAnswered(input, c.messages(), before);
      if (rng() % 4 == 0) c.Flush();
    }
    for (const Value& m : c.messages()) {
      const Object* o = m.getAsObject();
      if (o->get("result")) ++results;
      else if (const Object* e = o->getObject("error")) ++errors[*e->getInteger("code")];
      else if (o->getString("method") == llvm::StringRef("textDocument/publishDiagnostics")) ++published;
    }
  }
  // The mutations reach the handlers (not only the JSON-RPC checks).
  std::string summary = "results " + std::to_string(results) + ", published " + std::to_string(published);
  for (auto [code, n] : errors) summary += ", error " + std::to_string(code) + ": " + std::to_string(n);
  INFO(summary);
  CHECK(results > 300);
  CHECK(published > 30);
  CHECK(errors[lsp::kInvalidParams] > 30);
  CHECK(errors[lsp::kParseError] > 30);
  CHECK(errors[lsp::kInternalError] == 0);
}

TEST_CASE("fuzz: the framing reader survives random bytes", "[lsp][fuzz][transport]") {
  std::mt19937 rng(7);
  std::string valid = lsp::Frame("{\"jsonrpc\":\"2.0\",\"method\":\"initialized\"}");
  for (int round = 0; round < 300; ++round) {
    std::string input;
    for (int part = 0; part < 5; ++part) {
      if (rng() % 2) input += valid;
      else input += MutateBytes(valid, rng);
    }
    lsp::StringSource source(input);
    lsp::MessageReader reader(source);
    int events = 0;
    while (reader.Next().kind != lsp::ReadEvent::Kind::Eof) REQUIRE(++events < 1000);
  }
}
