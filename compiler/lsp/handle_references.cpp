// textDocument/references: every use of the name under the cursor in every
// file of the program, and its declaration when the client asks for it.
#include <algorithm>

#include "compiler/lsp/handlers.h"
#include "compiler/lsp/server.h"
#include "compiler/lsp/uri.h"

namespace stave::lsp {

llvm::Expected<json::Value> HandleReferences(Server& s, const json::Value& params) {
  auto p = ParseParams<ReferenceParams>(params);
  if (!p) return p.takeError();
  const Analysis& a = s.analysis();
  base::FileId file = a.FileOf(DocumentPath(p->textDocument.uri));
  if (file == base::kNoFile) return json::Array{};
  auto at = a.SymbolAtOffset(file, a.Offset(file, p->position));
  if (!at) return json::Array{};
  std::vector<base::Span> spans = a.UsesOf(at->id);
  if (p->includeDeclaration) {
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
