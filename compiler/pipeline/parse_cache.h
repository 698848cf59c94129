// The language server's parse cache: a recheck after an edit reparses only
// the files whose text changed.
#pragma once

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "compiler/base/source.h"
#include "compiler/syntax/parse.h"

namespace stave::pipeline {

// The parse of each file from the last compilation, for the language
// server: a recheck after an edit reparses only the files whose text
// changed. A parse is reused only under the same file id, since spans
// carry it (ids follow the sorted paths, so they move when files come or go).
class ParseCache {
 public:
  // A parse: its tree, shared with the Programs that use it, and its
  // diagnostics.
  struct Parsed {
    syntax::SharedFile file;
    diag::DiagnosticList diagnostics;
  };
  struct Entry {
    base::FileId id;
    std::string text;
    Parsed parsed;
  };
  const Parsed* Find(const std::string& path, base::FileId id, std::string_view text) const;
  void Store(const std::string& path, base::FileId id, std::string_view text, Parsed parsed);
  // Forgets files that were not part of the last compilation.
  void Keep(const std::vector<std::string>& paths);
  size_t size() const { return entries_.size(); }

 private:
  std::map<std::string, Entry, std::less<>> entries_;
};

}  // namespace stave::pipeline
