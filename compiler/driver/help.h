// Help text generated from the option table: `stave --help`, `stave COMMAND
// --help`, and the man pages `meson install` installs (`stave --help-man
// [COMMAND]` prints one in roff).
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "compiler/driver/option_table.h"

namespace stave::driver {

std::string UsageText();
std::string CommandHelp(const CommandSpec& command);
// "usage: stave check [PATH...] [OPTIONS]", for usage errors.
std::string UsageLine(const CommandSpec& command);
// `command` null: the page of `stave` itself, which lists the commands.
std::string ManPage(const CommandSpec* command, std::string_view version);

// The values `--format` takes for a command, "human, json or sarif".
std::string FormatList(const CommandSpec& command);
// What an option's value may be, for help: its choices for this command.
std::vector<std::string_view> ChoicesFor(const OptionSpec& option, const CommandSpec* command);

}  // namespace stave::driver
