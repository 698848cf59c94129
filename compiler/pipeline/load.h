// Finding and reading the program's files: every `.policy` file under the
// given paths (spec §2). Problems here are usage errors (exit 2), reported
// as plain messages since there is no source to point into. What is read,
// and what is never followed or opened, is in docs/security.md.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace stave::pipeline {

struct SourceInput {
  std::string path;  // as the user wrote it, joined with the path inside a directory
  std::string text;
};

struct LoadResult {
  std::vector<SourceInput> inputs;  // sorted by path, no duplicates
  std::vector<std::string> errors;  // "path `x` does not exist"
  std::vector<std::string> notes;   // entries skipped on purpose: "skipped `x`: a link out of `d`"
};

// Bounds on one directory walk (the language server's root may be `/usr`).
struct WalkLimits {
  size_t max_entries = SIZE_MAX;  // directory entries looked at, in all
  size_t max_depth = SIZE_MAX;    // directory levels below the root
  bool skip_vendor_dirs = false;  // node_modules, vendor, target, build output
  size_t max_files = SIZE_MAX;    // `.policy` files kept
};

struct TreeFile {
  std::string path;         // under the root, as the program names it
  std::string target;       // what to open: `path`, or an in-tree link's resolved target
};

struct WalkResult {
  std::vector<TreeFile> files;  // sorted by path
  std::vector<std::string> notes;
  std::vector<std::string> errors;
  size_t entries = 0;      // directory entries looked at
  bool truncated = false;  // a limit stopped the walk
};

// The `.policy` entries under `dir`. Hidden directories are skipped; links
// are followed only when they are files named `.policy` that resolve to a
// regular file inside `dir`; every other link, and any entry that is not a
// regular file (FIFO, device, socket), is skipped with a note.
WalkResult WalkPolicyTree(const std::string& dir, const WalkLimits& limits = {});

// Whether `path` (a `.policy` file under the canonical directory `root`)
// may be read, and what to open: "" and `target` set, or why not.
std::string CheckTreeEntry(const std::string& root, const std::string& path, std::string& target);

// True when `path` is strictly inside the directory `dir` (both absolute
// and normalized; every path is inside `/`).
bool PathIsUnder(const std::string& dir, const std::string& path);

// Reads a regular file without ever blocking: opened with O_NONBLOCK (and
// O_NOFOLLOW unless `follow_link`), refused unless fstat says regular, and
// at most syntax::kMaxFileBytes + 1 bytes are read (a longer file is cut
// there, which the parser then refuses with E0002). "" on success, else why.
std::string ReadRegularFile(const std::string& path, bool follow_link, std::string& out);

// Directories are walked with WalkPolicyTree; a file named explicitly is
// read whatever its extension (through a link too: the user named it).
LoadResult LoadPaths(const std::vector<std::string>& paths);

}  // namespace stave::pipeline
