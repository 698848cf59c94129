// Fuzz tests of the language server's message handling: random bytes,
// mutated valid messages, fields of the wrong type, huge ids, missing
// params, mutated policy text with requests at random positions, and random
// bytes through the framing reader. Each asserts that the server answers
// every well-formed request with exactly one result or error, and never
// with an internal error. STAVE_LSP_FUZZ_ROUNDS scales the rounds.
#include <catch2/catch.hpp>

#include <cstdlib>
#include <map>
#include <random>

#include "compiler/lsp/transport.h"
#include "lsp_client.h"

using namespace stave;
using namespace stave::testing;

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

// Rounds scale with STAVE_LSP_FUZZ_ROUNDS for longer runs (e.g. under ASan).
int FuzzRounds(int default_rounds) {
  const char* env = std::getenv("STAVE_LSP_FUZZ_ROUNDS");
  return env ? std::max(1, std::atoi(env)) : default_rounds;
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
      case 2: {
        std::string piece = s.substr(rng() % s.size(), rng() % 16);
        s = s.substr(0, at) + piece + s.substr(at);
        break;
      }
      case 3: s.resize(at); break;
      default: s = s.substr(0, at) + "{}[]\",:\\0-e9"[rng() % 12] + s.substr(at); break;
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
  for (int round = 0, rounds = FuzzRounds(40); round < rounds; ++round) {
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

TEST_CASE("fuzz: mutated policy text, every request at random positions", "[lsp][fuzz]") {
  std::mt19937 rng(99);
  const char* methods[] = {"textDocument/hover",      "textDocument/definition",
                           "textDocument/references", "textDocument/completion",
                           "textDocument/rename",     "textDocument/documentSymbol",
                           "textDocument/formatting"};
  Client c;
  c.Initialize();
  std::string uri = "file:///fuzz/text.policy";
  c.Open(uri, kPolicy);
  int rounds = FuzzRounds(150);
  for (int round = 0; round < rounds; ++round) {
    std::string text = MutateBytes(kPolicy, rng);
    if (rng() % 3 == 0) text = MutateBytes(text, rng);
    text = lsp::json::fixUTF8(text);  // JSON text is UTF-8 by definition
    if (rng() % 2) c.Replace(uri, round + 2, text);
    else c.Edit(uri, round + 2, rng() % 14, rng() % 60, rng() % 14, rng() % 60, lsp::json::fixUTF8(text.substr(0, rng() % 30)));
    for (int i = 0; i < 6; ++i) {
      Object params = *Pos(uri, rng() % 16, rng() % 90).getAsObject();
      params["newName"] = rng() % 2 ? "fresh" : "allow";
      params["context"] = Object{{"includeDeclaration", true}};
      std::string method = methods[rng() % 7];
      Value response = c.Request(method, std::move(params));
      const Object* o = response.getAsObject();
      INFO(method << "\n" << text);
      // A result, or (rename only) a refusal; never an internal error.
      if (o->get("error")) {
        CHECK(method == "textDocument/rename");
        CHECK(o->getObject("error")->getInteger("code") == lsp::kRequestFailed);
      }
    }
  }
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
