// textDocument/references: every use of the name under the cursor in every
// file of the program, and its declaration when the client asks for it.
#include <algorithm>

#include "compiler/lsp/handlers.h"
#include "compiler/lsp/server.h"

namespace stave::lsp {

llvm::Expected<json::Value> HandleReferences(Server& s, const ReferenceParams& p) {
  const Analysis& a = s.analysis();
  std::optional<AnalyzedDocument> doc = a.DocumentAt(p.textDocument.uri);
  if (!doc) return json::Array{};
  auto at = a.SymbolAtOffset(doc->file, a.Offset(doc->file, p.position));
  if (!at) return json::Array{};
  std::vector<base::Span> spans = a.UsesOf(at->id);
  if (p.includeDeclaration) {
    base::Span decl = a.program().symbol(at->id).name_span();
    spans.insert(std::upper_bound(spans.begin(), spans.end(), decl), decl);
  }
  json::Array out;
  for (base::Span span : spans) {
    // Uses inside the std files have no URI; the user's are all listed.
    if (std::optional<std::string> uri = s.UriOf(span.file)) {
      out.push_back(Location{*uri, a.ToRange(span)});
    }
  }
  return out;
}

}  // namespace stave::lsp
