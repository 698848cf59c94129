// The `stave` executable: parses options and dispatches to a command. The
// only place that turns failures into exit codes.
#include <exception>

#include <fmt/format.h>

#include "compiler/driver/commands.h"
#include "compiler/driver/options.h"

#ifndef STAVE_VERSION
#define STAVE_VERSION "unknown"
#endif

int main(int argc, char** argv) {
  using namespace stave::driver;
  try {
    ParsedOptions parsed = ParseOptions(argc, argv);
    if (!parsed.options) {
      fmt::print(stderr, "stave: error: {}\n\n{}", parsed.error, UsageText());
      return kExitUsage;
    }
    const Options& opts = *parsed.options;
    if (opts.version) {
      fmt::print("stave {}\n", STAVE_VERSION);
      return kExitOk;
    }
    if (opts.help || opts.command.empty()) {
      fmt::print(opts.help ? stdout : stderr, "{}", UsageText());
      return opts.help ? kExitOk : kExitUsage;
    }
    if (opts.command == "check") return RunCheck(opts);
    if (opts.command == "build") return RunBuild(opts);
    if (opts.command == "test") return RunTest(opts);
    if (opts.command == "explain") return RunExplain(opts);
    if (opts.command == "who-can") return RunWhoCan(opts);
    if (opts.command == "diff") return RunDiff(opts);
    if (opts.command == "fmt") return RunFmt(opts);
    if (opts.command == "lsp") return RunLsp(opts);
    if (opts.command == "import") return RunImport(opts);
    if (opts.command == "drift") return RunDrift(opts);
    fmt::print(stderr, "stave: error: unknown command `{}`\n\n{}", opts.command, UsageText());
    return kExitUsage;
  } catch (const std::exception& e) {
    fmt::print(stderr, "stave: internal error: {}\nplease report this with the input that caused it\n",
               e.what());
    return kExitInternal;
  }
}
