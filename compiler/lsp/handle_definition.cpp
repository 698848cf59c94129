// textDocument/definition: from a use (or the declaration itself) to the
// declared name. Names of the embedded standard library have no file the
// editor could open, so they have no definition location.
#include "compiler/lsp/handlers.h"
#include "compiler/lsp/server.h"

namespace stave::lsp {

llvm::Expected<json::Value> HandleDefinition(Server& s, const DefinitionParams& p) {
  const Analysis& a = s.analysis();
  std::optional<AnalyzedDocument> doc = a.DocumentAt(p.textDocument.uri);
  if (!doc) return json::Value(nullptr);
  auto at = a.SymbolAtOffset(doc->file, a.Offset(doc->file, p.position));
  if (!at) return json::Value(nullptr);
  base::Span target = a.program().symbol(at->id).name_span();
  std::optional<std::string> uri = s.UriOf(target.file);
  if (!uri) return json::Value(nullptr);
  return json::Array{Location{*uri, a.ToRange(target)}};
}

}  // namespace stave::lsp
