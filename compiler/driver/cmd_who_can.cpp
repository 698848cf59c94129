// `stave who-can QUERY [--path P]…`: who is granted a permission, and by
// which rule and emitted object. QUERY is an expectation target, parsed
// and resolved as in a test. `--format json` for scripts.
#include <fmt/format.h>
#include <llvm/Support/JSON.h>

#include "compiler/driver/command_pipeline.h"
#include "compiler/driver/commands.h"
#include "compiler/pipeline/compilation.h"
#include "compiler/diag/json_text.h"
#include "compiler/driver/render.h"
#include "compiler/eval/who_can.h"
#include "compiler/sema/expect_target.h"
#include "compiler/syntax/parse.h"

namespace stave::driver {
namespace {

void PrintJson(const eval::WhoCanResult& r) {
  llvm::json::Array grantees;
  for (const eval::Grantee& g : r.grantees) {
    llvm::json::Array objects, rules;
    for (const auto& o : g.objects) objects.push_back(o);
    for (const auto& x : g.rules) rules.push_back(x);
    llvm::json::Object entry{{"subject", g.subject},
                             {"declaredAs", g.declared_as},
                             {"objects", std::move(objects)},
                             {"rules", std::move(rules)}};
    // Only for grants limited to named objects: the names they cover.
    if (!g.only_names.empty()) {
      llvm::json::Array names;
      for (const auto& n : g.only_names) names.push_back(n);
      entry["onlyNames"] = std::move(names);
    }
    grantees.push_back(std::move(entry));
  }
  fmt::print("{}", diag::JsonText(llvm::json::Object{{"question", r.question},
                                                   {"grantees", std::move(grantees)}}));
}

// The query as an expectation target, resolved as in a test. It is a
// source of its own (`<query>`), so that its syntax errors and unknown
// names are rendered like any file's, did-you-mean included.
std::optional<sema::Expectation> ResolveQuery(pipeline::Compilation& c, const Options& options,
                                              syntax::Expectation& query) {
  base::FileId id = c.sources.add("<query>", syntax::TargetText(options.args));
  syntax::TargetParseResult parsed = syntax::ParseExpectTarget(c.sources, id);
  std::optional<sema::Expectation> target;
  if (parsed.target) {
    if (std::string problem = eval::UnsupportedQuery(*parsed.target); !problem.empty()) {
      fmt::print(stderr, "stave: error: {}\n", problem);
      return std::nullopt;
    }
    query.effect = syntax::Effect::Allow;
    query.target = std::move(*parsed.target);
    query.span = {id, 0, static_cast<uint32_t>(c.sources.file(id).text().size())};
    sema::QueryTarget resolved = sema::ResolveQuery(*c.program, query, parsed.diagnostics);
    if (resolved.packages.size() > 1) {
      std::string listed;
      for (const auto& p : resolved.packages) listed += (listed.empty() ? "`" : "`, `") + p;
      fmt::print(stderr,
                 "stave: error: the query names different things in packages {}`: write its "
                 "names as `PACKAGE.NAME`\n",
                 listed);
      return std::nullopt;
    }
    target = std::move(resolved.target);
  }
  if (!target || parsed.diagnostics.has_errors()) {
    parsed.diagnostics.sort();
    PrintDiagnostics(parsed.diagnostics, c.sources, options, stderr);
    return std::nullopt;
  }
  return target;
}

}  // namespace

int RunWhoCan(const Options& options) {
  auto compilation = LoadAndCompile(options.policy_paths, options, stderr);
  if (!compilation) return kExitUsage;
  if (compilation->diagnostics.has_errors()) {
    PrintDiagnostics(compilation->diagnostics, compilation->sources, options, stderr);
    return kExitPolicyError;
  }
  if (options.args.empty()) {
    fmt::print(stderr, "stave: error: expected a query, e.g. `who-can get secrets in prod`\n");
    return kExitUsage;
  }
  syntax::Expectation query;  // the target resolved below points into it
  std::optional<sema::Expectation> target = ResolveQuery(*compilation, options, query);
  if (!target) return kExitUsage;
  eval::WhoCanResult r =
      eval::WhoCan(*compilation->program, compilation->output, *target, options.trust_domain);
  if (options.format == Format::Json) {
    PrintJson(r);
    return kExitOk;
  }
  fmt::print("{}:\n", r.question);
  if (r.grantees.empty()) fmt::print("  nobody the policy declares\n");
  for (const eval::Grantee& g : r.grantees) {
    fmt::print("  {}{}\n", g.subject, g.declared_as.empty() ? "" : " (" + g.declared_as + ")");
    if (!g.only_names.empty()) {
      std::string names;
      for (const auto& n : g.only_names) names += (names.empty() ? "" : ", ") + n;
      fmt::print("      only on {}\n", names);
    }
    for (const auto& o : g.objects) fmt::print("      via {}\n", o);
    for (const auto& rule : g.rules) fmt::print("      from {}\n", rule);
  }
  return kExitOk;
}

}  // namespace stave::driver
