// The compilation pipeline that the CLI and the language server share:
// sources in (with the std library added), parsed files and the checked
// program out, with every diagnostic. Pure: no disk, no output.
#pragma once

#include <chrono>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "compiler/base/source.h"
#include "compiler/diag/diagnostic.h"
#include "compiler/driver/load.h"
#include "compiler/lower/lower.h"
#include "compiler/sema/program.h"
#include "compiler/syntax/parse.h"

namespace stave::driver {

struct Compilation {
  base::SourceSet sources;
  std::unique_ptr<sema::Program> program;
  diag::DiagnosticList diagnostics;  // sorted
  lower::Output output;              // set by LowerChecked when there are no errors
  // Time per stage in milliseconds, for `--timings` and bench/; reading
  // the files is the caller's (LoadAndCompile sets it).
  double read_ms = 0, parse_ms = 0, check_ms = 0, lower_ms = 0;
};

double MillisecondsSince(std::chrono::steady_clock::time_point start);

// The parse of each file from the last compilation, for the language
// server: a recheck after an edit reparses only the files whose text
// changed. A parse is reused only under the same file id, since spans
// carry it (ids follow the sorted paths, so they move when files come or go).
class ParseCache {
 public:
  struct Entry {
    base::FileId id;
    std::string text;
    syntax::ParseResult parsed;
  };
  const syntax::ParseResult* Find(const std::string& path, base::FileId id,
                                  std::string_view text) const;
  void Store(const std::string& path, base::FileId id, std::string_view text,
             const syntax::ParseResult& parsed);
  // Forgets files that were not part of the last compilation.
  void Keep(const std::vector<std::string>& paths);
  size_t size() const { return entries_.size(); }

 private:
  std::map<std::string, Entry, std::less<>> entries_;
};

// Parses and checks `inputs` (sorted by path) together with the embedded
// std package, whose files come first under `std/` paths. With a cache,
// unchanged files are not parsed again, and the cache is updated.
std::unique_ptr<Compilation> Compile(std::vector<SourceInput> inputs,
                                     ParseCache* cache = nullptr);

// Lowers the program when it has no errors, adding lowering's diagnostics
// (names the targets refuse, rules Istio can never match, precision lost).
// `check` runs it too, so that it reports everything `build` would.
void LowerChecked(Compilation& c, const lower::LowerOptions& options);

// Applies `stave:allow` comments and sorts. Call once, after the last
// stage that reports (check, or lowering in build).
void FinishDiagnostics(Compilation& c);

// What a finished compilation is made with.
struct PipelineOptions {
  bool lower = true;  // lower the program when it has no errors
  lower::LowerOptions lowering;
  // Free the test blocks' expectations before lowering (check, build,
  // drift, diff never evaluate them): the peak of a run, since in a
  // typical repository they are half the statements.
  bool drop_expectations = false;
  ParseCache* cache = nullptr;
};

// The sequence every user of the pipeline runs, written once: parse and
// check, drop the expectations when asked, lower, then apply `stave:allow`
// comments and sort, in that order (W0104, an unused allow, needs every
// stage's diagnostics).
std::unique_ptr<Compilation> CompileFinished(std::vector<SourceInput> inputs, const PipelineOptions& options);

}  // namespace stave::driver
