// What the server last told the client about each file's diagnostics, so
// that a recheck notifies only the files whose diagnostics changed, and
// builds LSP JSON only for files whose diagnostics could read differently.
// In a repository of hundreds of files an edit changes one or two; turning
// every file's diagnostics into JSON text to find that out was a fifth of
// a recheck.
#pragma once

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "compiler/diag/diagnostic.h"
#include "compiler/lsp/analysis.h"
#include "compiler/lsp/diagnostics.h"

namespace stave::lsp {

using VersionOfFile = std::function<llvm::Optional<int64_t>(base::FileId)>;

class DiagnosticPublisher {
 public:
  // The publishDiagnostics params to send after a recheck, in send order:
  // clearings for files that left the program, then open documents, then
  // the rest, each only when what it would show changed.
  std::vector<json::Value> Update(const Analysis& a, const UriOfFile& uri_of,
                                  const VersionOfFile& version_of);

 private:
  // A file as the last update saw it under its id. The JSON of a file's
  // diagnostics depends on its diagnostics, its version, and the text and
  // URI of every file they point into (positions are line and UTF-16
  // column), so a file whose diagnostics and all of those are the same
  // reads the same and is not rebuilt.
  struct FileSeen {
    std::string path;
    std::optional<std::string> uri;
    std::string text;
  };
  struct Sent {
    base::FileId file;
    llvm::Optional<int64_t> version;
    std::vector<diag::Diagnostic> diagnostics;
    std::string json;
  };
  std::vector<bool> SeeFiles(const Analysis& a, const UriOfFile& uri_of);

  std::vector<FileSeen> files_;
  std::map<std::string, Sent> sent_;  // by URI
};

}  // namespace stave::lsp
