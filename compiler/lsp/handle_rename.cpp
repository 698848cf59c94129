// textDocument/rename: the declaration and every use in every file. Refused
// (as a JSON-RPC error saying why) for names of the standard library, a new
// name that is not an identifier or is reserved, and a new name that
// another declaration of the package has, or that would capture uses of a
// prelude name in the package.
#include <algorithm>

#include <fmt/format.h>

#include "compiler/lsp/handlers.h"
#include "compiler/lsp/server.h"
#include "compiler/syntax/tokens.h"

namespace stave::lsp {
namespace {

// Uses written without a prefix in the files of `package` that mean the
// std name `name`: renaming a declaration to `name` would capture them.
bool CapturesPreludeUse(const Analysis& a, const std::string& package, const std::string& name) {
  const sema::Program& p = a.program();
  sema::SymbolId std_id = p.lookup("std", name);
  if (std_id == sema::kNoSymbol) return false;
  for (const sema::Reference& r : p.references) {
    if (r.target != std_id || r.span.file >= p.files.size()) continue;
    const syntax::File& f = *p.files[r.span.file];
    if (!f.package || f.package->text != package) continue;
    bool qualified = r.span.begin > 0 && a.file(r.span.file).text()[r.span.begin - 1] == '.';
    if (!qualified) return true;
  }
  return false;
}

llvm::Error CheckNewName(const Analysis& a, const sema::Symbol& sym, sema::SymbolId id,
                         const std::string& name) {
  if (!syntax::IsIdentifier(name)) {
    return MakeError(kRequestFailed,
                     fmt::format("`{}` is not a valid name: a name is a letter or `_`, then "
                                 "letters, digits, `_` or `-`, not ending in `-`",
                                 name));
  }
  if (syntax::IsReservedWord(name)) {
    return MakeError(kRequestFailed, fmt::format("`{}` is a reserved word and cannot be a name", name));
  }
  sema::SymbolId other = a.program().lookup(sym.package, name);
  if (other != sema::kNoSymbol && other != id) {
    return MakeError(kRequestFailed,
                     fmt::format("package `{}` already declares `{}` ({})", sym.package, name,
                                 syntax::DeclKindName(a.program().symbol(other).kind)));
  }
  if (CapturesPreludeUse(a, sym.package, name)) {
    return MakeError(kRequestFailed,
                     fmt::format("`{}` would shadow `std.{}`, which package `{}` uses", name, name,
                                 sym.package));
  }
  return llvm::Error::success();
}

}  // namespace

llvm::Expected<json::Value> HandleRename(Server& s, const RenameParams& p) {
  const Analysis& a = s.analysis();
  std::optional<AnalyzedDocument> doc = a.DocumentAt(p.textDocument.uri);
  if (!doc) return MakeError(kRequestFailed, "this document is not part of the program");
  auto at = a.SymbolAtOffset(doc->file, a.Offset(doc->file, p.position));
  if (!at) return MakeError(kRequestFailed, "there is no declared name here to rename");
  const sema::Symbol& sym = a.program().symbol(at->id);
  if (sym.builtin) {
    return MakeError(kRequestFailed,
                     fmt::format("`{}` is declared in the standard library and cannot be renamed",
                                 sym.name));
  }
  if (llvm::Error error = CheckNewName(a, sym, at->id, p.newName)) return error;
  WorkspaceEdit edit;
  if (p.newName == sym.name) return edit;
  std::vector<base::Span> spans = a.UsesOf(at->id);
  spans.push_back(sym.name_span());
  std::sort(spans.begin(), spans.end());
  for (base::Span span : spans) {
    std::optional<std::string> uri = s.UriOf(span.file);
    if (!uri) continue;
    edit.changes[*uri].push_back(TextEdit{a.ToRange(span), p.newName});
  }
  return edit;
}

}  // namespace stave::lsp
