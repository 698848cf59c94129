// llvm::json conversions for the LSP structures of protocol.h.
#include "compiler/lsp/protocol.h"

namespace stave::lsp {

char LspError::ID;

llvm::Error MakeError(int code, std::string message) {
  return llvm::make_error<LspError>(code, std::move(message));
}

std::string Utf8(std::string text) {
  if (json::isUTF8(text)) return text;
  return json::fixUTF8(text);
}

namespace {

// A non-negative integer (LSP's uinteger); a fractional, negative or huge
// number is invalid params, not a crash or a wrap-around.
bool MapUInt(const json::Object& o, llvm::StringLiteral key, int64_t& out, json::Path p) {
  const json::Value* v = o.get(key);
  if (!v) {
    p.field(key).report("missing value");
    return false;
  }
  llvm::Optional<int64_t> n = v->getAsInteger();
  if (!n || *n < 0) {
    p.field(key).report("expected a non-negative integer");
    return false;
  }
  out = *n;
  return true;
}

// The client's `capabilities.workspace.didChangeWatchedFiles` object, if any.
const json::Object* WatchCapability(const json::Object& params) {
  const json::Object* caps = params.getObject("capabilities");
  const json::Object* ws = caps ? caps->getObject("workspace") : nullptr;
  return ws ? ws->getObject("didChangeWatchedFiles") : nullptr;
}

}  // namespace

bool fromJSON(const json::Value& v, Position& out, json::Path p) {
  const json::Object* o = v.getAsObject();
  if (!o) {
    p.report("expected object");
    return false;
  }
  return MapUInt(*o, "line", out.line, p) && MapUInt(*o, "character", out.character, p);
}

bool fromJSON(const json::Value& v, Range& out, json::Path p) {
  json::ObjectMapper o(v, p);
  return o && o.map("start", out.start) && o.map("end", out.end);
}

std::string ToText(const json::Value& v) {
  std::string out;
  llvm::raw_string_ostream os(out);
  os << v;
  os.flush();
  return out;
}

json::Value toJSON(const Position& p) {
  return json::Object{{"line", p.line}, {"character", p.character}};
}
json::Value toJSON(const Range& r) { return json::Object{{"start", r.start}, {"end", r.end}}; }
json::Value toJSON(const Location& l) {
  return json::Object{{"uri", Utf8(l.uri)}, {"range", l.range}};
}
json::Value toJSON(const TextEdit& e) {
  return json::Object{{"range", e.range}, {"newText", Utf8(e.newText)}};
}

bool fromJSON(const json::Value& v, TextDocumentIdentifier& out, json::Path p) {
  json::ObjectMapper o(v, p);
  return o && o.map("uri", out.uri);
}

bool fromJSON(const json::Value& v, VersionedTextDocumentIdentifier& out, json::Path p) {
  json::ObjectMapper o(v, p);
  return o && o.map("uri", out.uri) && o.map("version", out.version);
}

bool fromJSON(const json::Value& v, TextDocumentItem& out, json::Path p) {
  json::ObjectMapper o(v, p);
  return o && o.map("uri", out.uri) && o.mapOptional("languageId", out.languageId) &&
         o.mapOptional("version", out.version) && o.map("text", out.text);
}

bool fromJSON(const json::Value& v, TextDocumentContentChangeEvent& out, json::Path p) {
  json::ObjectMapper o(v, p);
  return o && o.map("range", out.range) && o.map("text", out.text);
}

bool fromJSON(const json::Value& v, DidOpenTextDocumentParams& out, json::Path p) {
  json::ObjectMapper o(v, p);
  return o && o.map("textDocument", out.textDocument);
}

bool fromJSON(const json::Value& v, DidChangeTextDocumentParams& out, json::Path p) {
  json::ObjectMapper o(v, p);
  return o && o.map("textDocument", out.textDocument) &&
         o.map("contentChanges", out.contentChanges);
}

bool fromJSON(const json::Value& v, DidCloseTextDocumentParams& out, json::Path p) {
  json::ObjectMapper o(v, p);
  return o && o.map("textDocument", out.textDocument);
}

bool fromJSON(const json::Value& v, TextDocumentParams& out, json::Path p) {
  json::ObjectMapper o(v, p);
  return o && o.map("textDocument", out.textDocument);
}

bool fromJSON(const json::Value& v, TextDocumentPositionParams& out, json::Path p) {
  json::ObjectMapper o(v, p);
  return o && o.map("textDocument", out.textDocument) && o.map("position", out.position);
}

bool fromJSON(const json::Value& v, ReferenceParams& out, json::Path p) {
  if (!fromJSON(v, static_cast<TextDocumentPositionParams&>(out), p)) return false;
  const json::Value* context = v.getAsObject()->get("context");
  if (!context) return true;  // required by LSP; tolerated
  json::ObjectMapper o(*context, p.field("context"));
  return o && o.mapOptional("includeDeclaration", out.includeDeclaration);
}

bool fromJSON(const json::Value& v, RenameParams& out, json::Path p) {
  if (!fromJSON(v, static_cast<TextDocumentPositionParams&>(out), p)) return false;
  json::ObjectMapper o(v, p);
  return o.map("newName", out.newName);
}

bool fromJSON(const json::Value& v, CodeActionParams& out, json::Path p) {
  json::ObjectMapper o(v, p);
  return o && o.map("textDocument", out.textDocument) && o.map("range", out.range);
}

bool fromJSON(const json::Value& v, FileEvent& out, json::Path p) {
  json::ObjectMapper o(v, p);
  return o && o.map("uri", out.uri) && o.map("type", out.type);
}

bool fromJSON(const json::Value& v, DidChangeWatchedFilesParams& out, json::Path p) {
  json::ObjectMapper o(v, p);
  if (!o) return false;
  const json::Value* changes = v.getAsObject()->get("changes");
  if (!changes) {
    p.field("changes").report("missing value");
    return false;
  }
  const json::Array* events = changes->getAsArray();
  if (!events) {
    p.field("changes").report("expected array");
    return false;
  }
  for (const json::Value& event : *events) {
    FileEvent e;
    json::Path::Root skipped;  // a bad entry is dropped, not reported
    if (fromJSON(event, e, skipped)) out.changes.push_back(std::move(e));
  }
  return true;
}

bool fromJSON(const json::Value& v, InitializeParams& out, json::Path p) {
  // `params` may be anything for a lenient client; only the root matters,
  // and a root of the wrong type is ignored rather than refused.
  const json::Object* o = v.getAsObject();
  if (!o) {
    p.report("expected object");
    return false;
  }
  if (auto uri = o->getString("rootUri")) out.rootUri = uri->str();
  if (!out.rootUri) {
    if (const json::Array* folders = o->getArray("workspaceFolders")) {
      if (!folders->empty() && folders->front().getAsObject()) {
        if (auto uri = folders->front().getAsObject()->getString("uri")) out.rootUri = uri->str();
      }
    }
  }
  if (auto path = o->getString("rootPath")) out.rootPath = path->str();
  if (const json::Object* watch = WatchCapability(*o)) {
    out.canWatchFiles = watch->getBoolean("dynamicRegistration").getValueOr(false);
  }
  return true;
}

json::Value toJSON(const DiagnosticRelatedInformation& r) {
  return json::Object{{"location", r.location}, {"message", Utf8(r.message)}};
}

json::Value toJSON(const Diagnostic& d) {
  json::Object o{{"range", d.range},       {"severity", d.severity},
                 {"code", Utf8(d.code)},   {"source", d.source},
                 {"message", Utf8(d.message)}};
  if (!d.relatedInformation.empty()) o["relatedInformation"] = d.relatedInformation;
  if (!d.tags.empty()) o["tags"] = d.tags;
  return o;
}

json::Value toJSON(const PublishDiagnosticsParams& p) {
  json::Object o{{"uri", Utf8(p.uri)}, {"diagnostics", p.diagnostics}};
  if (p.version) o["version"] = *p.version;
  return o;
}

json::Value toJSON(const MarkupContent& m) {
  return json::Object{{"kind", m.kind}, {"value", Utf8(m.value)}};
}

json::Value toJSON(const Hover& h) {
  json::Object o{{"contents", h.contents}};
  if (h.range) o["range"] = *h.range;
  return o;
}

json::Value toJSON(const DocumentSymbol& s) {
  json::Object o{{"name", Utf8(s.name.empty() ? "(unnamed)" : s.name)},
                 {"kind", s.kind},
                 {"range", s.range},
                 {"selectionRange", s.selectionRange}};
  if (!s.detail.empty()) o["detail"] = Utf8(s.detail);
  if (!s.children.empty()) o["children"] = s.children;
  return o;
}

json::Value toJSON(const CompletionItem& c) {
  json::Object o{{"label", Utf8(c.label)}, {"kind", c.kind}};
  if (!c.detail.empty()) o["detail"] = Utf8(c.detail);
  if (!c.documentation.empty()) {
    o["documentation"] = MarkupContent{"markdown", c.documentation};
  }
  if (!c.sortText.empty()) o["sortText"] = Utf8(c.sortText);
  if (c.textEdit) o["textEdit"] = *c.textEdit;
  return o;
}

json::Value toJSON(const CompletionList& l) {
  return json::Object{{"isIncomplete", l.isIncomplete}, {"items", l.items}};
}

json::Value toJSON(const WorkspaceEdit& e) {
  json::Object changes;
  for (const auto& [uri, edits] : e.changes) changes[Utf8(uri)] = edits;
  return json::Object{{"changes", std::move(changes)}};
}

}  // namespace stave::lsp
