// The commands and options of `stave`, with their help text (docs/cli.md
// explains how the rest is generated from here).
#include "compiler/driver/option_table.h"

namespace stave::driver {

const std::vector<OptionSpec>& AllOptions() {
  static const std::vector<OptionSpec> options = {
      {.long_name = "format", .value_name = "FORMAT", .help = "output format",
       .default_value = "human", .value = ValueKind::Choice},
      {.long_name = "output", .short_name = 'o', .value_name = "DIR",
       .help = "write DIR/NAMESPACE.yaml, cluster.yaml and kustomization.yaml instead of one "
               "multi-document stream on stdout",
       .value = ValueKind::Dir},
      {.long_name = "trust-domain", .value_name = "DOMAIN",
       .help = "the mesh trust domain of the principals", .default_value = "cluster.local",
       .value = ValueKind::Text},
      {.long_name = "istio-dry-run", .help = "annotate AuthorizationPolicies with istio.io/dry-run"},
      {.long_name = "access-log-provider", .value_name = "NAME",
       .help = "the MeshConfig extension provider that call audit rules log to (spec §14)",
       .default_value = "envoy", .value = ValueKind::Text},
      {.long_name = "W", .short_name = 'W', .value_name = "error",
       .help = "`-W error`: warnings fail the run (exit 1)", .value = ValueKind::Choice,
       .choices = {"error"}},
      {.long_name = "timings", .help = "print the time of each stage to stderr"},
      {.long_name = "catalog", .help = "print every code as markdown (docs/diagnostics.md)"},
      {.long_name = "check",
       .help = "list the files that would change and change nothing (exit 1 if any)"},
      {.long_name = "stdio",
       .help = "talk over stdin and stdout (the default; accepted for editors that pass it)"},
      {.long_name = "path", .value_name = "PATH",
       .help = "a policy path to read (repeatable; default: .)", .value = ValueKind::Path,
       .repeatable = true},
      {.long_name = "color", .value_name = "WHEN", .help = "when to color diagnostics",
       .default_value = "auto", .value = ValueKind::Choice, .choices = {"auto", "always", "never"}},
      {.long_name = "help", .short_name = 'h',
       .help = "print this help (`stave COMMAND --help`: that command's)"},
      {.long_name = "version", .help = "print the version"},
      {.long_name = "docs-url", .value_name = "URL",
       .help = "where docs/diagnostics.md is published: SARIF rules link to its anchors "
               "(default: a placeholder, docs/ci.md)",
       .value = ValueKind::Text},
      {.long_name = "cluster", .value_name = "FILE|DIR|-",
       .help = "the cluster dump (`kubectl get ... -A -o yaml`): a file, a directory or - for stdin",
       .value = ValueKind::Path},
      {.long_name = "namespace", .value_name = "NS",
       .help = "the namespace of namespaced objects that name none (as `kubectl apply -f`)",
       .default_value = "default", .value = ValueKind::Text},
      {.long_name = "package", .value_name = "NAME", .help = "the package of the written files",
       .default_value = "imported", .value = ValueKind::Text},
      // For `meson install`, which makes the man pages with it.
      {.long_name = "help-man", .help = "print the man page of stave or of COMMAND",
       .hidden = true},
  };
  return options;
}

const std::vector<std::string_view>& GlobalOptions() {
  static const std::vector<std::string_view> global = {"color", "help", "version", "help-man"};
  return global;
}

const std::vector<CommandSpec>& AllCommands() {
  static const std::vector<CommandSpec> commands = {
      {"check", "[PATH...]", "parse and type-check the policy files under PATH (default: .)",
       "Reads every .policy file under each PATH (a file, a directory, or - for stdin), "
       "resolves and type-checks the program and runs the risk lints. Prints diagnostics and, "
       "on success, a one-line summary to stderr.",
       {"format", "W", "timings", "docs-url"},
       {"human", "json", "sarif", "github", "codeclimate"}},
      {"build", "[PATH...]", "check, then lower to Kubernetes RBAC, Istio and admission YAML",
       "Checks the program and, when it has no errors, writes the objects it lowers to: one "
       "multi-document YAML stream on stdout, or with -o a directory with one file per "
       "namespace, cluster.yaml and kustomization.yaml (all files or none). Machine formats "
       "go to stderr when stdout carries the YAML.",
       {"format", "output", "trust-domain", "istio-dry-run", "access-log-provider", "W", "timings", "docs-url"},
       {"human", "json", "sarif", "github", "codeclimate"}},
      {"test", "[PATH...]", "run the test blocks against the generated objects",
       "Builds the program and evaluates each test block's expectations against the objects "
       "it emits. Prints one line per test and `N passed, N failed`; the machine formats put "
       "every failing expectation in the document at its location.",
       {"format", "trust-domain", "istio-dry-run", "access-log-provider", "W", "timings", "docs-url"},
       {"human", "json", "sarif", "github", "junit", "codeclimate"}},
      {"fmt", "[PATH...]", "rewrite files in the canonical layout",
       "Rewrites each .policy file in the canonical layout (docs/formatting.md); files with "
       "syntax errors are reported and left untouched. `stave fmt -` formats stdin to stdout.",
       {"check"},
       {}},
      {"explain", "CODE", "the long explanation of a diagnostic code, with an example",
       "Prints what a diagnostic code means, why it exists and how to fix it, with an "
       "example; --catalog prints every code as markdown.",
       {"catalog"},
       {},
       ValueKind::Code},
      {"who-can", "QUERY", "who is granted a permission, by which rule and object",
       "QUERY is the target of an `expect`, read as a test reads it:\n"
       "  VERB RESOURCE [OBJECT] in NS|cluster\n"
       "  ACTION [APP] in NS|cluster\n"
       "  call APP [in NS] [method M] [path P] [port N] [host H] [header K = V]",
       {"path", "format", "trust-domain"},
       {"human", "json"},
       ValueKind::None},
      {"diff", "OLD NEW", "permissions added and removed between two versions",
       "OLD and NEW are each a path or a git revision (`stave diff main .`); an empty tree "
       "(`stave diff 4b825dc . `, or an empty directory) diffs a first policy against nothing. "
       "Exit 1 when something changed. --format markdown prints a table for a pull-request "
       "comment.",
       {"path", "format", "trust-domain"},
       {"human", "json", "markdown"}},
      {"import", "[FILE|DIR|-...]", "existing RBAC and Istio YAML to .policy files",
       "Reads Kubernetes YAML or JSON (multi-document streams, `kind: List`, directories, - "
       "for stdin) and writes one .policy file per namespace plus cluster.policy, in the "
       "canonical layout, whose build grants exactly what the input grants. What the language "
       "cannot express is kept as a comment and reported as a warning (docs/adopting.md).",
       {"output", "package", "namespace", "trust-domain"},
       {}},
      {"drift", "[PATH...]", "the cluster dump against the program",
       "Compares the objects the program would emit with a cluster dump (--cluster): managed "
       "objects missing or changed, access the dump grants to declared subjects beyond the "
       "program's, and stale objects labelled managed-by stave. Exit 1 on drift.",
       {"cluster", "namespace", "format", "trust-domain", "timings", "docs-url"},
       {"human", "json", "sarif", "markdown", "codeclimate"}},
      {"lsp", "", "run the language server over stdio (docs/editors.md)",
       "Speaks the Language Server Protocol on stdin and stdout: diagnostics, hover, "
       "definitions, references, completion, formatting, rename and quick fixes.",
       {"stdio"},
       {},
       ValueKind::None},
      {"completions", "SHELL", "print the completion script for bash, zsh or fish",
       "Prints a completion script generated from the same table as --help. "
       "`source <(stave completions bash)` enables it for one shell; `meson install` "
       "installs all three where each shell looks for them.",
       {},
       {},
       ValueKind::Shell},
  };
  return commands;
}

const OptionSpec* FindOption(std::string_view long_name) {
  for (const OptionSpec& o : AllOptions()) {
    if (o.long_name == long_name) return &o;
  }
  return nullptr;
}

const CommandSpec* FindCommand(std::string_view name) {
  for (const CommandSpec& c : AllCommands()) {
    if (c.name == name) return &c;
  }
  return nullptr;
}

std::vector<const OptionSpec*> OptionsOf(const CommandSpec& command) {
  std::vector<const OptionSpec*> out;
  for (std::string_view name : command.options) out.push_back(FindOption(name));
  for (std::string_view name : GlobalOptions()) out.push_back(FindOption(name));
  return out;
}

}  // namespace stave::driver
