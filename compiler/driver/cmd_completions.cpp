// `stave completions SHELL`: the completion script for bash, zsh or fish,
// generated from the option table.
#include <fmt/format.h>

#include "compiler/driver/commands.h"
#include "compiler/driver/completions.h"

namespace stave::driver {

int RunCompletions(const Options& options) {
  std::optional<std::string> script =
      options.args.size() == 1 ? CompletionScript(options.args[0]) : std::nullopt;
  if (!script) {
    fmt::print(stderr, "stave: error: `stave completions` takes one shell: bash, zsh or fish\n");
    return kExitUsage;
  }
  fmt::print("{}", *script);
  return kExitOk;
}

}  // namespace stave::driver
