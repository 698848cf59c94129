// `stave who-can QUERY [--path P]…`: who is granted a permission, and by
// which rule and emitted object. `--format json` for scripts.
#include <fmt/format.h>
#include <llvm/Support/JSON.h>

#include "compiler/driver/command_pipeline.h"
#include "compiler/driver/commands.h"
#include "compiler/pipeline/compilation.h"
#include "compiler/diag/json_text.h"
#include "compiler/driver/render.h"
#include "compiler/eval/who_can.h"

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

}  // namespace

int RunWhoCan(const Options& options) {
  auto compilation = LoadAndCompile(options.policy_paths, options, stderr);
  if (!compilation) return kExitUsage;
  if (compilation->diagnostics.has_errors()) {
    PrintDiagnostics(compilation->diagnostics, compilation->sources, options, stderr);
    return kExitPolicyError;
  }
  eval::WhoCanResult r =
      eval::WhoCan(*compilation->program, compilation->output, options.args, options.trust_domain);
  if (!r.error.empty()) {
    fmt::print(stderr, "stave: error: {}\n", r.error);
    return kExitUsage;
  }
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
