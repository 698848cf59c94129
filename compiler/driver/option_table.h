// The one table of stave's commands and options. Parsing (options.cpp),
// `--help`, `stave COMMAND --help`, the man pages and the shell completions
// (help.cpp, completions.cpp) are all generated from it, so they agree.
#pragma once

#include <string_view>
#include <vector>

namespace stave::driver {

// What a value (or a positional argument) is, for the completions.
enum class ValueKind { None, Text, Path, Dir, Choice, Code, Shell, Command };

struct OptionSpec {
  std::string_view long_name = {};   // "format"
  char short_name = 0;          // 'o', or 0
  std::string_view value_name = {};  // "DIR"; empty: a flag
  std::string_view help = {};
  std::string_view default_value = {};  // shown in help; empty: none
  ValueKind value = ValueKind::None;
  std::vector<std::string_view> choices = {};  // ValueKind::Choice
  bool repeatable = false;                 // `--path P --path Q`
  bool hidden = false;                     // parsed, never shown (generators)
};

struct CommandSpec {
  std::string_view name = {};
  std::string_view args = {};     // "[PATH...]", shown after the name
  std::string_view summary = {};  // one line, lowercase
  std::string_view description = {};  // paragraphs for `COMMAND --help` and man
  std::vector<std::string_view> options = {};  // long names beyond the global ones
  std::vector<std::string_view> formats = {};  // `--format` values; empty: none
  ValueKind positional = ValueKind::Path;
};

// Options every command takes (--color, --help, --version, ...).
const std::vector<std::string_view>& GlobalOptions();
const std::vector<OptionSpec>& AllOptions();
const std::vector<CommandSpec>& AllCommands();
const OptionSpec* FindOption(std::string_view long_name);
const CommandSpec* FindCommand(std::string_view name);
// The options a command takes, its own first, then the global ones.
std::vector<const OptionSpec*> OptionsOf(const CommandSpec& command);

// The exit-status paragraph shared by `--help` and the man pages.
inline constexpr std::string_view kExitStatusText =
    "0 success; 1 the policy has errors (or warnings under -W error, a failing test, "
    "changes found by fmt --check or diff); 2 bad usage or unreadable paths; "
    "3 an internal error (a bug in stave)";

}  // namespace stave::driver
