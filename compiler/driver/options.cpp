// Command-line parsing with cxxopts. The first positional argument is the
// command; the rest are its arguments.
#include "compiler/driver/options.h"

#include <cxxopts.hpp>

namespace stave::driver {
namespace {

cxxopts::Options MakeParser() {
  cxxopts::Options parser("stave", "Stave: policy-as-code compiler to Kubernetes RBAC and Istio");
  parser.add_options()
      ("color", "when to color diagnostics: auto, always, never",
       cxxopts::value<std::string>()->default_value("auto"))
      ("format", "diagnostics format: human, json, sarif, github",
       cxxopts::value<std::string>()->default_value("human"))
      ("o,output", "build: write files to this directory", cxxopts::value<std::string>())
      ("trust-domain", "build: the mesh trust domain",
       cxxopts::value<std::string>()->default_value("cluster.local"))
      ("istio-dry-run", "build: mark AuthorizationPolicies with istio.io/dry-run")
      ("W", "`-W error`: warnings fail the run", cxxopts::value<std::string>())
      ("catalog", "explain: every code as markdown")
      ("stdio", "lsp: talk over stdin/stdout (the default; accepted for editors that pass it)")
      ("check", "fmt: report files that would change, change nothing")
      ("timings", "check, build, test: print the time of each stage to stderr")
      ("path", "who-can, diff: the policy paths (default: .)",
       cxxopts::value<std::vector<std::string>>())
      ("version", "print the version")
      ("h,help", "print this help")
      ("positional", "", cxxopts::value<std::vector<std::string>>());
  parser.add_options("existing clusters")
      ("cluster", "drift: the cluster dump (file, directory or -)", cxxopts::value<std::string>())
      ("namespace", "import, drift: the namespace of objects that name none",
       cxxopts::value<std::string>()->default_value("default"))
      ("package", "import: the package of the written files",
       cxxopts::value<std::string>()->default_value("imported"));
  parser.parse_positional({"positional"});
  return parser;
}

}  // namespace

std::string UsageText() {
  return R"(usage: stave COMMAND [PATH...] [OPTIONS]

commands:
  check [PATH...]      parse and type-check the policy files under PATH (default: .)
  build [PATH...]      check, then lower to Kubernetes RBAC and Istio YAML
        [-o DIR]       write DIR/NAMESPACE.yaml, cluster.yaml, kustomization.yaml
                       (default: one multi-document stream on stdout)
        [--trust-domain D]   mesh trust domain for principals (default: cluster.local)
        [--istio-dry-run]    annotate AuthorizationPolicies with istio.io/dry-run
  test [PATH...]       run the test blocks against the generated objects
  fmt [--check] [PATH...]
                       rewrite files in the canonical layout; --check lists the
                       files that would change (exit 1); `fmt -` formats stdin
  explain CODE         the long explanation of a diagnostic code, with an example
  explain --catalog    every code as markdown (docs/diagnostics.md)
  who-can QUERY [--path P]...
                       who is granted a permission, by which rule and object:
                         who-can VERB RESOURCE [NAME] in NS|cluster
                         who-can ACTION [APP] in NS|cluster
                         who-can call APP [in NS] [method M] [path P] [port N]
  import [FILE|DIR|-...] [-o DIR] [--package NAME] [--namespace NS]
                       existing RBAC and Istio YAML to .policy files (default
                       package `imported`, written to the current directory)
  drift [PATH...] --cluster FILE|DIR|- [--namespace NS]
                       the cluster dump against the program: missing, changed,
                       excess and stale; exit 1 on drift;
                       --format human|json|sarif|markdown
  diff OLD NEW [--path P]...
                       permissions added and removed; OLD and NEW are paths or
                       git revisions (`stave diff main .`); exit 1 on changes;
                       --format human|json|markdown
  --version            print the version

options:
  --color auto|always|never   when to color diagnostics (default: auto)
  --format human|json|sarif|github
                              diagnostics format (default: human); json and sarif
                              are one document on stdout (stderr for `build`
                              without -o), github prints workflow commands
  -W error                    warnings fail the run (exit 1)

exit status: 0 success; 1 the policy has errors; 2 bad usage or unreadable paths
)";
}

