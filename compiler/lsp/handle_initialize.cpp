// The lifecycle: `initialize` (root and capabilities), `initialized`,
// `shutdown` and `exit`.
#include <llvm/ADT/StringRef.h>

#include "compiler/base/version.h"
#include "compiler/lsp/handlers.h"
#include "compiler/lsp/server.h"
#include "compiler/lsp/uri.h"


namespace stave::lsp {

llvm::Expected<json::Value> HandleInitialize(Server& s, const InitializeParams& p) {
  std::optional<std::string> root;
  if (p.rootUri) root = FileUriToPath(*p.rootUri);
  if (!root && p.rootPath && !p.rootPath->empty()) root = *p.rootPath;
  s.workspace().SetRoot(root);
  s.set_watch_files(p.canWatchFiles);
  s.MarkInitialized();
  json::Object capabilities{
      {"positionEncoding", "utf-16"},
      {"textDocumentSync",
       json::Object{{"openClose", true}, {"change", 2}, {"save", json::Object{}}}},
      {"hoverProvider", true},
      {"definitionProvider", true},
      {"referencesProvider", true},
      {"documentSymbolProvider", true},
      {"completionProvider",
       json::Object{{"triggerCharacters", json::Array{" ", "."}}, {"resolveProvider", false}}},
      {"documentFormattingProvider", true},
      {"renameProvider", json::Object{{"prepareProvider", false}}},
      {"codeActionProvider", json::Object{{"codeActionKinds", json::Array{"quickfix"}}}},
  };
  return json::Object{
      {"capabilities", std::move(capabilities)},
      {"serverInfo", json::Object{{"name", std::string(kServerName)}, {"version", stave::base::kVersion}}},
  };
}

llvm::Expected<json::Value> HandleShutdown(Server& s, const NoParams&) {
  s.MarkShutdown();
  return json::Value(nullptr);
}

// Checks the whole workspace once, so that problems in files the user has
// not opened show up from the start; asks the client to report disk
// changes, since the root is not walked again.
llvm::Error HandleInitialized(Server& s, const NoParams&) {
  if (s.watch_files()) s.SendRequest("client/registerCapability", WatcherRegistration());
  s.ScheduleRecheck();
  return llvm::Error::success();
}

llvm::Error HandleExit(Server& s, const NoParams&) {
  s.RequestExit();
  return llvm::Error::success();
}

}  // namespace stave::lsp
