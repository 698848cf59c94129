// Lookups over one compilation for the handlers (analysis.h).
#include "compiler/lsp/analysis.h"

#include <algorithm>

#include "compiler/lsp/uri.h"

namespace stave::lsp {
namespace {

// The cursor is "on" a name when it is inside it or right after its last
// character (where editors put it after a double click or while typing).
bool Touches(base::Span span, uint32_t offset) {
  return span.begin <= offset && offset <= span.end;
}

}  // namespace

Analysis::Analysis(std::unique_ptr<pipeline::Compilation> compilation) : c_(std::move(compilation)) {
  auto& refs = c_->program->references;
  std::sort(refs.begin(), refs.end(),
            [](const sema::Reference& a, const sema::Reference& b) { return a.span < b.span; });
  for (base::FileId id = 0; id < c_->sources.size(); ++id) {
    const base::SourceFile& f = c_->sources.file(id);
    if (!f.is_builtin()) by_path_.emplace(f.path(), id);
  }
}

std::optional<AnalyzedDocument> Analysis::DocumentAt(std::string_view uri) const {
  auto it = by_path_.find(DocumentPath(uri));
  if (it == by_path_.end()) return std::nullopt;
  return AnalyzedDocument{it->second, file(it->second), syntax(it->second)};
}

std::vector<base::FileId> Analysis::UserFiles() const {
  std::vector<base::FileId> out;
  for (const auto& [path, id] : by_path_) out.push_back(id);
  std::sort(out.begin(), out.end());
  return out;
}

uint32_t Analysis::Offset(base::FileId file, const Position& position) const {
  return c_->sources.file(file).offset_of_utf16(ClampPosition(position.line), ClampPosition(position.character));
}

Position Analysis::ToPosition(base::FileId file, uint32_t offset) const {
  base::LineCol lc = c_->sources.file(file).position(offset);
  return Position{lc.line - 1, lc.utf16_column - 1};
}

Range Analysis::ToRange(base::Span span) const {
  return Range{ToPosition(span.file, span.begin), ToPosition(span.file, span.end)};
}

std::optional<Analysis::SymbolAt> Analysis::SymbolAtOffset(base::FileId file,
                                                           uint32_t offset) const {
  const sema::Program& p = program();
  // Prefer a span that strictly contains the offset over one that ends at
  // it: in `a,b` with the cursor before `b`, `b` is meant.
  std::optional<SymbolAt> touching;
  auto consider = [&](base::Span span, sema::SymbolId id, bool declaration) {
    if (span.file != file || !Touches(span, offset)) return false;
    SymbolAt at{id, span, declaration};
    if (offset < span.end) {
      touching = at;
      return true;
    }
    if (!touching) touching = at;
    return false;
  };
  auto first = std::lower_bound(p.references.begin(), p.references.end(), file,
                                [](const sema::Reference& r, base::FileId f) { return r.span.file < f; });
  for (auto it = first; it != p.references.end() && it->span.file == file; ++it) {
    if (it->span.begin > offset) break;
    if (consider(it->span, it->target, false)) return touching;
  }
  for (sema::SymbolId id = 0; id < p.symbols.size(); ++id) {
    if (consider(p.symbols[id].name_span(), id, true)) return touching;
  }
  return touching;
}

std::vector<base::Span> Analysis::UsesOf(sema::SymbolId id) const {
  std::vector<base::Span> out;
  for (const sema::Reference& r : program().references) {
    if (r.target == id) out.push_back(r.span);
  }
  return out;
}

const syntax::Rule* Analysis::RuleAt(base::FileId file, uint32_t offset) const {
  if (file >= program().files.size()) return nullptr;
  for (const syntax::Rule& rule : syntax(file).rules) {
    if (rule.span.begin <= offset && offset < rule.span.end) return &rule;
  }
  return nullptr;
}

const syntax::Decl* Analysis::DeclAt(base::FileId file, uint32_t offset) const {
  if (file >= program().files.size()) return nullptr;
  for (const syntax::Decl& decl : syntax(file).decls) {
    if (decl.span.begin <= offset && offset < decl.span.end) return &decl;
  }
  return nullptr;
}

sema::SymbolId Analysis::SymbolOf(const syntax::Decl& decl) const {
  const sema::Program& p = program();
  for (sema::SymbolId id = 0; id < p.symbols.size(); ++id) {
    if (p.symbols[id].decl == &decl) return id;
  }
  return sema::kNoSymbol;
}

}  // namespace stave::lsp
