// `stave fmt [--check] [PATH…]` and `stave fmt -`: rewrites files in the
// canonical layout (docs/formatting.md), reports which would change under
// `--check` (exit 1), and leaves files with syntax errors untouched (their
// errors are reported; exit 1).
#include <iostream>
#include <iterator>

#include <fmt/format.h>

#include "compiler/driver/commands.h"
#include "compiler/driver/render.h"
#include "compiler/driver/rewrite_file.h"
#include "compiler/fmt/format.h"
#include "compiler/pipeline/load.h"
#include "compiler/syntax/parse.h"

namespace stave::driver {
int RunFmt(const Options& options) {
  bool from_stdin = options.args.size() == 1 && options.args[0] == "-";
  std::vector<pipeline::SourceInput> inputs;
  if (from_stdin) {
    std::string text((std::istreambuf_iterator<char>(std::cin)), std::istreambuf_iterator<char>());
    inputs.push_back({"<stdin>", std::move(text)});
  } else {
    std::vector<std::string> paths = options.args;
    if (paths.empty()) paths.push_back(".");
    pipeline::LoadResult loaded = pipeline::LoadPaths(paths);
    if (!loaded.errors.empty()) {
      PrintLoadErrors(loaded.errors, options, stderr);
      return kExitUsage;
    }
    inputs = std::move(loaded.inputs);
  }
  base::SourceSet sources;
  diag::DiagnosticList diagnostics;
  int code = kExitOk;
  std::vector<std::string> changed;
  for (pipeline::SourceInput& in : inputs) {
    base::FileId id = sources.add(in.path, in.text);
    syntax::ParseResult parsed = syntax::Parse(sources, id);
    std::optional<std::string> formatted = formatter::FormatFile(parsed.file, sources.file(id));
    if (!formatted) {
      diagnostics.append(parsed.diagnostics);
      code = kExitPolicyError;
      if (from_stdin) std::cout << in.text;  // an editor keeps its text
      continue;
    }
    if (from_stdin) {
      std::cout << *formatted;
      continue;
    }
    if (*formatted == in.text) continue;
    changed.push_back(in.path);
    if (options.check) continue;
    if (auto error = RewriteFile(in.path, in.text, *formatted)) {
      ::fmt::print(stderr, "stave: error: {}\n", *error);
      changed.pop_back();
      code = kExitUsage;
    }
  }
  diagnostics.sort();
  if (!diagnostics.items().empty()) {
    PrintDiagnostics(diagnostics, sources, options, stderr);
    ::fmt::print(stderr, "stave: files with syntax errors were left as they are\n");
  }
  for (const std::string& path : changed) {
    ::fmt::print("{} {}\n", options.check ? "would reformat" : "reformatted", path);
  }
  if (options.check && !changed.empty() && code == kExitOk) code = kExitPolicyError;
  return code;
}

}  // namespace stave::driver
