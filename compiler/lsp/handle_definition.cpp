// textDocument/definition: from a use (or the declaration itself) to the
// declared name. Names of the embedded standard library have no file the
// editor could open, so they have no definition location.
#include "compiler/lsp/handlers.h"
#include "compiler/lsp/server.h"
#include "compiler/lsp/uri.h"

namespace stave::lsp {

llvm::Expected<json::Value> HandleDefinition(Server& s, const json::Value& params) {
  auto p = ParseParams<TextDocumentPositionParams>(params);
  if (!p) return p.takeError();
  const Analysis& a = s.analysis();
  base::FileId file = a.FileOf(DocumentPath(p->textDocument.uri));
  if (file == base::kNoFile) return json::Value(nullptr);
  auto at = a.SymbolAtOffset(file, a.Offset(file, p->position));
  if (!at) return json::Value(nullptr);
  base::Span target = a.program().symbol(at->id).name_span();
  std::optional<std::string> uri = s.UriOf(target.file);
  if (!uri) return json::Value(nullptr);
  return json::Array{Location{*uri, a.ToRange(target)}};
}

}  // namespace stave::lsp
