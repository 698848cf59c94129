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

// What the command needs of the tests once sema has checked them: `test`
// evaluates their expectations, `check` and `build` never do.
enum class Tests { Keep, Drop };

// `paths` default to `.`. On a path that cannot be read, prints why (E0011,
// to `machine` in a machine format) and returns nullptr: exit code 2.
// With Tests::Drop the expectations are freed before lowering, the peak of
// a run: in a typical repository they are half the statements.
std::unique_ptr<Compilation> LoadAndCompile(std::vector<std::string> paths, const Options& options,
                                            FILE* machine, Tests tests = Tests::Keep);

}  // namespace stave::driver
