// The language server's params binding (BindParams, handlers.h): for every
// request, a missing field and a field of the wrong type are answered with
// InvalidParams (-32602) and a message naming the field's path, before the
// handler runs; a valid call is answered. Notifications with bad params are
// logged the same way and change nothing.
#include <catch2/catch.hpp>

#include "lsp_client.h"

using namespace stave;
using namespace stave::testing;

namespace {

const std::string kParamsUri = "file:///params/shop.policy";
const std::string kParamsText =
    "package shop\n"
    "\n"
    "namespace prod = \"shop-prod\"\n"
    "group devs = \"shop-developers\"\n"
    "allow devs to view in prod\n";

Value PositionAt(int64_t line, int64_t character) {
  return Object{{"line", line}, {"character", character}};
}
Value RangeOf(int64_t l1, int64_t c1, int64_t l2, int64_t c2) {
  return Object{{"start", PositionAt(l1, c1)}, {"end", PositionAt(l2, c2)}};
}

// A request that must be refused: its error code and message.
std::pair<int64_t, std::string> Refusal(Client& c, const std::string& method, Value params) {
  Value response = c.Request(method, std::move(params));
  INFO(ToText(response));
  const Object* error = response.getAsObject()->getObject("error");
  REQUIRE(error);
  return {*error->getInteger("code"), error->getString("message")->str()};
}

// One request with a valid call and two broken ones.
struct ParamsCase {
  std::string method;
  Value valid;
  Value missing;  // a required field left out
  std::string missing_message;
  Value wrong;  // a field of the wrong type
  std::string wrong_message;
};

std::vector<ParamsCase> DocumentRequests() {
  Value doc = Object{{"uri", kParamsUri}};
  std::vector<ParamsCase> cases;
  cases.push_back({"textDocument/hover",
                   Object{{"textDocument", doc}, {"position", PositionAt(4, 7)}},
                   Object{{"textDocument", doc}},
                   "invalid params: missing value at params.position",
                   Object{{"textDocument", doc}, {"position", Object{{"line", 4}, {"character", "7"}}}},
                   "invalid params: expected a non-negative integer at params.position.character"});
  cases.push_back({"textDocument/definition",
                   Object{{"textDocument", doc}, {"position", PositionAt(4, 7)}},
                   Object{{"position", PositionAt(4, 7)}},
                   "invalid params: missing value at params.textDocument",
                   Object{{"textDocument", Object{{"uri", 5}}}, {"position", PositionAt(4, 7)}},
                   "invalid params: expected string at params.textDocument.uri"});
  cases.push_back({"textDocument/references",
                   Object{{"textDocument", doc},
                          {"position", PositionAt(4, 7)},
                          {"context", Object{{"includeDeclaration", true}}}},
                   Object{{"textDocument", doc}, {"position", Object{{"character", 7}}}},
                   "invalid params: missing value at params.position.line",
                   Object{{"textDocument", doc},
                          {"position", PositionAt(4, 7)},
                          {"context", Object{{"includeDeclaration", "yes"}}}},
                   "invalid params: expected boolean at params.context.includeDeclaration"});
  cases.push_back({"textDocument/documentSymbol", Object{{"textDocument", doc}}, Object{},
                   "invalid params: missing value at params.textDocument",
                   Object{{"textDocument", kParamsUri}},
                   "invalid params: expected object at params.textDocument"});
  cases.push_back({"textDocument/completion",
                   Object{{"textDocument", doc}, {"position", PositionAt(4, 7)}},
                   Object{{"textDocument", Object{}}, {"position", PositionAt(4, 7)}},
                   "invalid params: missing value at params.textDocument.uri",
                   Object{{"textDocument", doc}, {"position", Array{4, 7}}},
                   "invalid params: expected object at params.position"});
  cases.push_back({"textDocument/formatting", Object{{"textDocument", doc}},
                   Object{{"textDocument", Object{}}},
                   "invalid params: missing value at params.textDocument.uri", Value("shop.policy"),
                   "invalid params: expected object when parsing params"});
  cases.push_back({"textDocument/rename",
                   Object{{"textDocument", doc}, {"position", PositionAt(4, 7)}, {"newName", "staff"}},
                   Object{{"textDocument", doc}, {"position", PositionAt(4, 7)}},
                   "invalid params: missing value at params.newName",
                   Object{{"textDocument", doc}, {"position", PositionAt(4, 7)}, {"newName", 7}},
                   "invalid params: expected string at params.newName"});
  cases.push_back({"textDocument/codeAction",
                   Object{{"textDocument", doc}, {"range", RangeOf(0, 0, 5, 0)}},
                   Object{{"textDocument", doc}},
                   "invalid params: missing value at params.range",
                   Object{{"textDocument", doc}, {"range", RangeOf(0, 0, -1, 0)}},
                   "invalid params: expected a non-negative integer at params.range.end.line"});
  return cases;
}

// The messages of window/logMessage, in order.
std::vector<std::string> LoggedMessages(Client& c) {
  std::vector<std::string> out;
  for (const Value& m : c.messages()) {
    const Object* o = m.getAsObject();
    if (o && o->getString("method") == llvm::StringRef("window/logMessage")) {
      out.push_back(o->getObject("params")->getString("message")->str());
    }
  }
  return out;
}

}  // namespace

