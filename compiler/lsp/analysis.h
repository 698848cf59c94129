// One recheck's result — the compiled, checked and (when error-free)
// lowered program — and the lookups every handler needs: documents by URI,
// LSP positions to offsets and back, the symbol under the cursor.
#pragma once

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "compiler/lsp/protocol.h"
#include "compiler/pipeline/compilation.h"

namespace stave::lsp {

// A user file of the checked program, as a request about one document sees
// it (the open text is workspace.h's Document).
struct AnalyzedDocument {
  base::FileId file;
  const base::SourceFile& source;
  const syntax::File& syntax;
};

class Analysis {
 public:
  explicit Analysis(std::unique_ptr<pipeline::Compilation> compilation);

  const pipeline::Compilation& compilation() const { return *c_; }
  const sema::Program& program() const { return *c_->program; }
  const base::SourceSet& sources() const { return c_->sources; }
  const base::SourceFile& file(base::FileId id) const { return c_->sources.file(id); }
  const syntax::File& syntax(base::FileId id) const { return *c_->program->files[id]; }

  // The document a request's `textDocument.uri` names, open or read from
  // disk; nullopt when the program has no such user file (a URI outside
  // the root never opened, a std file). Every document handler asks this.
  std::optional<AnalyzedDocument> DocumentAt(std::string_view uri) const;
  // Every user (non-std) file, in file id order.
  std::vector<base::FileId> UserFiles() const;

  // An LSP position as a byte offset, clamped to the line and the file.
  uint32_t Offset(base::FileId file, const Position& position) const;
  Position ToPosition(base::FileId file, uint32_t offset) const;
  Range ToRange(base::Span span) const;

  // The symbol used or declared at `offset` (the cursor may also sit just
  // after the name), with the span of the name there.
  struct SymbolAt {
    sema::SymbolId id;
    base::Span span;
    bool declaration;  // the cursor is on the declaration's own name
  };
  std::optional<SymbolAt> SymbolAtOffset(base::FileId file, uint32_t offset) const;

  // Every use of `id` (spans of the name), in span order.
  std::vector<base::Span> UsesOf(sema::SymbolId id) const;

  // The innermost rule or declaration whose span contains `offset`.
  const syntax::Rule* RuleAt(base::FileId file, uint32_t offset) const;
  const syntax::Decl* DeclAt(base::FileId file, uint32_t offset) const;
  // The symbol a declaration made (kNoSymbol for a duplicate).
  sema::SymbolId SymbolOf(const syntax::Decl& decl) const;

 private:
  std::unique_ptr<pipeline::Compilation> c_;
  std::map<std::string, base::FileId, std::less<>> by_path_;
};

}  // namespace stave::lsp
