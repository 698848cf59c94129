// What check, build, test and who-can all start with: find and read the
// files, compile, lower, apply `stave:allow` comments.
#pragma once

#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include "compiler/driver/compilation.h"
#include "compiler/driver/options.h"

namespace stave::driver {

// `paths` default to `.`. On a path that cannot be read, prints why (E0011,
// to `machine` in a machine format) and returns nullptr: exit code 2.
std::unique_ptr<Compilation> LoadAndCompile(std::vector<std::string> paths, const Options& options,
                                            FILE* machine);

}  // namespace stave::driver
