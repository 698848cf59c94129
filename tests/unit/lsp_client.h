// The test client of the language server: a Server driven in-process
// (JSON text in, messages collected), with helpers to build requests and
// read answers, and a temporary workspace directory.
#pragma once

#include <catch2/catch.hpp>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <optional>
#include <string>
#include <unistd.h>
#include <vector>

#include "compiler/lsp/server.h"
#include "compiler/lsp/uri.h"

// getInteger() gives Optional<int64_t>; compare it with int literals.
namespace llvm {
inline bool operator==(const Optional<int64_t>& a, int b) { return a && *a == b; }
}  // namespace llvm

namespace stave::testing {

using lsp::json::Array;
using lsp::json::Object;
using lsp::json::Value;
namespace fs = std::filesystem;

inline std::string ToText(const Value& v) {
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
  explicit Client(lsp::Server::Options options)
      : server_([this](std::string text) { Receive(std::move(text)); }, std::move(options)) {}

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

inline Value Pos(const std::string& uri, int64_t line, int64_t character) {
  return Object{{"textDocument", Object{{"uri", uri}}},
                {"position", Object{{"line", line}, {"character", character}}}};
}

inline Value Doc(const std::string& uri) { return Object{{"textDocument", Object{{"uri", uri}}}}; }

// The 0-based (line, UTF-16 column) of the first `needle` in `text`, plus
// `delta` columns (ASCII text assumed before the needle on its line).
inline std::pair<int64_t, int64_t> Where(const std::string& text, const std::string& needle, int delta = 0) {
  size_t at = text.find(needle);
  REQUIRE(at != std::string::npos);
  int64_t line = std::count(text.begin(), text.begin() + static_cast<long>(at), '\n');
  size_t line_start = text.rfind('\n', at);
  line_start = line_start == std::string::npos ? 0 : line_start + 1;
  return {line, static_cast<int64_t>(at - line_start) + delta};
}

inline Value At(const std::string& uri, const std::string& text, const std::string& needle, int delta = 0) {
  auto [line, col] = Where(text, needle, delta);
  return Pos(uri, line, col);
}

inline std::vector<std::string> Labels(const Value& completion) {
  std::vector<std::string> out;
  for (const Value& item : *completion.getAsObject()->getArray("items")) {
    out.push_back(item.getAsObject()->getString("label")->str());
  }
  return out;
}

inline bool Has(const std::vector<std::string>& v, const std::string& s) {
  return std::find(v.begin(), v.end(), s) != v.end();
}

}  // namespace stave::testing
