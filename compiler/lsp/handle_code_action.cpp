// textDocument/codeAction: the fix-its diagnostics carry (did-you-mean
// replacements, removing an unused import, `post` -> `POST`, …) offered as
// quick fixes for the diagnostics under the requested range.
#include <cctype>

#include <fmt/format.h>

#include "compiler/lsp/diagnostics.h"
#include "compiler/lsp/handlers.h"
#include "compiler/lsp/server.h"

namespace stave::lsp {
namespace {

std::string Title(const diag::Diagnostic& d, const diag::FixIt& fix, std::string_view old_text) {
  // A removal may take the whole line with it; the title names the text.
  while (!old_text.empty() && std::isspace(static_cast<unsigned char>(old_text.back()))) {
    old_text.remove_suffix(1);
  }
  while (!old_text.empty() && std::isspace(static_cast<unsigned char>(old_text.front()))) {
    old_text.remove_prefix(1);
  }
  if (fix.replacement.empty()) return fmt::format("Remove `{}`", old_text);
  if (fix.span.size() == 0) return fmt::format("Insert `{}`", fix.replacement);
  (void)d;
  return fmt::format("Change `{}` to `{}`", old_text, fix.replacement);
}

}  // namespace

llvm::Expected<json::Value> HandleCodeAction(Server& s, const CodeActionParams& p) {
  const Analysis& a = s.analysis();
  std::optional<AnalyzedDocument> doc = a.DocumentAt(p.textDocument.uri);
  if (!doc) return json::Array{};
  const base::FileId file = doc->file;
  uint32_t begin = a.Offset(file, p.range.start);
  uint32_t end = a.Offset(file, p.range.end);
  const std::string& uri = p.textDocument.uri;
  UriOfFile uri_of = [&](base::FileId id) -> std::optional<std::string> {
    if (id == file) return uri;
    return std::nullopt;
  };
  json::Array actions;
  for (const diag::Diagnostic& d : a.compilation().diagnostics.items()) {
    const base::Span& span = d.primary.span;
    if (span.file != file || d.fixits.empty() || span.begin > end || span.end < begin) continue;
    json::Array edits;
    std::string title;
    for (const diag::FixIt& fix : d.fixits) {
      if (fix.span.file != file) continue;
      std::string_view old_text = doc->source.text().substr(fix.span.begin, fix.span.size());
      if (title.empty()) title = Title(d, fix, old_text);
      edits.push_back(toJSON(TextEdit{a.ToRange(fix.span), fix.replacement}));
    }
    if (edits.empty()) continue;
    actions.push_back(json::Object{
        {"title", title},
        {"kind", "quickfix"},
        {"isPreferred", true},
        {"diagnostics", json::Array{toJSON(ToLspDiagnostic(d, a, uri_of))}},
        {"edit", json::Object{{"changes", json::Object{{uri, std::move(edits)}}}}},
    });
  }
  return std::move(actions);
}

}  // namespace stave::lsp
