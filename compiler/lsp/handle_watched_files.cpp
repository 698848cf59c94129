// Disk changes: `workspace/didChangeWatchedFiles` re-reads or drops the
// files it names (the root is walked only once, workspace.h), and the
// watcher is registered with the client when it can register dynamically.
#include "compiler/lsp/handlers.h"
#include "compiler/lsp/server.h"
#include "compiler/lsp/uri.h"

namespace stave::lsp {

// FileChangeType (LSP 3.17): 1 created, 2 changed, 3 deleted.
constexpr int64_t kFileDeleted = 3;

llvm::Error HandleDidChangeWatchedFiles(Server& s, const DidChangeWatchedFilesParams& p) {
  for (const FileEvent& change : p.changes) {
    std::optional<std::string> path = FileUriToPath(change.uri);
    if (!path) continue;
    s.workspace().DiskChanged(*path, change.type == kFileDeleted);
  }
  s.ScheduleRecheck();
  return llvm::Error::success();
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
