// The reader thread and the main loop (main_loop.h). The reader never waits
// on the handler, and the handler never blocks on input past the recheck
// deadline, so a recheck is never starved by a quiet client nor run while
// newer edits are already queued (see the comment in server.cpp).
#include "compiler/lsp/main_loop.h"

#include <condition_variable>
#include <cstdio>
#include <deque>
#include <memory>
#include <mutex>
#include <set>
#include <thread>

#include "compiler/base/pool_alloc.h"
#include "compiler/lsp/transport.h"

namespace stave::lsp {
namespace {

// Shared by the reader thread and the main thread. Held by shared_ptr: the
// reader may still be blocked in read() when the main thread returns.
class Queue {
 public:
  void Push(ReadEvent event) {
    if (event.kind == ReadEvent::Kind::Message) NoteCancel(event.body);
    std::lock_guard<std::mutex> lock(mutex_);
    events_.push_back(std::move(event));
    ready_.notify_one();
  }

  // The next event, or nullopt if none arrived before `deadline`.
  std::optional<ReadEvent> Pop(std::optional<Server::Clock::time_point> deadline) {
    std::unique_lock<std::mutex> lock(mutex_);
    auto has_event = [&] { return !events_.empty(); };
    if (deadline) {
      if (!ready_.wait_until(lock, *deadline, has_event)) return std::nullopt;
    } else {
      ready_.wait(lock, has_event);
    }
    ReadEvent event = std::move(events_.front());
    events_.pop_front();
    return event;
  }

  bool Empty() {
    std::lock_guard<std::mutex> lock(mutex_);
    return events_.empty();
  }

  bool Cancelled(const json::Value& id) {
    std::lock_guard<std::mutex> lock(mutex_);
    return cancelled_.erase(ToText(id)) > 0;
  }

 private:
  // `$/cancelRequest` is noted as it arrives, ahead of the queue, so that
  // the request it names is answered "cancelled" instead of being run.
  void NoteCancel(const std::string& body) {
    if (body.find("$/cancelRequest") == std::string::npos) return;
    llvm::Expected<json::Value> v = json::parse(body);
    if (!v) {
      llvm::consumeError(v.takeError());
      return;
    }
    const json::Object* o = v->getAsObject();
    const json::Object* params = o ? o->getObject("params") : nullptr;
    const json::Value* id = params ? params->get("id") : nullptr;
    if (!id || o->getString("method") != llvm::StringRef("$/cancelRequest")) return;
    std::lock_guard<std::mutex> lock(mutex_);
    if (cancelled_.size() > 1000) cancelled_.clear();
    cancelled_.insert(ToText(*id));
  }

  std::mutex mutex_;
  std::condition_variable ready_;
  std::deque<ReadEvent> events_;
  std::set<std::string> cancelled_;
};

}  // namespace

int RunServer(int in_fd, int out_fd, const Server::Options& options) {
  auto queue = std::make_shared<Queue>();
  std::thread reader([queue, in_fd] {
    // Every message it reads is freed on the main thread (pool_alloc.h).
    base::PoolBypassThisThread();
    FdSource source(in_fd);
    MessageReader messages(source);
    while (true) {
      ReadEvent event = messages.Next();
      bool eof = event.kind == ReadEvent::Kind::Eof;
      queue->Push(std::move(event));
      if (eof) return;
    }
  });
  // Detached: after `exit` the process ends while the reader may still be
  // blocked reading a client that keeps its end open.
  reader.detach();

  // A client that no longer reads (a closed pipe, a full disk behind a
  // redirect) gets nothing more: the server stops with exit 2 instead of
  // answering into the void (docs/security.md).
  auto client_gone = std::make_shared<bool>(false);
  Server server(
      [out_fd, client_gone](std::string body) {
        if (!*client_gone && !WriteAll(out_fd, Frame(body))) *client_gone = true;
      },
      options);
  server.SetCancelCheck([queue](const json::Value& id) { return queue->Cancelled(id); });
  while (!server.ExitRequested()) {
    if (*client_gone) {
      std::fputs("stave lsp: cannot write to the client; stopping\n", stderr);
      return 2;
    }
    // A due recheck runs even while messages keep coming (`max_delay`).
    // So does a background walk that finished (it schedules one).
    server.CollectWalk(false);
    std::optional<Server::Clock::time_point> recheck = server.RecheckDeadline();
    if (recheck && Server::Clock::now() >= *recheck) {
      server.RecheckIfPending();
      continue;
    }
    // The analysis a recheck replaced is freed while nothing waits.
    if (server.HasRetired() && queue->Empty()) {
      server.FreeRetired();
      continue;
    }
    std::optional<ReadEvent> event = queue->Pop(server.NextDeadline());
    if (!event) continue;  // a deadline: looked at above
    if (event->kind == ReadEvent::Kind::Eof) break;
    if (event->kind == ReadEvent::Kind::Error) server.HandleFramingError(event->error);
    else server.HandleMessage(event->body);
  }
  return server.ExitCode();
}

}  // namespace stave::lsp
