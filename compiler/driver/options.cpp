// Command-line parsing with cxxopts, its parser built from the option table.
// The first positional argument is the command; the rest are its arguments.
// Each command accepts only the options and formats the table gives it: any
// other would be silently ignored (`check --format markdown` once printed
// nothing and passed).
#include "compiler/driver/options.h"

// cxxopts splits vector values at commas; a path is taken whole
// (`stave check 'we,ird:dir'`). No argument can contain a NUL.
#define CXXOPTS_VECTOR_DELIMITER '\0'
#include <cxxopts.hpp>

#include <fmt/format.h>

#include "compiler/driver/help.h"
#include "compiler/driver/option_table.h"

namespace stave::driver {
namespace {

cxxopts::Options MakeParser() {
  cxxopts::Options parser("stave", "Stave: policy-as-code compiler to Kubernetes RBAC and Istio");
  auto adder = parser.add_options();
  for (const OptionSpec& o : AllOptions()) {
    std::string names = o.short_name != 0 && o.long_name.size() > 1
                            ? fmt::format("{},{}", o.short_name, o.long_name)
                            : std::string(o.long_name);
    std::string help(o.help);
    if (o.value_name.empty()) {
      adder(names, help);
    } else if (o.repeatable) {
      adder(names, help, cxxopts::value<std::vector<std::string>>());
    } else {
      adder(names, help, cxxopts::value<std::string>());
    }
  }
  adder("positional", "", cxxopts::value<std::vector<std::string>>());
  parser.parse_positional({"positional"});
  return parser;
}

template <typename T>
std::optional<T> Choose(const std::string& value, std::initializer_list<std::pair<const char*, T>> m) {
  for (const auto& [name, v] : m) {
    if (value == name) return v;
  }
  return std::nullopt;
}

// The option of the table that `key` (cxxopts' name for it) is.
const OptionSpec* SpecOf(const std::string& key) {
  for (const OptionSpec& o : AllOptions()) {
    if (key == o.long_name || (key.size() == 1 && key[0] == o.short_name)) return &o;
  }
  return nullptr;
}

std::string Display(const OptionSpec& o) {
  return o.long_name.size() == 1 ? fmt::format("-{}", o.short_name) : fmt::format("--{}", o.long_name);
}

// An option the command does not take, or a format it does not print.
std::string CheckAgainstCommand(const cxxopts::ParseResult& result, const Options& opts,
                                const std::string& format) {
  const CommandSpec* command = FindCommand(opts.command);
  if (command == nullptr) return "";  // main reports the unknown command
  std::vector<const OptionSpec*> allowed = OptionsOf(*command);
  for (const cxxopts::KeyValue& kv : result.arguments()) {
    const OptionSpec* spec = SpecOf(kv.key());
    if (spec == nullptr || std::find(allowed.begin(), allowed.end(), spec) != allowed.end()) continue;
    return fmt::format("`stave {}` takes no `{}` option (`stave {} --help` lists its options)",
                       opts.command, Display(*spec), opts.command);
  }
  if (result.count("format") &&
      std::find(command->formats.begin(), command->formats.end(), format) == command->formats.end()) {
    return fmt::format("`--format {}` is not a format of `stave {}`, which takes {}", format,
                       opts.command, FormatList(*command));
  }
  return "";
}

std::string ReadValues(const cxxopts::ParseResult& result, Options& opts) {
  if (result.count("output")) {
    opts.output_dir = result["output"].as<std::string>();
    // cxxopts reads `-o=DIR` as `-o` with the value `=DIR`; people mean DIR.
    if (!opts.output_dir.empty() && opts.output_dir[0] == '=') opts.output_dir.erase(0, 1);
    if (opts.output_dir.empty()) return "`-o` needs a directory";
  }
  if (result.count("cluster")) opts.cluster = result["cluster"].as<std::string>();
  if (result.count("namespace")) opts.default_namespace = result["namespace"].as<std::string>();
  if (result.count("package")) opts.package = result["package"].as<std::string>();
  if (result.count("docs-url")) opts.docs_url = result["docs-url"].as<std::string>();
  if (result.count("trust-domain")) opts.trust_domain = result["trust-domain"].as<std::string>();
  // SPIFFE trust domains: lowercase letters, digits, `.`, `-` and `_`.
  if (opts.trust_domain.empty() ||
      opts.trust_domain.find_first_not_of("abcdefghijklmnopqrstuvwxyz0123456789.-_") !=
          std::string::npos) {
    return "`--trust-domain` takes a domain such as cluster.local, not `" + opts.trust_domain + "`";
  }
  if (result.count("access-log-provider")) {
    opts.access_log_provider = result["access-log-provider"].as<std::string>();
  }
  if (std::string problem = CheckAccessLogProvider(opts.access_log_provider); !problem.empty()) {
    return problem;
  }
  if (result.count("W")) {
    std::string w = result["W"].as<std::string>();
    if (w != "error") return "`-W` takes `error`, not `" + w + "`";
    opts.warnings_as_errors = true;
  }
  std::string color = result.count("color") ? result["color"].as<std::string>() : "auto";
  auto mode = Choose<ColorMode>(color, {{"auto", ColorMode::Auto},
                                        {"always", ColorMode::Always},
                                        {"never", ColorMode::Never}});
  if (!mode) return "`--color` takes auto, always or never, not `" + color + "`";
  opts.color = *mode;
  return "";
}

}  // namespace

ParsedOptions ParseOptions(int argc, const char* const* argv) {
  ParsedOptions out;
  Options opts;
  try {
    cxxopts::Options parser = MakeParser();
    cxxopts::ParseResult result = parser.parse(argc, argv);
    opts.version = result.count("version") > 0;
    opts.help = result.count("help") > 0;
    opts.help_man = result.count("help-man") > 0;
    opts.istio_dry_run = result.count("istio-dry-run") > 0;
    opts.catalog = result.count("catalog") > 0;
    opts.check = result.count("check") > 0;
    opts.timings = result.count("timings") > 0;
    if (result.count("path")) opts.policy_paths = result["path"].as<std::vector<std::string>>();
    if (result.count("positional")) {
      auto positional = result["positional"].as<std::vector<std::string>>();
      opts.command = positional.front();
      opts.args.assign(positional.begin() + 1, positional.end());
      out.command = opts.command;
    }
    if (std::string error = ReadValues(result, opts); !error.empty()) {
      out.error = error;
      return out;
    }
    std::string format = result.count("format") ? result["format"].as<std::string>() : "human";
    auto chosen = Choose<Format>(format, {{"human", Format::Human},
                                          {"json", Format::Json},
                                          {"sarif", Format::Sarif},
                                          {"github", Format::Github},
                                          {"markdown", Format::Markdown},
                                          {"junit", Format::Junit},
                                          {"codeclimate", Format::Codeclimate}});
    const CommandSpec* command = FindCommand(opts.command);
    if (!chosen) {
      out.error = fmt::format("`--format` takes {}, not `{}`",
                              command ? FormatList(*command)
                                      : "human, json, sarif, github, markdown, junit or codeclimate",
                              format);
      return out;
    }
    opts.format = *chosen;
    if (std::string error = CheckAgainstCommand(result, opts, format); !error.empty()) {
      out.error = error;
      return out;
    }
  } catch (const cxxopts::exceptions::exception& e) {
    out.error = e.what();
    return out;
  }
  out.options = std::move(opts);
  return out;
}

}  // namespace stave::driver
