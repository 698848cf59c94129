// One handler per LSP method, each in its own handle_<method>.cpp. A handler
// takes its params as a struct (protocol.h); BindParams makes the JSON into
// that struct, in one place for all of them. Requests return a result or an
// LspError (sent as the JSON-RPC error); notifications return an error only
// to have it logged.
#pragma once

#include <utility>

#include "compiler/lsp/protocol.h"

namespace stave::lsp {

class Server;

using RequestHandler = llvm::Expected<json::Value> (*)(Server&, const json::Value& params);
using NotificationHandler = llvm::Error (*)(Server&, const json::Value& params);

// handle_initialize.cpp: the lifecycle.
llvm::Expected<json::Value> HandleInitialize(Server& s, const InitializeParams& p);
llvm::Expected<json::Value> HandleShutdown(Server& s, const NoParams& p);
llvm::Error HandleInitialized(Server& s, const NoParams& p);
llvm::Error HandleExit(Server& s, const NoParams& p);

// handle_text_sync.cpp
llvm::Error HandleDidOpen(Server& s, DidOpenTextDocumentParams&& p);
llvm::Error HandleDidChange(Server& s, const DidChangeTextDocumentParams& p);
llvm::Error HandleDidClose(Server& s, const DidCloseTextDocumentParams& p);
llvm::Error HandleDidSave(Server& s, const NoParams& p);

// handle_watched_files.cpp: disk changes, and the watcher's registration.
llvm::Error HandleDidChangeWatchedFiles(Server& s, const DidChangeWatchedFilesParams& p);
// The `client/registerCapability` params that watch `**/*.policy`.
json::Value WatcherRegistration();

llvm::Expected<json::Value> HandleHover(Server& s, const HoverParams& p);
llvm::Expected<json::Value> HandleDefinition(Server& s, const DefinitionParams& p);
llvm::Expected<json::Value> HandleReferences(Server& s, const ReferenceParams& p);
llvm::Expected<json::Value> HandleDocumentSymbol(Server& s, const DocumentSymbolParams& p);
llvm::Expected<json::Value> HandleCompletion(Server& s, const CompletionParams& p);
llvm::Expected<json::Value> HandleFormatting(Server& s, const DocumentFormattingParams& p);
llvm::Expected<json::Value> HandleRename(Server& s, const RenameParams& p);
llvm::Expected<json::Value> HandleCodeAction(Server& s, const CodeActionParams& p);

// What a handler returns and the params struct it takes.
template <typename Handler>
struct HandlerTraits;
template <typename R, typename P>
struct HandlerTraits<R (*)(Server&, const P&)> {
  using Result = R;
  using Params = P;
};
template <typename R, typename P>
struct HandlerTraits<R (*)(Server&, P&&)> {  // a handler that keeps the params
  using Result = R;
  using Params = P;
};

// `handler` over JSON params: BindParams<HandleHover> is a RequestHandler
// that parses HoverParams and calls HandleHover, or answers InvalidParams
// (ParseParams) without calling it.
template <auto handler>
typename HandlerTraits<decltype(handler)>::Result BindParams(Server& s, const json::Value& params) {
  auto p = ParseParams<typename HandlerTraits<decltype(handler)>::Params>(params);
  if (!p) return p.takeError();
  return handler(s, std::move(*p));
}

}  // namespace stave::lsp
