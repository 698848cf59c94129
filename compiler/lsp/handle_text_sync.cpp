// Document synchronization: open, incremental or full change, close (the
// file reverts to its disk content), save. Each marks a recheck pending;
// the server debounces it (server.cpp).
#include "compiler/lsp/handlers.h"
#include "compiler/lsp/server.h"

namespace stave::lsp {

llvm::Error HandleDidOpen(Server& s, DidOpenTextDocumentParams&& p) {
  s.workspace().Open(p.textDocument.uri, std::move(p.textDocument.text), p.textDocument.version);
  s.ScheduleRecheck();
  return llvm::Error::success();
}

llvm::Error HandleDidChange(Server& s, const DidChangeTextDocumentParams& p) {
  if (!s.workspace().Change(p.textDocument.uri, p.textDocument.version, p.contentChanges)) {
    return MakeError(kInvalidParams, "change to a document that is not open: " + p.textDocument.uri);
  }
  s.ScheduleRecheck();
  return llvm::Error::success();
}

llvm::Error HandleDidClose(Server& s, const DidCloseTextDocumentParams& p) {
  if (s.workspace().Close(p.textDocument.uri)) s.ScheduleRecheck();
  return llvm::Error::success();
}

// The saved text is the open text already; other files changed on disk
// come as watched-file events (handle_watched_files.cpp).
llvm::Error HandleDidSave(Server& s, const NoParams&) {
  s.ScheduleRecheck();
  return llvm::Error::success();
}

}  // namespace stave::lsp
