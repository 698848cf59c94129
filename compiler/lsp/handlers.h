// One handler per LSP method, each in its own handle_<method>.cpp. Requests
// return a result or an LspError (sent as the JSON-RPC error); notifications
// return an error only to have it logged.
#pragma once

#include "compiler/lsp/protocol.h"

namespace stave::lsp {

class Server;

using RequestHandler = llvm::Expected<json::Value> (*)(Server&, const json::Value& params);
using NotificationHandler = llvm::Error (*)(Server&, const json::Value& params);

// handle_initialize.cpp: the lifecycle.
llvm::Expected<json::Value> HandleInitialize(Server& s, const json::Value& params);
llvm::Expected<json::Value> HandleShutdown(Server& s, const json::Value& params);
llvm::Error HandleInitialized(Server& s, const json::Value& params);
llvm::Error HandleExit(Server& s, const json::Value& params);

// handle_text_sync.cpp
llvm::Error HandleDidOpen(Server& s, const json::Value& params);
llvm::Error HandleDidChange(Server& s, const json::Value& params);
llvm::Error HandleDidClose(Server& s, const json::Value& params);
llvm::Error HandleDidSave(Server& s, const json::Value& params);

// handle_watched_files.cpp: disk changes, and the watcher's registration.
llvm::Error HandleDidChangeWatchedFiles(Server& s, const json::Value& params);
// True when the client can register `workspace/didChangeWatchedFiles`
// dynamically (capabilities.workspace.didChangeWatchedFiles).
bool ClientCanWatchFiles(const json::Value& initialize_params);
// The `client/registerCapability` params that watch `**/*.policy`.
json::Value WatcherRegistration();

llvm::Expected<json::Value> HandleHover(Server& s, const json::Value& params);
llvm::Expected<json::Value> HandleDefinition(Server& s, const json::Value& params);
llvm::Expected<json::Value> HandleReferences(Server& s, const json::Value& params);
llvm::Expected<json::Value> HandleDocumentSymbol(Server& s, const json::Value& params);
llvm::Expected<json::Value> HandleCompletion(Server& s, const json::Value& params);
llvm::Expected<json::Value> HandleFormatting(Server& s, const json::Value& params);
llvm::Expected<json::Value> HandleRename(Server& s, const json::Value& params);
llvm::Expected<json::Value> HandleCodeAction(Server& s, const json::Value& params);

}  // namespace stave::lsp
