// Finding and reading the program's files: every `.policy` file under the
// given paths (spec §2). Problems here are usage errors (exit 2), reported
// as plain messages since there is no source to point into.
#pragma once

#include <string>
#include <vector>

namespace stave::driver {

struct SourceInput {
  std::string path;  // as the user wrote it, joined with the path inside a directory
  std::string text;
};

struct LoadResult {
  std::vector<SourceInput> inputs;  // sorted by path, no duplicates
  std::vector<std::string> errors;  // "path `x` does not exist"
};

// Directories are searched recursively, skipping hidden ones (`.git`);
// a file named explicitly is read whatever its extension.
LoadResult LoadPaths(const std::vector<std::string>& paths);

}  // namespace stave::driver