TEST_CASE("every document request refuses bad params naming the field", "[lsp][params]") {
  Client c;
  c.Initialize();
  c.Open(kParamsUri, kParamsText);
  for (ParamsCase& k : DocumentRequests()) {
    INFO(k.method);
    CHECK(Refusal(c, k.method, k.missing) == std::make_pair(int64_t{lsp::kInvalidParams}, k.missing_message));
    CHECK(Refusal(c, k.method, k.wrong) == std::make_pair(int64_t{lsp::kInvalidParams}, k.wrong_message));
    // No params at all is the same refusal for every request.
    CHECK(Refusal(c, k.method, nullptr) ==
          std::make_pair(int64_t{lsp::kInvalidParams},
                         std::string("invalid params: expected object when parsing params")));
    Value response = c.Request(k.method, k.valid);
    INFO(ToText(response));
    CHECK(response.getAsObject()->get("result"));
  }
}

TEST_CASE("valid document requests are answered from the document", "[lsp][params]") {
  Client c;
  c.Initialize();
  c.Open(kParamsUri, kParamsText);
  std::vector<ParamsCase> cases = DocumentRequests();
  std::vector<Value> results;
  for (const ParamsCase& k : cases) results.push_back(c.Result(k.method, k.valid));
  // hover on `devs` in the rule
  const Object* hover = results[0].getAsObject();
  REQUIRE(hover);
  CHECK(hover->getObject("contents")->getString("value")->contains("`shop.devs`"));
  // definition: the declaration on line 3
  const Array* definition = results[1].getAsArray();
  REQUIRE(definition);
  REQUIRE(definition->size() == 1);
  CHECK((*definition)[0].getAsObject()->getObject("range")->getObject("start")->getInteger("line") == 3);
  REQUIRE(results[2].getAsArray());
  CHECK(results[2].getAsArray()->size() == 2);  // the use and the declaration
  REQUIRE(results[3].getAsArray());
  CHECK(results[3].getAsArray()->size() == 3);  // two declarations and a rule
  REQUIRE(results[4].getAsObject());
  CHECK(results[4].getAsObject()->getArray("items"));
  REQUIRE(results[5].getAsArray());
  CHECK(results[5].getAsArray()->empty());  // already formatted: no edit
  REQUIRE(results[6].getAsObject());
  const Object* changes = results[6].getAsObject()->getObject("changes");
  REQUIRE(changes);
  REQUIRE(changes->getArray(kParamsUri));
  CHECK(changes->getArray(kParamsUri)->size() == 2);
  REQUIRE(results[7].getAsArray());
  CHECK(results[7].getAsArray()->empty());  // no diagnostics, no fixes
}

TEST_CASE("initialize refuses only params that are not an object", "[lsp][params]") {
  Client c;
  CHECK(Refusal(c, "initialize", Value(5)) ==
        std::make_pair(int64_t{lsp::kInvalidParams},
                       std::string("invalid params: expected object when parsing params")));
  // Refused params leave the server uninitialized.
  CHECK(c.ErrorCode("textDocument/hover", Pos(kParamsUri, 0, 0)) == lsp::kServerNotInitialized);
  // A root of the wrong type is ignored, as lenient clients send them.
  Value result = c.Result("initialize", Object{{"rootUri", 5}, {"rootPath", false}, {"capabilities", 3}});
  CHECK(result.getAsObject()->getObject("capabilities"));
  CHECK(c.server().workspace().root() == std::nullopt);
}

TEST_CASE("shutdown takes any params", "[lsp][params]") {
  for (Value params : {Value(nullptr), Value(Object{{"x", 1}}), Value(5)}) {
    Client c;
    c.Initialize();
    CHECK(c.Result("shutdown", std::move(params)).kind() == Value::Null);
    CHECK(c.server().shutdown_received());
  }
}

TEST_CASE("notifications with bad params are logged and change nothing", "[lsp][params]") {
  Client c;
  c.Initialize();
  c.Notify("textDocument/didOpen",
           Object{{"textDocument", Object{{"uri", kParamsUri}, {"languageId", "stave"}, {"version", 1}}}});
  c.Open(kParamsUri, kParamsText);
  c.Notify("textDocument/didChange",
           Object{{"textDocument", Object{{"uri", kParamsUri}, {"version", 2}}},
                  {"contentChanges", Array{Object{{"text", 5}}}}});
  c.Notify("textDocument/didClose", Object{{"textDocument", Object{}}});
  c.Notify("workspace/didChangeWatchedFiles", Object{{"changes", Object{}}});
  c.Notify("workspace/didChangeWatchedFiles", Object{});
  CHECK(LoggedMessages(c) == std::vector<std::string>{
                       "textDocument/didOpen: invalid params: missing value at params.textDocument.text",
                       "textDocument/didChange: invalid params: expected string at "
                       "params.contentChanges[0].text",
                       "textDocument/didClose: invalid params: missing value at params.textDocument.uri",
                       "workspace/didChangeWatchedFiles: invalid params: expected array at params.changes",
                       "workspace/didChangeWatchedFiles: invalid params: missing value at params.changes",
                   });
  // The refused change and close did not touch the document.
  CHECK(c.Result("textDocument/documentSymbol", Doc(kParamsUri)).getAsArray()->size() == 3);
}

TEST_CASE("a malformed entry of a watcher batch is skipped, the others applied", "[lsp][params]") {
  TempDir dir;
  dir.Write("a.policy", "package p\ngroup devs\n");
  Client c;
  c.Initialize(dir.Uri());
  c.Flush();
  dir.Write("b.policy", "package p\ngroup ops\n");
  c.Notify("workspace/didChangeWatchedFiles",
           Object{{"changes", Array{5, Object{{"uri", 3}, {"type", 1}}, Object{{"uri", dir.Uri("x")}},
                                    Object{{"uri", dir.Uri("b.policy")}, {"type", 1}}}}});
  CHECK(LoggedMessages(c).empty());
  CHECK(c.Result("textDocument/documentSymbol", Doc(dir.Uri("b.policy"))).getAsArray()->size() == 1);
}
