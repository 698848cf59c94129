// What check, build, test and who-can all start with: find and read the
// files, compile, lower, apply `stave:allow` comments.
#pragma once

#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include "compiler/pipeline/compilation.h"
#include "compiler/driver/options.h"

namespace stave::driver {

// What the command needs of the tests once sema has checked them: `test`
// evaluates their expectations, `check` and `build` never do.
enum class Tests { Keep, Drop };

// A command's compilation is not freed: the process ends when the command
// does, and tearing down the trees, tables and objects of a large program
// cost a noticeable part of a run that `--timings` could not account for
// (bench/results.md). The deleter keeps it reachable until exit instead,
// so that leak checkers see no leak.
struct KeepUntilExit {
  void operator()(pipeline::Compilation* c) const;
};
using CompilationPtr = std::unique_ptr<pipeline::Compilation, KeepUntilExit>;

// `paths` default to `.`. On a path that cannot be read, prints why (E0011,
// to `machine` in a machine format) and returns nullptr: exit code 2.
// With Tests::Drop the expectations are freed before lowering, the peak of
// a run: in a typical repository they are half the statements. The time
// spent reading the files is the compilation's `read_ms`.
CompilationPtr LoadAndCompile(std::vector<std::string> paths, const Options& options, FILE* machine,
                              Tests tests = Tests::Keep);

// `timings: read … ms, parse … ms, check … ms, lower … ms` and `extra`
// (`, emit … ms`), for `--timings`.
void PrintTimings(const pipeline::Compilation& c, const std::string& extra = "");

}  // namespace stave::driver
