// The `stave` executable: parses options and dispatches to a command. The
// only place that turns failures into exit codes; a failed write to stdout
// or stderr is one of them (std_streams.h).
#include <exception>
#include <string>
#include <system_error>

#include <fmt/format.h>

#include "compiler/base/version.h"
#include "compiler/driver/commands.h"
#include "compiler/driver/help.h"
#include "compiler/driver/options.h"
#include "compiler/driver/std_streams.h"


namespace {

int Run(int argc, char** argv) {
  using namespace stave::driver;
  try {
    ParsedOptions parsed = ParseOptions(argc, argv);
    if (!parsed.options) {
      const CommandSpec* command = FindCommand(parsed.command);
      if (command) {
        fmt::print(stderr, "stave: error: {}\n\n{}\n`stave {} --help` lists its options\n",
                   parsed.error, UsageLine(*command), command->name);
      } else {
        fmt::print(stderr, "stave: error: {}\n\n{}", parsed.error, UsageText());
      }
      return kExitUsage;
    }
    const Options& opts = *parsed.options;
    if (opts.version) {
      fmt::print("stave {}\n", stave::base::kVersion);
      return kExitOk;
    }
    const CommandSpec* command = FindCommand(opts.command);
    if (!opts.command.empty() && command == nullptr) {
      fmt::print(stderr, "stave: error: unknown command `{}`\n\n{}", opts.command, UsageText());
      return kExitUsage;
    }
    if (opts.help_man) {
      fmt::print("{}", ManPage(command, stave::base::kVersion));
      return kExitOk;
    }
    if (opts.help) {
      fmt::print("{}", command ? CommandHelp(*command) : UsageText());
      return kExitOk;
    }
    if (command == nullptr) {
      fmt::print(stderr, "{}", UsageText());
      return kExitUsage;
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
    if (opts.command == "completions") return RunCompletions(opts);
    fmt::print(stderr, "stave: internal error: command `{}` has no implementation\n", opts.command);
    return kExitInternal;
  } catch (const std::exception& e) {
    // {fmt} throws when stdout or stderr refuses a write: not a bug of
    // stave's, and FinishStandardStreams reports it. Printing here must not
    // throw again (that would abort).
    if (StandardStreamFailed()) {
      if (auto* system = dynamic_cast<const std::system_error*>(&e)) {
        NoteStreamFailure(system->code().message());
      }
      return kExitUsage;
    }
    WriteNoThrow(2, std::string("stave: internal error: ") + e.what() +
                        "\nplease report this with the input that caused it\n");
    return kExitInternal;
  }
}

}  // namespace

int main(int argc, char** argv) {
  stave::driver::GuardStandardStreams();
  return stave::driver::FinishStandardStreams(Run(argc, argv));
}
