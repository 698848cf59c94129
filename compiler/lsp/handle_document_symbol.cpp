// textDocument/documentSymbol: the outline of one file, in source order:
// declarations (their kind as a SymbolKind, the Kubernetes name as detail),
// rules (as events, named by their text) and tests with their expectations.
#include <algorithm>

#include <fmt/format.h>

#include "compiler/lsp/handlers.h"
#include "compiler/lsp/server.h"

namespace stave::lsp {
namespace {

// LSP SymbolKind values.
struct SymbolKind {
  static constexpr int kModule = 2, kNamespace = 3, kClass = 5, kMethod = 6, kProperty = 7, kField = 8,
  kInterface = 11, kFunction = 12, kVariable = 13, kStruct = 23, kEvent = 24, kKey = 20;
};

int KindOf(syntax::DeclKind kind) {
  switch (kind) {
    case syntax::DeclKind::Namespace: return SymbolKind::kNamespace;
    case syntax::DeclKind::User: return SymbolKind::kVariable;
    case syntax::DeclKind::Group: return SymbolKind::kStruct;
    case syntax::DeclKind::ServiceAccount: return SymbolKind::kProperty;
    case syntax::DeclKind::Resource: return SymbolKind::kField;
    case syntax::DeclKind::Action: return SymbolKind::kFunction;
    case syntax::DeclKind::App: return SymbolKind::kClass;
    case syntax::DeclKind::Pipeline: return SymbolKind::kInterface;
    case syntax::DeclKind::Issuer: return SymbolKind::kKey;
  }
  return SymbolKind::kVariable;
}

// A rule or expectation by its text, shortened for the outline.
std::string ShortText(const Analysis& a, base::Span span) {
  std::string text = base::OneLineText(a.sources(), span);
  constexpr size_t kMax = 80;
  if (text.size() > kMax) {
    size_t cut = kMax;
    while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80) --cut;
    text = text.substr(0, cut) + "…";
  }
  return text;
}

}  // namespace

llvm::Expected<json::Value> HandleDocumentSymbol(Server& s, const DocumentSymbolParams& p) {
  const Analysis& a = s.analysis();
  std::optional<AnalyzedDocument> doc = a.DocumentAt(p.textDocument.uri);
  if (!doc) return json::Array{};
  const syntax::File& f = doc->syntax;
  std::vector<std::pair<uint32_t, DocumentSymbol>> items;
  for (const syntax::Decl& d : f.decls) {
    DocumentSymbol sym;
    sym.name = d.name.text;
    sym.kind = KindOf(d.kind);
    sym.detail = d.value ? fmt::format("{} \"{}\"", syntax::DeclKindName(d.kind), d.value->value)
                         : syntax::DeclKindName(d.kind);
    sym.range = a.ToRange(d.span);
    sym.selectionRange = a.ToRange(d.name.span);
    items.push_back({d.span.begin, std::move(sym)});
  }
  for (const syntax::Rule& r : f.rules) {
    DocumentSymbol sym;
    sym.name = ShortText(a, r.span);
    sym.kind = SymbolKind::kEvent;
    sym.detail = "rule";
    sym.range = a.ToRange(r.span);
    sym.selectionRange = a.ToRange(r.effect_span);
    items.push_back({r.span.begin, std::move(sym)});
  }
  for (const syntax::TestBlock& t : f.tests) {
    DocumentSymbol sym;
    sym.name = t.name.value;
    sym.kind = SymbolKind::kMethod;
    sym.detail = "test";
    sym.range = a.ToRange(t.span);
    sym.selectionRange = a.ToRange(t.name.span);
    for (const syntax::Expectation& e : t.expectations) {
      DocumentSymbol child;
      child.name = ShortText(a, e.span);
      child.kind = SymbolKind::kEvent;
      child.detail = "expect";
      child.range = child.selectionRange = a.ToRange(e.span);
      sym.children.push_back(std::move(child));
    }
    items.push_back({t.span.begin, std::move(sym)});
  }
  std::stable_sort(items.begin(), items.end(),
                   [](const auto& x, const auto& y) { return x.first < y.first; });
  json::Array out;
  for (auto& [offset, sym] : items) out.push_back(std::move(sym));
  return out;
}

}  // namespace stave::lsp
