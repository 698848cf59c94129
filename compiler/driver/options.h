// Command-line options (spec §10), parsed as option_table.h describes them.
// Options may come before or after the paths, as `--opt VALUE` or
// `--opt=VALUE`.
#pragma once

#include <optional>
#include <string>
#include <vector>

namespace stave::driver {

enum class ColorMode { Auto, Always, Never };
enum class Format { Human, Json, Sarif, Github, Markdown, Junit, Codeclimate };

struct Options {
  std::string command;             // "check", "build", ...
  std::vector<std::string> args;   // positional arguments after the command
  ColorMode color = ColorMode::Auto;
  Format format = Format::Human;
  std::string output_dir;                    // build -o
  std::string trust_domain = "cluster.local";
  bool istio_dry_run = false;
  std::string access_log_provider = "envoy";  // --access-log-provider (spec §14)
  bool warnings_as_errors = false;  // -W error
  bool catalog = false;             // explain --catalog
  bool check = false;               // fmt --check
  bool timings = false;             // print time per stage to stderr
  std::vector<std::string> policy_paths;  // who-can, diff: --path
  std::string docs_url;  // SARIF helpUri base; empty: diag::kDefaultDocsUrl
  bool version = false;
  bool help = false;
  bool help_man = false;  // print a man page (roff): `meson install` makes them
  // import, drift (spec §15)
  std::string cluster;                         // drift --cluster FILE|DIR|-
  std::string default_namespace = "default";   // --namespace: for objects without one
  std::string package = "imported";            // import --package
};

struct ParsedOptions {
  std::optional<Options> options;
  std::string error;  // set when parsing failed: a usage error
  std::string command;  // the command named, if any, for its usage text
};

ParsedOptions ParseOptions(int argc, const char* const* argv);
// "" when NAME can name a MeshConfig extension provider, else the usage
// error (access_log_provider.cpp).
std::string CheckAccessLogProvider(const std::string& name);

}  // namespace stave::driver