ParsedOptions ParseOptions(int argc, const char* const* argv) {
  ParsedOptions out;
  Options opts;
  try {
    cxxopts::Options parser = MakeParser();
    cxxopts::ParseResult result = parser.parse(argc, argv);
    opts.version = result.count("version") > 0;
    opts.help = result.count("help") > 0;
    if (result.count("output")) {
      opts.output_dir = result["output"].as<std::string>();
      // cxxopts reads `-o=DIR` as `-o` with the value `=DIR`; people mean DIR.
      if (!opts.output_dir.empty() && opts.output_dir[0] == '=') opts.output_dir.erase(0, 1);
      if (opts.output_dir.empty()) {
        out.error = "`-o` needs a directory";
        return out;
      }
    }
    opts.trust_domain = result["trust-domain"].as<std::string>();
    opts.istio_dry_run = result.count("istio-dry-run") > 0;
    opts.catalog = result.count("catalog") > 0;
    opts.check = result.count("check") > 0;
    opts.timings = result.count("timings") > 0;
    if (result.count("cluster")) opts.cluster = result["cluster"].as<std::string>();
    opts.default_namespace = result["namespace"].as<std::string>();
    opts.package = result["package"].as<std::string>();
    if (result.count("path")) opts.policy_paths = result["path"].as<std::vector<std::string>>();
    if (result.count("W")) {
      std::string w = result["W"].as<std::string>();
      if (w != "error") {
        out.error = "`-W` takes `error`, not `" + w + "`";
        return out;
      }
      opts.warnings_as_errors = true;
    }
    // SPIFFE trust domains: lowercase letters, digits, `.`, `-` and `_`.
    if (opts.trust_domain.empty() ||
        opts.trust_domain.find_first_not_of("abcdefghijklmnopqrstuvwxyz0123456789.-_") !=
            std::string::npos) {
      out.error = "`--trust-domain` takes a domain such as cluster.local, not `" +
                  opts.trust_domain + "`";
      return out;
    }
    std::string color = result["color"].as<std::string>();
    if (color == "auto") opts.color = ColorMode::Auto;
    else if (color == "always") opts.color = ColorMode::Always;
    else if (color == "never") opts.color = ColorMode::Never;
    else {
      out.error = "`--color` takes auto, always or never, not `" + color + "`";
      return out;
    }
    std::string format = result["format"].as<std::string>();
    if (format == "human") opts.format = Format::Human;
    else if (format == "json") opts.format = Format::Json;
    else if (format == "sarif") opts.format = Format::Sarif;
    else if (format == "github") opts.format = Format::Github;
    else if (format == "markdown") opts.format = Format::Markdown;
    else {
      out.error = "`--format` takes human, json, sarif, github or markdown, not `" + format + "`";
      return out;
    }
    if (result.count("positional")) {
      auto positional = result["positional"].as<std::vector<std::string>>();
      opts.command = positional.front();
      opts.args.assign(positional.begin() + 1, positional.end());
    }
    // Each command reads only some formats; any other would be silently
    // ignored (`check --format markdown` printed nothing and passed).
    bool diagnostics = opts.command == "check" || opts.command == "build" || opts.command == "test";
    if (opts.format == Format::Markdown && opts.command != "diff" && opts.command != "drift") {
      out.error = "`--format markdown` is for `stave diff`; check, build and test take human, "
                  "json, sarif or github";
      return out;
    }
    if ((opts.format == Format::Sarif || opts.format == Format::Github) && !diagnostics &&
        !(opts.format == Format::Sarif && opts.command == "drift")) {
      out.error = "`--format " + format + "` is for check, build and test; `stave " +
                  opts.command + "` takes human or json";
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
