// The files of the program the server checks: every `.policy` file under
// the workspace root as it is on disk, except that the text of an open
// document (unsaved edits included) wins over the disk. Open documents
// outside the root are part of the program too. The root is walked once,
// within bounds (kWalkLimits); later disk changes come in file by file from
// `workspace/didChangeWatchedFiles` (docs/editors.md).
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "compiler/lsp/protocol.h"
#include "compiler/pipeline/load.h"

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

// The language server's walk of its root: the root may be a home
// directory or `/usr`, so the walk is bounded and skips what never holds
// policy sources (hidden and vendor directories); links are not followed
// out of the root (pipeline::WalkPolicyTree).
inline constexpr pipeline::WalkLimits kWalkLimits{20000, 16, true, 5000};

// The walk of a root and the texts of the policy files it found. Pure (the
// disk only), so that the server can run it on another thread while it
// answers requests about the open documents.
struct WalkOutput {
  std::string root;
  pipeline::WalkResult walk;
  std::map<std::string, std::string> files;  // path -> text
};
WalkOutput WalkRoot(const std::string& root);

class Workspace {
 public:
  // What the disk cost so far (tests assert these instead of timing).
  struct Stats {
    size_t walks = 0;    // walks of the root
    size_t reads = 0;    // files read from disk
    size_t entries = 0;  // directory entries looked at by the last walk
    bool truncated = false;  // a limit stopped the last walk
  };

  // A root that is not absolute is taken relative to the working directory.
  void SetRoot(std::optional<std::string> root);
  const std::optional<std::string>& root() const { return root_; }

  void Open(const std::string& uri, std::string text, int64_t version);
  // False when the document is not open (the change is ignored).
  bool Change(const std::string& uri, llvm::Optional<int64_t> version,
              const std::vector<TextDocumentContentChangeEvent>& changes);
  bool Close(const std::string& uri);
  const Document* Find(std::string_view uri) const;

  // The program's files, sorted by path: disk under the root (what a walk
  // found; none before the first), overlaid by open documents.
  std::vector<pipeline::SourceInput> Inputs();
  // Walks the root and reads its files, once; later calls do nothing.
  // Returns the walk's notes (skipped links) the first time.
  std::vector<std::string> EnsureWalked();
  bool walked() const { return walked_; }
  // The root is set and not walked yet.
  bool NeedsWalk() const { return !walked_ && root_.has_value(); }
  // Takes a walk of the root made elsewhere (WalkRoot); one of another
  // root (the root changed meanwhile) is dropped. Returns the walk's notes.
  std::vector<std::string> AcceptWalk(WalkOutput out);
  // A file or directory changed on disk (a watched-file event): re-read it,
  // walk it if it is a new directory, or drop it (and what was under it)
  // when deleted. Paths outside the root are ignored.
  void DiskChanged(const std::string& path, bool deleted);
  const Stats& stats() const { return stats_; }

  // The URI of a compiled path: the open document's own, else a file URI;
  // nullopt for the embedded std files.
  std::optional<std::string> UriOf(std::string_view path) const;
  // The open document's version for a path, if open.
  llvm::Optional<int64_t> VersionOf(std::string_view path) const;

 private:
  bool UnderRoot(const std::string& path) const;
  void ReadDiskFile(const std::string& path);
  void AddWalk(const pipeline::WalkResult& walk);

  std::optional<std::string> root_;
  std::string canonical_root_;  // for the in-tree check of links
  std::map<std::string, Document, std::less<>> open_;  // by path
  std::map<std::string, std::string, std::less<>> disk_;  // the root's files as last read
  bool walked_ = false;
  std::vector<std::pair<std::string, bool>> changed_during_walk_;  // path, deleted
  Stats stats_;
};

}  // namespace stave::lsp
