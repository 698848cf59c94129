// Reading a program at a git revision (`stave diff main .`): the `.policy`
// files under the given paths as they are in that commit, read with `git`
// from the repository around the current directory.
#pragma once

#include <string>
#include <vector>

#include "compiler/pipeline/load.h"

namespace stave::driver {

// True when `rev` names a commit of the repository around the current
// directory (and is not a path that exists: paths win).
bool IsGitRevision(const std::string& rev);

// The files under `paths` (relative to the current directory) at `rev`,
// named `REV:path`. Errors (no git, unknown revision) are in `errors`.
pipeline::LoadResult LoadRevision(const std::string& rev, const std::vector<std::string>& paths);

}  // namespace stave::driver
