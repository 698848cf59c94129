// Command-line options shared by every command (spec §10). Options may come
// before or after the paths, as `--opt VALUE` or `--opt=VALUE`.
#pragma once

#include <optional>
#include <string>
#include <vector>

namespace stave::driver {

enum class ColorMode { Auto, Always, Never };
enum class Format { Human, Json, Sarif, Github, Markdown };

struct Options {
  std::string command;             // "check", "build", ...
  std::vector<std::string> args;   // positional arguments after the command
  ColorMode color = ColorMode::Auto;
  Format format = Format::Human;
  std::string output_dir;                    // build -o
  std::string trust_domain = "cluster.local";
  bool istio_dry_run = false;
  bool warnings_as_errors = false;  // -W error
  bool catalog = false;             // explain --catalog
  bool check = false;               // fmt --check
  bool timings = false;             // print time per stage to stderr
  std::vector<std::string> policy_paths;  // who-can, diff: --path
  bool version = false;
  bool help = false;
  // import, drift (spec §15)
  std::string cluster;                         // drift --cluster FILE|DIR|-
  std::string default_namespace = "default";   // --namespace: for objects without one
  std::string package = "imported";            // import --package
};

struct ParsedOptions {
  std::optional<Options> options;
  std::string error;  // set when parsing failed: a usage error
};

ParsedOptions ParseOptions(int argc, const char* const* argv);
std::string UsageText();

}  // namespace stave::driver
