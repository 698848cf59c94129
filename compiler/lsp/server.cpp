// Message dispatch, lifecycle checks, the debounced recheck and diagnostic
// publishing (server.h).
//
// Cancellation and debouncing. Edits (didOpen/didChange/didClose/didSave)
// only update the document store and mark a recheck pending with a
// deadline `debounce` after the latest edit (capped at `max_delay` after the
// first unchecked one). The main loop (main_loop.cpp) waits for the next
// message only until that deadline: each newer edit that arrives first
// pushes the deadline back, which cancels the pending recheck in favour of
// one over the newer text, so a burst of didChange is applied one by one
// (cheap) and checked once. A request that reads the program (hover, rename,
// ...) runs the pending recheck first, so no answer describes stale text. A
// recheck in progress is not interrupted: compiles are short and the next
// one starts from the newest text. `$/cancelRequest` is honoured for
// requests still queued: the reader thread records the id and the request
// is answered with RequestCancelled (-32800) instead of being run.
#include "compiler/lsp/server.h"

#include <algorithm>
#include <exception>

#include <fmt/format.h>

#include "compiler/lsp/diagnostics.h"
#include "compiler/lsp/handlers.h"

namespace stave::lsp {
namespace {

// llvm::json's parser recurses per nesting level; refuse deep input before
// it can exhaust the stack. No LSP message nests anywhere near this.
constexpr int kMaxNesting = 256;

bool TooDeep(std::string_view body) {
  int depth = 0;
  bool in_string = false, escaped = false;
  for (char c : body) {
    if (in_string) {
      if (escaped) escaped = false;
      else if (c == '\\') escaped = true;
      else if (c == '"') in_string = false;
      continue;
    }
    if (c == '"') in_string = true;
    else if (c == '[' || c == '{') {
      if (++depth > kMaxNesting) return true;
    } else if (c == ']' || c == '}') {
      --depth;
    }
  }
  return false;
}

// LLVM 14's parser reads an integer literal beyond int64 as INT64_MAX (it
// does not check strtoll's overflow), so a huge request id would be echoed
// as another number. Such literals get a `.0` to be read as the double
// they are, as a JavaScript client reads them. Returns "" when none.
std::string WidenHugeIntegers(std::string_view body) {
  std::string out;
  size_t copied = 0;
  bool in_string = false, escaped = false;
  for (size_t i = 0; i < body.size(); ++i) {
    char c = body[i];
    if (in_string) {
      if (escaped) escaped = false;
      else if (c == '\\') escaped = true;
      else if (c == '"') in_string = false;
      continue;
    }
    if (c == '"') {
      in_string = true;
      continue;
    }
    if (c < '0' || c > '9') continue;
    // The whole number token, fraction and exponent included.
    size_t end = i;
    bool fraction = false;
    while (end < body.size() && ((body[end] >= '0' && body[end] <= '9') || body[end] == '.' ||
                                 body[end] == 'e' || body[end] == 'E' || body[end] == '+' ||
                                 body[end] == '-')) {
      fraction |= body[end] < '0' || body[end] > '9';
      ++end;
    }
    std::string_view digits = body.substr(i, end - i);
    bool negative = i > 0 && body[i - 1] == '-';
    std::string_view limit = negative ? "9223372036854775808" : "9223372036854775807";
    bool huge = digits.size() > limit.size() || (digits.size() == limit.size() && digits > limit);
    if (huge && !fraction) {
      out.append(body.substr(copied, end - copied));
      out += ".0";
      copied = end;
    }
    i = end - 1;
  }
  if (copied == 0) return "";
  out.append(body.substr(copied));
  return out;
}

// Every handler behind BindParams: params become the handler's struct, or
// an InvalidParams error naming the field, before the handler runs.
const std::map<std::string_view, RequestHandler>& Requests() {
  static const std::map<std::string_view, RequestHandler> table = {
      {"shutdown", BindParams<HandleShutdown>},
      {"textDocument/hover", BindParams<HandleHover>},
      {"textDocument/definition", BindParams<HandleDefinition>},
      {"textDocument/references", BindParams<HandleReferences>},
      {"textDocument/documentSymbol", BindParams<HandleDocumentSymbol>},
      {"textDocument/completion", BindParams<HandleCompletion>},
      {"textDocument/formatting", BindParams<HandleFormatting>},
      {"textDocument/rename", BindParams<HandleRename>},
      {"textDocument/codeAction", BindParams<HandleCodeAction>},
  };
  return table;
}

const std::map<std::string_view, NotificationHandler>& Notifications() {
  static const std::map<std::string_view, NotificationHandler> table = {
      {"initialized", BindParams<HandleInitialized>},
      {"exit", BindParams<HandleExit>},
      {"textDocument/didOpen", BindParams<HandleDidOpen>},
      {"textDocument/didChange", BindParams<HandleDidChange>},
      {"textDocument/didClose", BindParams<HandleDidClose>},
      {"textDocument/didSave", BindParams<HandleDidSave>},
      {"workspace/didChangeWatchedFiles", BindParams<HandleDidChangeWatchedFiles>},
  };
  return table;
}

}  // namespace

Server::Server(Sink sink, Options options) : sink_(std::move(sink)), options_(std::move(options)) {}
Server::~Server() = default;

void Server::HandleMessage(std::string_view body) {
  try {
    if (TooDeep(body)) {
      SendError(nullptr, kParseError, "parse error: JSON nested too deeply");
      return;
    }
    std::string widened = WidenHugeIntegers(body);
    if (!widened.empty()) body = widened;
    llvm::Expected<json::Value> parsed = json::parse(llvm::StringRef(body.data(), body.size()));
    if (!parsed) {
      SendError(nullptr, kParseError, "parse error: " + llvm::toString(parsed.takeError()));
      return;
    }
    const json::Object* message = parsed->getAsObject();
    if (!message) {
      SendError(nullptr, kInvalidRequest, "invalid request: a message must be a JSON object");
      return;
    }
    Dispatch(*message);
  } catch (const std::exception& e) {
    // Dispatch answers requests itself; this is for a failure around it.
    Log(std::string("internal error while handling a message: ") + e.what());
  } catch (...) {
    Log("internal error while handling a message");
  }
}

void Server::Dispatch(const json::Object& message) {
  const json::Value* id = message.get("id");
  if (id && id->kind() != json::Value::Number && id->kind() != json::Value::String &&
      id->kind() != json::Value::Null) {
    SendError(nullptr, kInvalidRequest, "invalid request: `id` must be a number or a string");
    return;
  }
  json::Value reply_id = id ? *id : json::Value(nullptr);
  if (const json::Value* version = message.get("jsonrpc")) {
    if (version->getAsString() != llvm::StringRef("2.0")) {
      SendError(reply_id, kInvalidRequest, "invalid request: `jsonrpc` must be \"2.0\"");
      return;
    }
  }
  const json::Value* method = message.get("method");
  if (!method) {
    // A response to a request of ours (the server sends none), or junk.
    if (id && (message.get("result") || message.get("error"))) return;
    SendError(reply_id, kInvalidRequest, "invalid request: missing `method`");
    return;
  }
  llvm::Optional<llvm::StringRef> name = method->getAsString();
  if (!name) {
    SendError(reply_id, kInvalidRequest, "invalid request: `method` must be a string");
    return;
  }
  const json::Value* params = message.get("params");
  json::Value no_params(nullptr);
  if (id) HandleRequest(*id, std::string_view(name->data(), name->size()), params ? *params : no_params);
  else HandleNotification(std::string_view(name->data(), name->size()), params ? *params : no_params);
}

void Server::HandleRequest(const json::Value& id, std::string_view method,
                           const json::Value& params) {
  std::string key = ToText(id);
  if (cancelled_.erase(key) > 0 || (cancel_check_ && cancel_check_(id))) {
    SendError(id, kRequestCancelled, "request cancelled");
    return;
  }
  if (method == "initialize") {
    if (initialized_) {
      SendError(id, kInvalidRequest, "invalid request: the server is already initialized");
      return;
    }
    Reply(id, BindParams<HandleInitialize>(*this, params));
    return;
  }
  if (!initialized_) {
    SendError(id, kServerNotInitialized, "the server is not initialized: send `initialize` first");
    return;
  }
  if (shutdown_) {
    SendError(id, kInvalidRequest, "invalid request: the server is shutting down");
    return;
  }
  auto it = Requests().find(method);
  if (it == Requests().end()) {
    SendError(id, kMethodNotFound, "method not found: " + std::string(method));
    return;
  }
  try {
    Reply(id, it->second(*this, params));
  } catch (const std::exception& e) {
    SendError(id, kInternalError, std::string("internal error: ") + e.what());
  } catch (...) {
    SendError(id, kInternalError, "internal error");
  }
}

void Server::HandleNotification(std::string_view method, const json::Value& params) {
  if (method == "$/cancelRequest") {
    if (const json::Object* o = params.getAsObject()) {
      if (const json::Value* id = o->get("id")) {
        if (cancelled_.size() > 1000) cancelled_.clear();
        cancelled_.insert(ToText(*id));
      }
    }
    return;
  }
  // Before `initialize` only `exit` counts; after `shutdown` too (LSP 3.17).
  if (method != "exit" && (!initialized_ || shutdown_)) return;
  auto it = Notifications().find(method);
  if (it == Notifications().end()) return;  // unknown notifications are ignored
  try {
    if (llvm::Error error = it->second(*this, params)) {
      Log(std::string(method) + ": " + llvm::toString(std::move(error)));
    }
  } catch (const std::exception& e) {
    Log(std::string("internal error in ") + std::string(method) + ": " + e.what());
  } catch (...) {
    Log(std::string("internal error in ") + std::string(method));
  }
}

void Server::HandleFramingError(std::string_view message) {
  SendError(nullptr, kParseError, "parse error: " + std::string(message));
}

void Server::Reply(const json::Value& id, llvm::Expected<json::Value> result) {
  if (!result) {
    int code = kInternalError;
    std::string message;
    llvm::handleAllErrors(
        result.takeError(),
        [&](const LspError& e) {
          code = e.code;
          message = e.message;
        },
        [&](const llvm::ErrorInfoBase& e) { message = "internal error: " + e.message(); });
    SendError(id, code, std::move(message));
    return;
  }
  Send(json::Object{{"jsonrpc", "2.0"}, {"id", id}, {"result", std::move(*result)}});
}

void Server::SendError(const json::Value& id, int code, std::string message) {
  Send(json::Object{{"jsonrpc", "2.0"},
                    {"id", id},
                    {"error", json::Object{{"code", code}, {"message", Utf8(std::move(message))}}}});
}

void Server::Send(json::Value message) { sink_(ToText(message)); }

void Server::Notify(std::string_view method, json::Value params) {
  Send(json::Object{{"jsonrpc", "2.0"}, {"method", std::string(method)}, {"params", std::move(params)}});
}

void Server::SendRequest(std::string_view method, json::Value params) {
  Send(json::Object{{"jsonrpc", "2.0"},
                    {"id", "stave-" + std::to_string(next_request_id_++)},
                    {"method", std::string(method)},
                    {"params", std::move(params)}});
}

void Server::Log(std::string_view message) {
  Notify("window/logMessage", json::Object{{"type", 4}, {"message", Utf8(std::string(message))}});
}

// ---------------------------------------------------------------- recheck

void Server::ScheduleRecheck() {
  Clock::time_point now = Clock::now();
  if (!first_pending_) first_pending_ = now;
  last_pending_ = now;
}

std::optional<Server::Clock::time_point> Server::RecheckDeadline() const {
  if (!first_pending_) return std::nullopt;
  return std::min(*last_pending_ + options_.debounce, *first_pending_ + options_.max_delay);
}

void Server::RecheckIfPending() {
  if (!first_pending_) return;
  try {
    Recheck();
  } catch (const std::exception& e) {
    Log(std::string("internal error while checking the program: ") + e.what());
  } catch (...) {
    Log("internal error while checking the program");
  }
}

const Analysis& Server::analysis() {
  if (first_pending_ || !analysis_) Recheck();
  return *analysis_;
}

std::optional<Server::Clock::time_point> Server::NextDeadline() const {
  std::optional<Clock::time_point> due = RecheckDeadline();
  if (walk_.valid()) {
    Clock::time_point poll = Clock::now() + std::chrono::milliseconds(10);
    if (!due || poll < *due) due = poll;
  }
  return due;
}

// The walk's notes (skipped links, a truncated walk) go to the log once, a
// few of them: a root like /usr has thousands of links.
void Server::LogWalkNotes(const std::vector<std::string>& notes) {
  constexpr size_t kMaxNotes = 20;
  for (size_t i = 0; i < notes.size() && i < kMaxNotes; ++i) Log(notes[i]);
  if (notes.size() > kMaxNotes) Log(::fmt::format("and {} more skipped entries", notes.size() - kMaxNotes));
}

void Server::StartWalk() {
  if (walk_.valid() || !workspace_.NeedsWalk()) return;
  walk_ = std::async(std::launch::async, options_.walker, *workspace_.root());
}

void Server::CollectWalk(bool wait) {
  if (!walk_.valid()) return;
  if (!wait && walk_.wait_for(std::chrono::seconds(0)) != std::future_status::ready) return;
  WalkOutput out;
  try {
    out = walk_.get();
  } catch (...) {
    // The walk cannot throw past the filesystem checks; if it did, the
    // root is treated as holding nothing, as an unreadable root is.
    out.root = workspace_.root().value_or("");
  }
  LogWalkNotes(workspace_.AcceptWalk(std::move(out)));
  // The analysis so far saw the open documents alone.
  ScheduleRecheck();
}

void Server::Recheck() {
  first_pending_.reset();
  last_pending_.reset();
  if (options_.walk_in_background) {
    StartWalk();
    CollectWalk(false);
  } else {
    LogWalkNotes(workspace_.EnsureWalked());
  }
  // At most two analyses at once, as before there was a retired one: the
  // one before last goes now, the last one once the new one is made.
  retired_.reset();
  pipeline::PipelineOptions stages;
  stages.lowering = options_.lower;
  stages.cache = &parse_cache_;
  std::unique_ptr<pipeline::Compilation> c = pipeline::CompileFinished(workspace_.Inputs(), stages);
  retired_ = std::move(analysis_);
  analysis_ = std::make_unique<Analysis>(std::move(c));
  // Until the walk is in, the program is the open documents alone: good
  // enough to answer hover, completion and formatting about them, not to
  // judge them (a name declared in another file would look undefined).
  if (workspace_.NeedsWalk()) return;
  PublishDiagnostics();
}

std::optional<std::string> Server::UriOf(base::FileId file) {
  if (!analysis_ || file >= analysis_->sources().size()) return std::nullopt;
  const base::SourceFile& f = analysis_->file(file);
  if (f.is_builtin()) return std::nullopt;
  return workspace_.UriOf(f.path());
}

void Server::PublishDiagnostics() {
  const Analysis& a = *analysis_;
  UriOfFile uri_of = [this](base::FileId f) { return UriOf(f); };
  VersionOfFile version_of = [this, &a](base::FileId f) { return workspace_.VersionOf(a.file(f).path()); };
  for (json::Value& params : publisher_.Update(a, uri_of, version_of)) {
    Notify("textDocument/publishDiagnostics", std::move(params));
  }
}

}  // namespace stave::lsp
