// Disk changes: `workspace/didChangeWatchedFiles` re-reads or drops the
// files it names (the root is walked only once, workspace.h), and the
// watcher is registered with the client when it can register dynamically.
#include "compiler/lsp/handlers.h"
#include "compiler/lsp/server.h"
#include "compiler/lsp/uri.h"

namespace stave::lsp {

// FileChangeType (LSP 3.17): 1 created, 2 changed, 3 deleted.
constexpr int64_t kFileDeleted = 3;

llvm::Error HandleDidChangeWatchedFiles(Server& s, const json::Value& params) {
  const json::Object* o = params.getAsObject();
  const json::Array* changes = o ? o->getArray("changes") : nullptr;
  if (!changes) return MakeError(kInvalidParams, "didChangeWatchedFiles: expected `changes`");
  for (const json::Value& change : *changes) {
    const json::Object* c = change.getAsObject();
    if (!c) continue;
    llvm::Optional<llvm::StringRef> uri = c->getString("uri");
    llvm::Optional<int64_t> type = c->getInteger("type");
    if (!uri || !type) continue;
    std::optional<std::string> path = FileUriToPath(std::string_view(uri->data(), uri->size()));
    if (!path) continue;
    s.workspace().DiskChanged(*path, *type == kFileDeleted);
  }
  s.ScheduleRecheck();
  return llvm::Error::success();
}

bool ClientCanWatchFiles(const json::Value& initialize_params) {
  const json::Object* o = initialize_params.getAsObject();
  const json::Object* caps = o ? o->getObject("capabilities") : nullptr;
  const json::Object* ws = caps ? caps->getObject("workspace") : nullptr;
  const json::Object* watch = ws ? ws->getObject("didChangeWatchedFiles") : nullptr;
  return watch && watch->getBoolean("dynamicRegistration").getValueOr(false);
}

json::Value WatcherRegistration() {
  return json::Object{
      {"registrations",
       json::Array{json::Object{
           {"id", "stave-watch-policy-files"},
           {"method", "workspace/didChangeWatchedFiles"},
           {"registerOptions",
            json::Object{{"watchers", json::Array{json::Object{{"globPattern", "**/*.policy"}}}}}},
       }}}};
}

}  // namespace stave::lsp
