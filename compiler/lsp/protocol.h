// The LSP 3.17 structures the server reads and writes, with their
// llvm::json conversions. Field names are LSP's own (camelCase), so that a
// struct reads like the specification it mirrors. Only the fields the
// server uses are here; unknown fields in input are ignored.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

// LLVM 14's headers trip -Wunused-parameter; they are not ours to fix.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wunused-parameter"
#include <llvm/ADT/Optional.h>
#include <llvm/Support/Error.h>
#include <llvm/Support/JSON.h>
#include <llvm/Support/raw_ostream.h>
#pragma GCC diagnostic pop

namespace stave::lsp {

namespace json = llvm::json;

// A JSON value as compact text: for comparing values and keying ids.
std::string ToText(const json::Value& v);

// An LSP position's line or character (JSON numbers, maybe negative or
// huge from a hostile client) clamped to what the line tables take.
inline uint32_t ClampPosition(int64_t v) {
  return v < 0 ? 0 : v > int64_t{UINT32_MAX} ? UINT32_MAX : static_cast<uint32_t>(v);
}

// JSON-RPC and LSP error codes.
enum ErrorCode : int {
  kParseError = -32700,
  kInvalidRequest = -32600,
  kMethodNotFound = -32601,
  kInvalidParams = -32602,
  kInternalError = -32603,
  kServerNotInitialized = -32002,
  kRequestFailed = -32803,
  kRequestCancelled = -32800,
};

// A handler's refusal, sent as the response's `error`.
class LspError : public llvm::ErrorInfo<LspError> {
 public:
  static char ID;
  LspError(int code, std::string message) : code(code), message(std::move(message)) {}
  void log(llvm::raw_ostream& os) const override { os << message; }
  std::error_code convertToErrorCode() const override { return llvm::inconvertibleErrorCode(); }
  int code;
  std::string message;
};
llvm::Error MakeError(int code, std::string message);

// Text for JSON: llvm::json requires UTF-8; source-derived text is made so.
std::string Utf8(std::string text);

// ---------------------------------------------------------------- basics

struct Position {
  int64_t line = 0;
  int64_t character = 0;  // UTF-16 code units
};
struct Range {
  Position start, end;
};
struct Location {
  std::string uri;
  Range range;
};
struct TextEdit {
  Range range;
  std::string newText;
};

bool fromJSON(const json::Value& v, Position& out, json::Path p);
bool fromJSON(const json::Value& v, Range& out, json::Path p);
json::Value toJSON(const Position& p);
json::Value toJSON(const Range& r);
json::Value toJSON(const Location& l);
json::Value toJSON(const TextEdit& e);

// ---------------------------------------------------------------- input

struct TextDocumentIdentifier {
  std::string uri;
};
struct VersionedTextDocumentIdentifier {
  std::string uri;
  llvm::Optional<int64_t> version;
};
struct TextDocumentItem {
  std::string uri;
  std::string languageId;
  int64_t version = 0;
  std::string text;
};
struct TextDocumentContentChangeEvent {
  llvm::Optional<Range> range;  // absent: `text` is the whole document
  std::string text;
};
struct DidOpenTextDocumentParams {
  TextDocumentItem textDocument;
};
struct DidChangeTextDocumentParams {
  VersionedTextDocumentIdentifier textDocument;
  std::vector<TextDocumentContentChangeEvent> contentChanges;
};
struct DidCloseTextDocumentParams {
  TextDocumentIdentifier textDocument;
};
// Also DocumentSymbolParams and DocumentFormattingParams (options ignored:
// the canonical layout has no settings).
struct TextDocumentParams {
  TextDocumentIdentifier textDocument;
};
struct TextDocumentPositionParams {
  TextDocumentIdentifier textDocument;
  Position position;
};
struct ReferenceParams : TextDocumentPositionParams {
  bool includeDeclaration = false;  // context.includeDeclaration
};
struct RenameParams : TextDocumentPositionParams {
  std::string newName;
};
struct CodeActionParams {
  TextDocumentIdentifier textDocument;
  Range range;  // context (the client's diagnostics) ignored: ours are recomputed
};
// The requests whose params are one of the shapes above, by LSP's names.
using HoverParams = TextDocumentPositionParams;
using DefinitionParams = TextDocumentPositionParams;
using CompletionParams = TextDocumentPositionParams;  // context ignored
using DocumentSymbolParams = TextDocumentParams;
using DocumentFormattingParams = TextDocumentParams;
struct FileEvent {
  std::string uri;
  int64_t type = 0;  // FileChangeType: 1 created, 2 changed, 3 deleted
};
struct DidChangeWatchedFilesParams {
  // A malformed entry is left out, the others kept: one bad entry should
  // not lose a watcher's whole batch.
  std::vector<FileEvent> changes;
};
struct InitializeParams {
  // The first of rootUri, workspaceFolders[0].uri, rootPath that is set.
  llvm::Optional<std::string> rootUri;
  llvm::Optional<std::string> rootPath;
  // capabilities.workspace.didChangeWatchedFiles.dynamicRegistration
  bool canWatchFiles = false;
};
// What shutdown, exit, initialized and didSave take: nothing they read, so
// any params are accepted.
struct NoParams {};

bool fromJSON(const json::Value& v, TextDocumentIdentifier& out, json::Path p);
bool fromJSON(const json::Value& v, VersionedTextDocumentIdentifier& out, json::Path p);
bool fromJSON(const json::Value& v, TextDocumentItem& out, json::Path p);
bool fromJSON(const json::Value& v, TextDocumentContentChangeEvent& out, json::Path p);
bool fromJSON(const json::Value& v, DidOpenTextDocumentParams& out, json::Path p);
bool fromJSON(const json::Value& v, DidChangeTextDocumentParams& out, json::Path p);
bool fromJSON(const json::Value& v, DidCloseTextDocumentParams& out, json::Path p);
bool fromJSON(const json::Value& v, TextDocumentParams& out, json::Path p);
bool fromJSON(const json::Value& v, TextDocumentPositionParams& out, json::Path p);
bool fromJSON(const json::Value& v, ReferenceParams& out, json::Path p);
bool fromJSON(const json::Value& v, RenameParams& out, json::Path p);
bool fromJSON(const json::Value& v, CodeActionParams& out, json::Path p);
bool fromJSON(const json::Value& v, FileEvent& out, json::Path p);
bool fromJSON(const json::Value& v, DidChangeWatchedFilesParams& out, json::Path p);
bool fromJSON(const json::Value& v, InitializeParams& out, json::Path p);
inline bool fromJSON(const json::Value&, NoParams&, json::Path) { return true; }

// Parses `params` into T, or an InvalidParams error naming what is wrong
// and where ("invalid params: missing value at params.position"). The
// handlers never call it: BindParams (handlers.h) does, for all of them.
template <typename T>
llvm::Expected<T> ParseParams(const json::Value& params) {
  T out;
  json::Path::Root root("params");
  if (fromJSON(params, out, root)) return out;
  std::string message;
  llvm::handleAllErrors(root.getError(), [&](const llvm::ErrorInfoBase& e) {
    message = e.message();
  });
  return MakeError(kInvalidParams, "invalid params: " + message);
}

// ---------------------------------------------------------------- output

struct DiagnosticRelatedInformation {
  Location location;
  std::string message;
};
struct Diagnostic {
  Range range;
  int severity = 1;  // 1 error, 2 warning, 3 information
  std::string code;
  std::string source = "stave";
  std::string message;
  std::vector<DiagnosticRelatedInformation> relatedInformation;
  std::vector<int> tags;  // 1: unnecessary (unused imports)
};
struct PublishDiagnosticsParams {
  std::string uri;
  llvm::Optional<int64_t> version;
  std::vector<Diagnostic> diagnostics;
};
struct MarkupContent {
  std::string kind = "markdown";
  std::string value;
};
struct Hover {
  MarkupContent contents;
  llvm::Optional<Range> range;
};
struct DocumentSymbol {
  std::string name;
  std::string detail;
  int kind = 0;  // SymbolKind
  Range range;
  Range selectionRange;
  std::vector<DocumentSymbol> children;
};
struct CompletionItem {
  std::string label;
  int kind = 0;  // CompletionItemKind
  std::string detail;
  std::string documentation;  // markdown; empty: none
  std::string sortText;
  llvm::Optional<TextEdit> textEdit;
};
struct CompletionList {
  bool isIncomplete = false;
  std::vector<CompletionItem> items;
};
struct WorkspaceEdit {
  std::map<std::string, std::vector<TextEdit>> changes;  // by URI
};

json::Value toJSON(const DiagnosticRelatedInformation& r);
json::Value toJSON(const Diagnostic& d);
json::Value toJSON(const PublishDiagnosticsParams& p);
json::Value toJSON(const MarkupContent& m);
json::Value toJSON(const Hover& h);
json::Value toJSON(const DocumentSymbol& s);
json::Value toJSON(const CompletionItem& c);
json::Value toJSON(const CompletionList& l);
json::Value toJSON(const WorkspaceEdit& e);

}  // namespace stave::lsp
