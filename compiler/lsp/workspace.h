// The files of the program the server checks: every `.policy` file under
// the workspace root as it is on disk, except that the text of an open
// document (unsaved edits included) wins over the disk. Open documents
// outside the root are part of the program too.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "compiler/driver/load.h"
#include "compiler/lsp/protocol.h"

namespace stave::lsp {

struct Document {
  std::string uri;   // as the client wrote it; diagnostics are published to it
  std::string path;  // the name it is compiled under (DocumentPath)
  std::string text;
  int64_t version = 0;
};

// Applies one change event: a range edit in UTF-16 positions (clamped to
// the text, reversed ranges swapped), or a whole new text.
void ApplyChange(std::string& text, const TextDocumentContentChangeEvent& change);

class Workspace {
 public:
  // A root that is not absolute is taken relative to the working directory.
  void SetRoot(std::optional<std::string> root);
  const std::optional<std::string>& root() const { return root_; }

  void Open(const std::string& uri, std::string text, int64_t version);
  // False when the document is not open (the change is ignored).
  bool Change(const std::string& uri, llvm::Optional<int64_t> version,
              const std::vector<TextDocumentContentChangeEvent>& changes);
  bool Close(const std::string& uri);
  const Document* Find(std::string_view uri) const;

  // The program's files, sorted by path: disk under the root, overlaid by
  // open documents. Reads the disk each time (edits made by other tools are
  // seen at the next recheck).
  std::vector<driver::SourceInput> Inputs() const;

  // The URI of a compiled path: the open document's own, else a file URI;
  // nullopt for the embedded std files.
  std::optional<std::string> UriOf(std::string_view path) const;
  // The open document's version for a path, if open.
  llvm::Optional<int64_t> VersionOf(std::string_view path) const;

 private:
  std::optional<std::string> root_;
  std::map<std::string, Document, std::less<>> open_;  // by path
};

}  // namespace stave::lsp
