// The compilation pipeline that the CLI and the language server share:
// sources in (with the std library added), parsed files, the checked and
// lowered program out, with every diagnostic finished. Pure: no disk, no
// output (reading the files is load.h's, writing them the driver's).
#pragma once

#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "compiler/base/source.h"
#include "compiler/diag/diagnostic.h"
#include "compiler/lower/lower.h"
#include "compiler/pipeline/load.h"
#include "compiler/pipeline/parse_cache.h"
#include "compiler/sema/program.h"
#include "compiler/syntax/parse.h"

namespace stave::pipeline {

struct Compilation {
  base::SourceSet sources;
  std::unique_ptr<sema::Program> program;
  diag::DiagnosticList diagnostics;  // sorted
  lower::Output output;              // lowered when asked and there are no errors
  // Time per stage in milliseconds, for `--timings` and bench/; start-up
  // (process start to reading) and reading the files are the caller's
  // (LoadAndCompile sets them).
  double start_ms = 0, read_ms = 0, parse_ms = 0, check_ms = 0, lower_ms = 0;
};

double MillisecondsSince(std::chrono::steady_clock::time_point start);

// Parses and checks `inputs` (sorted by path) together with the embedded
// std package, whose files come first under `std/` paths. With a cache,
// unchanged files are not parsed again, and the cache is updated. The
// first half of CompileFinished, for the tests of parsing and checking
// and for the fuzzer: nothing is lowered and `stave:allow` comments are
// not applied.
std::unique_ptr<Compilation> Compile(std::vector<SourceInput> inputs,
                                     ParseCache* cache = nullptr, sema::Retain retain = {});

// What a finished compilation is made with.
struct PipelineOptions {
  bool lower = true;  // lower the program when it has no errors
  lower::LowerOptions lowering;
  // What the Program keeps (sema::Retain): check, build, drift and diff
  // never evaluate the expectations (in a typical repository half the
  // statements, and they were the peak of a run), and only the language
  // server reads the references.
  sema::Retain retain;
  ParseCache* cache = nullptr;
};

// The sequence every user of the pipeline runs, written once: parse and
// check, drop the expectations when asked, lower, then apply `stave:allow`
// comments and sort, in that order (W0104, an unused allow, needs every
// stage's diagnostics).
std::unique_ptr<Compilation> CompileFinished(std::vector<SourceInput> inputs, const PipelineOptions& options);

}  // namespace stave::pipeline
