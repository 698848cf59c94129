// The language server's state and dispatch: lifecycle, the document store,
// the debounced recheck of the whole program, and publishing diagnostics.
// Transport-free: one JSON message in (HandleMessage), messages out through
// a sink, so tests drive it in-process.
#pragma once

#include <chrono>
#include <functional>
#include <future>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <string_view>

#include "compiler/lower/lower.h"
#include "compiler/lsp/analysis.h"
#include "compiler/lsp/protocol.h"
#include "compiler/lsp/publish.h"
#include "compiler/lsp/workspace.h"

namespace stave::lsp {

inline constexpr std::string_view kServerName = "stave";

class Server {
 public:
  using Clock = std::chrono::steady_clock;
  struct Options {
    lower::LowerOptions lower;
    // A recheck runs this long after the last edit, and at most
    // `max_delay` after the first unchecked one (continuous typing).
    std::chrono::milliseconds debounce{50};
    std::chrono::milliseconds max_delay{500};
    // Walk the workspace root on another thread (`stave lsp`): requests
    // about the open documents are answered from them alone meanwhile, and
    // diagnostics are published once the walk is in. Off, the first
    // recheck walks first (deterministic, for in-process tests).
    bool walk_in_background = false;
    // Makes the walk; tests put a gate in it.
    std::function<WalkOutput(const std::string& root)> walker = WalkRoot;
  };
  // Receives each outgoing message (one JSON text, unframed).
  using Sink = std::function<void(std::string)>;
  // Tells whether the client cancelled the request with this id.
  using CancelCheck = std::function<bool(const json::Value& id)>;

  Server(Sink sink, Options options);
  ~Server();

  // One incoming message. Never throws; answers every request.
  void HandleMessage(std::string_view body);
  // A message the transport could not frame: an error with id null.
  void HandleFramingError(std::string_view message);

  // When the pending recheck is due; nullopt when none is pending.
  std::optional<Clock::time_point> RecheckDeadline() const;
  // When the main loop must look in again: the recheck deadline, or soon
  // while a background walk runs.
  std::optional<Clock::time_point> NextDeadline() const;
  // Runs the pending recheck, if any, and publishes diagnostics.
  void RecheckIfPending();
  // Takes a finished background walk (waiting for it when `wait`) and
  // schedules the recheck that publishes the whole program.
  void CollectWalk(bool wait);
  bool walk_running() const { return walk_.valid(); }

  bool ExitRequested() const { return exit_requested_; }
  // 0 when `shutdown` came before `exit` (or EOF), else 1 (LSP 3.17).
  int ExitCode() const { return shutdown_ ? 0 : 1; }
  void SetCancelCheck(CancelCheck check) { cancel_check_ = std::move(check); }

  // ---- for the handlers
  Workspace& workspace() { return workspace_; }
  const Options& options() const { return options_; }
  // The analysis of the current text: runs a pending recheck first, so an
  // answer never describes text older than the request.
  const Analysis& analysis();
  // The analysis the last recheck replaced, kept until the main loop is
  // idle: freeing a large program's analysis is a tenth of a recheck, and
  // neither the new diagnostics nor the next answer need to wait for it.
  bool HasRetired() const { return retired_ != nullptr; }
  void FreeRetired() { retired_.reset(); }
  // Marks the program changed; the recheck is debounced.
  void ScheduleRecheck();
  // The URI of a compiled file (nullopt for std files).
  std::optional<std::string> UriOf(base::FileId file);
  void Notify(std::string_view method, json::Value params);
  // A request to the client; its response is not waited for (Dispatch
  // drops responses).
  void SendRequest(std::string_view method, json::Value params);
  void set_watch_files(bool on) { watch_files_ = on; }
  bool watch_files() const { return watch_files_; }
  void Log(std::string_view message);  // window/logMessage, type Log

  void MarkInitialized() { initialized_ = true; }
  void MarkShutdown() { shutdown_ = true; }
  void RequestExit() { exit_requested_ = true; }
  bool shutdown_received() const { return shutdown_; }

 private:
  void Dispatch(const json::Object& message);
  void HandleRequest(const json::Value& id, std::string_view method, const json::Value& params);
  void HandleNotification(std::string_view method, const json::Value& params);
  void Reply(const json::Value& id, llvm::Expected<json::Value> result);
  void SendError(const json::Value& id, int code, std::string message);
  void Send(json::Value message);
  void Recheck();
  void StartWalk();
  void LogWalkNotes(const std::vector<std::string>& notes);
  void PublishDiagnostics();

  Sink sink_;
  Options options_;
  CancelCheck cancel_check_;
  Workspace workspace_;
  // Parses of the workspace's files, so that a recheck reparses only what
  // changed.
  pipeline::ParseCache parse_cache_;
  std::unique_ptr<Analysis> analysis_;
  std::unique_ptr<Analysis> retired_;
  // The background walk of the root, while it runs.
  std::future<WalkOutput> walk_;
  std::optional<Clock::time_point> first_pending_, last_pending_;
  bool initialized_ = false;
  bool shutdown_ = false;
  bool exit_requested_ = false;
  bool watch_files_ = false;  // the client registers file watchers dynamically
  int64_t next_request_id_ = 1;
  std::set<std::string> cancelled_;  // ids (as JSON text) cancelled in-process
  // What was last published per URI, to publish only changes and to clear
  // files that left the program.
  DiagnosticPublisher publisher_;
};

}  // namespace stave::lsp
