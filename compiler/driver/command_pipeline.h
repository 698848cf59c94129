// What check, build, test and who-can all start with: find and read the
// files, compile, lower, apply `stave:allow` comments.
#pragma once

#include <chrono>
#include <cstdio>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "compiler/driver/options.h"
#include "compiler/pipeline/compilation.h"

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
// With Tests::Drop the expectations are checked and not kept (in a typical
// repository they are half the statements); no command keeps the table of
// references, which only the language server reads. The time spent
// reading the files is the compilation's `read_ms`.
CompilationPtr LoadAndCompile(std::vector<std::string> paths, const Options& options, FILE* machine,
                              Tests tests = Tests::Keep);

// `--timings`: after start-up (from the first static initializer to
// reading the files) and the compilation's own stages (read, parse, check,
// lower), the command's, each named when it ends (`Lap("emit")`), so that
// the line accounts for the whole run: reporting diagnostics, freeing,
// emitting and writing included. Printed once, at the end, to stderr:
// `timings: start … ms, read … ms, parse … ms, check … ms, lower … ms, report … ms`.
class Timings {
 public:
  explicit Timings(const Options& options);
  void Lap(std::string name);
  void Print(const pipeline::Compilation& c) const;

 private:
  bool on_;
  std::chrono::steady_clock::time_point last_;
  std::vector<std::pair<std::string, double>> laps_;
};

}  // namespace stave::driver
