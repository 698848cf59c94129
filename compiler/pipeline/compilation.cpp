// Runs parse and sema over a source set.
#include "compiler/pipeline/compilation.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdlib>
#include <exception>
#include <mutex>
#include <system_error>
#include <thread>

#include "compiler/pipeline/threads.h"
#include "compiler/sema/analyze.h"
#include "compiler/sema/stdlib.h"
#include "compiler/sema/suppress.h"
#include "compiler/syntax/parse.h"

namespace stave::pipeline {
namespace {

// The std files are the same in every compilation and always come first, so
// their file ids, and therefore their ASTs, are too: parse them once per
// process (the language server and the fuzzer compile many times).
// Shared by every compilation of the process, as the parse cache's trees are.
const std::vector<ParseCache::Parsed>& ParsedStdlib() {
  static const std::vector<ParseCache::Parsed> parsed = [] {
    base::SourceSet set;
    std::vector<ParseCache::Parsed> out;
    for (const sema::EmbeddedFile& f : sema::StdlibFiles()) {
      syntax::ParseResult r = syntax::Parse(set, set.add(std::string(f.path), std::string(f.text)));
      out.push_back({std::make_shared<syntax::File>(std::move(r.file)), std::move(r.diagnostics)});
    }
    return out;
  }();
  return parsed;
}

// Below this much text a second thread costs more than it saves.
constexpr size_t kParallelParseBytes = 256 << 10;

// Parses the files `ids` of `sources`, each into its own slot, so the
// result does not depend on which thread took which file. Parsing is most
// of a compile and files are independent (each parse has its own lexer,
// parser and diagnostics; ANTLR's shared DFA cache takes its own locks),
// so a repository of many files is parsed on every core.
std::vector<syntax::ParseResult> ParseFiles(const base::SourceSet& sources,
                                            const std::vector<base::FileId>& ids) {
  std::vector<syntax::ParseResult> out(ids.size());
  size_t bytes = 0;
  for (base::FileId id : ids) bytes += sources.file(id).text().size();
  unsigned threads = bytes < kParallelParseBytes ? 1 : std::min<unsigned>(Threads(), ids.size());
  std::atomic<size_t> next{0};
  std::exception_ptr failure;
  std::mutex failure_lock;
  auto work = [&] {
    try {
      for (size_t i; (i = next.fetch_add(1)) < ids.size();) out[i] = syntax::Parse(sources, ids[i]);
    } catch (...) {  // bad_alloc: rethrown on the calling thread
      std::lock_guard<std::mutex> lock(failure_lock);
      if (!failure) failure = std::current_exception();
      next = ids.size();
    }
  };
  std::vector<std::thread> helpers;
  for (unsigned t = 1; t < threads; ++t) {
    // No thread to be had (a process limit): the ones there are do it all.
    try {
      helpers.emplace_back(work);
    } catch (const std::system_error&) {
      break;
    }
  }
  work();
  for (std::thread& t : helpers) t.join();
  if (failure) std::rethrow_exception(failure);
  return out;
}

}  // namespace

double MillisecondsSince(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
}

std::unique_ptr<Compilation> Compile(std::vector<SourceInput> inputs, ParseCache* cache,
                                     sema::Retain retain) {
  auto start = std::chrono::steady_clock::now();
  auto c = std::make_unique<Compilation>();
  for (const sema::EmbeddedFile& f : sema::StdlibFiles()) {
    base::FileId id = c->sources.add(std::string(f.path), std::string(f.text));
    c->sources.mutable_file(id).set_builtin(true);
  }
  std::sort(inputs.begin(), inputs.end(),
            [](const SourceInput& a, const SourceInput& b) { return a.path < b.path; });
  for (SourceInput& in : inputs) c->sources.add(std::move(in.path), std::move(in.text));

  std::vector<syntax::SharedFile> files;
  files.reserve(c->sources.size());
  for (const ParseCache::Parsed& std_file : ParsedStdlib()) {
    c->diagnostics.append(std_file.diagnostics);
    files.push_back(std_file.file);
  }
  // The cache's parses first, then the rest together (ParseFiles), each
  // file's diagnostics and tree taken in file order.
  std::vector<const ParseCache::Parsed*> cached;
  std::vector<base::FileId> misses;
  for (base::FileId id = static_cast<base::FileId>(files.size()); id < c->sources.size(); ++id) {
    const base::SourceFile& src = c->sources.file(id);
    cached.push_back(cache ? cache->Find(src.path(), id, src.text()) : nullptr);
    if (cached.back() == nullptr) misses.push_back(id);
  }
  std::vector<syntax::ParseResult> parsed = ParseFiles(c->sources, misses);
  size_t next_parsed = 0;
  for (const ParseCache::Parsed* hit : cached) {
    if (hit != nullptr) {
      c->diagnostics.append(hit->diagnostics);
      files.push_back(hit->file);
      continue;
    }
    syntax::ParseResult& fresh = parsed[next_parsed];
    base::FileId id = misses[next_parsed++];
    const base::SourceFile& src = c->sources.file(id);
    c->diagnostics.append(fresh.diagnostics);
    files.push_back(std::make_shared<syntax::File>(std::move(fresh.file)));
    if (cache) cache->Store(src.path(), id, src.text(), {files.back(), std::move(fresh.diagnostics)});
  }
  if (cache) {
    std::vector<std::string> paths;
    for (auto id = static_cast<base::FileId>(ParsedStdlib().size()); id < c->sources.size(); ++id) {
      paths.push_back(c->sources.file(id).path());
    }
    cache->Keep(paths);
  }
  c->parse_ms = MillisecondsSince(start);
  auto checking = std::chrono::steady_clock::now();
  c->program = sema::Analyze(c->sources, std::move(files), c->diagnostics, Threads(), retain);
  c->check_ms = MillisecondsSince(checking);
  c->diagnostics.sort();
  return c;
}

namespace {

// Lowers the program when it has no errors, adding lowering's diagnostics
// (names the targets refuse, rules Istio can never match, precision lost).
// `check` runs it too, so that it reports everything `build` would.
void LowerChecked(Compilation& c, const lower::LowerOptions& options) {
  if (c.diagnostics.has_errors()) return;
  auto start = std::chrono::steady_clock::now();
  diag::DiagnosticList lowering;
  lower::LowerOptions threaded = options;
  threaded.threads = Threads();
  c.output = lower::Lower(*c.program, threaded, lowering);
  c.diagnostics.append(lowering);
  c.lower_ms = MillisecondsSince(start);
}

// Applies `stave:allow` comments and sorts: after the last stage that
// reports.
void FinishDiagnostics(Compilation& c) {
  sema::ApplySuppressions(c.sources, c.program->files, c.diagnostics);
}

}  // namespace

std::unique_ptr<Compilation> CompileFinished(std::vector<SourceInput> inputs, const PipelineOptions& options) {
  std::unique_ptr<Compilation> c = Compile(std::move(inputs), options.cache, options.retain);
  if (options.lower) LowerChecked(*c, options.lowering);
  FinishDiagnostics(*c);
  return c;
}

}  // namespace stave::pipeline
