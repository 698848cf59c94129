// Text for people (`--help`) and for man(1) (roff), both laid out from the
// option table so that neither can fall out of date.
#include "compiler/driver/help.h"

#include <algorithm>
#include <cctype>

#include <fmt/format.h>

namespace stave::driver {
namespace {

constexpr size_t kWidth = 80;
constexpr size_t kHelpColumn = 26;
constexpr std::string_view kMoreHelp =
    "`stave COMMAND --help` lists the options of a command; `man stave-COMMAND` explains it.";

// Wraps `text` at word boundaries; lines after the first start at `indent`.
// A newline in `text` is kept (who-can's query forms are a list).
std::string Wrap(std::string_view text, size_t column, size_t indent) {
  std::string out;
  bool line_empty = true;  // no word yet on this line
  size_t i = 0;
  while (i < text.size()) {
    if (text[i] == '\n') {
      out += '\n' + std::string(indent, ' ');
      column = indent;
      line_empty = true;
      for (++i; i < text.size() && text[i] == ' '; ++i, ++column) out += ' ';
      continue;
    }
    if (text[i] == ' ') {
      ++i;
      continue;
    }
    size_t end = std::min(text.find_first_of(" \n", i), text.size());
    std::string_view word = text.substr(i, end - i);
    if (!line_empty && column + 1 + word.size() > kWidth) {
      out += '\n' + std::string(indent, ' ');
      column = indent;
      line_empty = true;
    }
    if (!line_empty) {
      out += ' ';
      ++column;
    }
    out += word;
    column += word.size();
    line_empty = false;
    i = end;
  }
  return out;
}

std::string OptionName(const OptionSpec& o) {
  std::string name;
  if (o.short_name != 0 && o.long_name.size() == 1) {
    name = fmt::format("-{}", o.short_name);  // `-W error`: short only
  } else {
    if (o.short_name != 0) name = fmt::format("-{}, ", o.short_name);
    name += fmt::format("--{}", o.long_name);
  }
  if (!o.value_name.empty()) name += fmt::format(" {}", o.value_name);
  return name;
}

std::string JoinOr(const std::vector<std::string_view>& items) {
  std::string out;
  for (size_t i = 0; i < items.size(); ++i) {
    if (i > 0) out += i + 1 == items.size() ? " or " : ", ";
    out += items[i];
  }
  return out;
}

std::string OptionHelp(const OptionSpec& o, const CommandSpec* command) {
  std::string text(o.help);
  std::vector<std::string_view> choices = ChoicesFor(o, command);
  if (choices.size() > 1) text += ": " + JoinOr(choices);
  if (!o.default_value.empty()) text += fmt::format(" (default: {})", o.default_value);
  return text;
}

std::string OptionLines(const std::vector<const OptionSpec*>& options, const CommandSpec* command) {
  std::string out;
  for (const OptionSpec* o : options) {
    if (o->hidden) continue;
    std::string name = "  " + OptionName(*o);
    if (name.size() + 2 > kHelpColumn) {
      out += name + "\n" + std::string(kHelpColumn, ' ');
    } else {
      out += name + std::string(kHelpColumn - name.size(), ' ');
    }
    out += Wrap(OptionHelp(*o, command), kHelpColumn, kHelpColumn) + "\n";
  }
  return out;
}

// roff: a backslash is an escape, a leading `.` or `'` a request, and `-`
// a hyphen that man(1) would not let readers search for as a minus.
std::string Roff(std::string_view text) {
  std::string out;
  bool line_start = true;
  for (char c : text) {
    if (line_start && (c == '.' || c == '\'')) out += "\\&";
    if (c == '\\') out += "\\e";
    else if (c == '-') out += "\\-";
    else if (c == '`') out += "\\(oq";
    else out += c;
    line_start = c == '\n';
  }
  return out;
}

std::string ManOptions(const std::vector<const OptionSpec*>& options, const CommandSpec* command) {
  std::string out;
  for (const OptionSpec* o : options) {
    if (o->hidden) continue;
    out += ".TP\n.B " + Roff(OptionName(*o)) + "\n" + Roff(OptionHelp(*o, command)) + "\n";
  }
  return out;
}

}  // namespace

std::vector<std::string_view> ChoicesFor(const OptionSpec& option, const CommandSpec* command) {
  if (option.long_name == "format" && command != nullptr) return command->formats;
  return option.choices;
}

std::string FormatList(const CommandSpec& command) { return JoinOr(command.formats); }

std::string UsageText() {
  std::string out =
      "usage: stave COMMAND [ARGS...] [OPTIONS]\n\n"
      "Stave compiles .policy files to Kubernetes RBAC, a ValidatingAdmissionPolicy and\n"
      "Istio AuthorizationPolicies.\n\ncommands:\n";
  for (const CommandSpec& c : AllCommands()) {
    std::string name = fmt::format("  {} {}", c.name, c.args);
    while (!name.empty() && name.back() == ' ') name.pop_back();
    if (name.size() + 2 > kHelpColumn) {
      out += name + "\n" + std::string(kHelpColumn, ' ');
    } else {
      out += name + std::string(kHelpColumn - name.size(), ' ');
    }
    out += Wrap(c.summary, kHelpColumn, kHelpColumn) + "\n";
  }
  std::vector<const OptionSpec*> global;
  for (std::string_view name : GlobalOptions()) global.push_back(FindOption(name));
  out += "\noptions of every command:\n" + OptionLines(global, nullptr);
  out += fmt::format("\n{}\n", Wrap(kMoreHelp, 0, 0));
  out += "\nexit status: " + Wrap(kExitStatusText, 13, 2) + "\n";
  return out;
}

std::string UsageLine(const CommandSpec& c) {
  return fmt::format("usage: stave {}{}{} [OPTIONS]", c.name, c.args.empty() ? "" : " ", c.args);
}

std::string CommandHelp(const CommandSpec& c) {
  std::string out = UsageLine(c) + "\n\n";
  out += Wrap(c.summary, 0, 0) + "\n\n" + Wrap(c.description, 0, 0) + "\n\noptions:\n";
  out += OptionLines(OptionsOf(c), &c);
  out += "\nexit status: " + Wrap(kExitStatusText, 13, 2) + "\n";
  return out;
}

std::string ManPage(const CommandSpec* c, std::string_view version) {
  std::string title = c ? fmt::format("STAVE\\-{}", Roff(c->name)) : "STAVE";
  for (char& ch : title) ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
  std::string out = fmt::format(".TH {} 1 \"\" \"stave {}\" \"Stave Manual\"\n", title, version);
  out += ".SH NAME\n";
  if (c) {
    out += fmt::format("stave\\-{} \\- {}\n", Roff(c->name), Roff(c->summary));
    out += fmt::format(".SH SYNOPSIS\n.B stave {}\n{}{}[OPTIONS]\n", Roff(c->name), Roff(c->args),
                       c->args.empty() ? "" : " ");
    out += ".SH DESCRIPTION\n" + Roff(c->description) + "\n";
    out += ".SH OPTIONS\n" + ManOptions(OptionsOf(*c), c);
  } else {
    out += "stave \\- policy\\-as\\-code compiler to Kubernetes RBAC and Istio\n";
    out += ".SH SYNOPSIS\n.B stave\nCOMMAND [ARGS...] [OPTIONS]\n";
    out += ".SH DESCRIPTION\nStave parses and type\\-checks .policy files and lowers them to "
           "Kubernetes RBAC, a ValidatingAdmissionPolicy for Tekton and Istio "
           "AuthorizationPolicies.\n.SH COMMANDS\n";
    for (const CommandSpec& cmd : AllCommands()) {
      out += fmt::format(".TP\n.B stave {} {}\n{} (see \\fBstave\\-{}\\fR(1))\n", Roff(cmd.name),
                         Roff(cmd.args), Roff(cmd.summary), Roff(cmd.name));
    }
    std::vector<const OptionSpec*> global;
    for (std::string_view name : GlobalOptions()) global.push_back(FindOption(name));
    out += ".SH OPTIONS\n" + ManOptions(global, nullptr);
  }
  out += ".SH EXIT STATUS\n" + Roff(kExitStatusText) + "\n";
  out += ".SH SEE ALSO\n";
  if (c) {
    out += "\\fBstave\\fR(1)\n";
  } else {
    std::string refs;
    for (const CommandSpec& cmd : AllCommands()) {
      refs += fmt::format("{}\\fBstave\\-{}\\fR(1)", refs.empty() ? "" : ", ", Roff(cmd.name));
    }
    out += refs + "\n";
  }
  return out;
}

}  // namespace stave::driver
