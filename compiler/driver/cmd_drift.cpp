// `stave drift [PATH…] --cluster FILE|DIR|-`: the program's objects
// against a cluster dump (spec §15), as text, JSON, SARIF 2.1.0 or a
// Markdown table. Exit 0 no drift, 1 drift (or a malformed dump or policy
// errors), 2 bad usage or unreadable input.
#include <fmt/format.h>
#include <llvm/Support/JSON.h>

#include "compiler/diag/json_text.h"
#include "compiler/drift/drift.h"
#include "compiler/driver/command_pipeline.h"
#include "compiler/driver/commands.h"
#include "compiler/driver/kube_load.h"
#include "compiler/driver/render.h"

#ifndef STAVE_VERSION
#define STAVE_VERSION "unknown"
#endif

namespace stave::driver {
namespace {

std::string Summary(const drift::Report& r) {
  size_t counts[4] = {0, 0, 0, 0};
  for (const drift::Finding& f : r.findings) ++counts[static_cast<int>(f.kind)];
  return fmt::format("{} finding{} ({} missing, {} changed, {} excess, {} stale)", r.findings.size(),
                     r.findings.size() == 1 ? "" : "s", counts[0], counts[1], counts[2], counts[3]);
}

std::string Namespaces(const drift::Report& r) {
  if (r.namespaces.size() > 12) return fmt::format("{} namespaces and cluster scope", r.namespaces.size());
  std::string out;
  for (const std::string& ns : r.namespaces) out += (out.empty() ? "" : ", ") + ns;
  return out.empty() ? "cluster scope only" : out + " and cluster scope";
}

std::string Location(const kube::Origin& o) {
  return o.file.empty() ? "" : fmt::format("{}:{}", o.file, o.line);
}

void PrintHuman(const drift::Report& r) {
  fmt::print("drift: {}\ncompared: {}\n", Summary(r), Namespaces(r));
  std::string scope;
  for (const drift::Finding& f : r.findings) {
    if (f.scope != scope) {
      scope = f.scope;
      fmt::print("\n{}\n", scope == "cluster" ? "cluster-wide" : "namespace " + scope);
    }
    std::string at = Location(f.origin);
    fmt::print("  {:<8} {}{}\n           {}\n", drift::FindingName(f.kind), f.object,
               at.empty() ? "" : "  (" + at + ")", f.message);
    for (const std::string& d : f.details) fmt::print("             {}\n", d);
  }
}

llvm::json::Array Strings(const std::vector<std::string>& v) {
  llvm::json::Array a;
  for (const std::string& s : v) a.push_back(s);
  return a;
}

void PrintJson(const drift::Report& r) {
  llvm::json::Array findings;
  for (const drift::Finding& f : r.findings) {
    llvm::json::Object o{{"kind", drift::FindingName(f.kind)}, {"scope", f.scope}, {"object", f.object},
                         {"message", f.message}, {"details", Strings(f.details)}};
    if (!f.origin.file.empty()) {
      o["location"] = llvm::json::Object{{"file", f.origin.file}, {"line", f.origin.line}};
    }
    findings.push_back(std::move(o));
  }
  fmt::print("{}", diag::JsonText(llvm::json::Object{{"namespaces", Strings(r.namespaces)},
                                                   {"drift", !r.findings.empty()},
                                                   {"findings", std::move(findings)}}));
}

void PrintSarif(const drift::Report& r) {
  const char* names[] = {"missing", "changed", "excess", "stale"};
  const char* help[] = {"an object the policy emits is absent from the cluster",
                        "a managed object in the cluster differs from what the policy emits",
                        "the cluster grants a declared subject or source access the policy does not",
                        "a managed object in the cluster that the policy no longer emits"};
  llvm::json::Array rules, results;
  for (int i = 0; i < 4; ++i) {
    rules.push_back(llvm::json::Object{{"id", std::string("drift/") + names[i]},
                                       {"shortDescription", llvm::json::Object{{"text", help[i]}}}});
  }
  for (const drift::Finding& f : r.findings) {
    std::string text = f.object + ": " + f.message;
    for (const std::string& d : f.details) text += "\n" + d;
    llvm::json::Object result{{"ruleId", std::string("drift/") + drift::FindingName(f.kind)},
                              {"ruleIndex", static_cast<int>(f.kind)},
                              {"level", "error"},
                              {"message", llvm::json::Object{{"text", text}}}};
    if (!f.origin.file.empty() && f.origin.file != "-") {
      result["locations"] = llvm::json::Array{llvm::json::Object{
          {"physicalLocation",
           llvm::json::Object{{"artifactLocation", llvm::json::Object{{"uri", f.origin.file}}},
                              {"region", llvm::json::Object{{"startLine", std::max(f.origin.line, 1)}}}}}}};
    }
    results.push_back(std::move(result));
  }
  llvm::json::Object run{
      {"tool", llvm::json::Object{{"driver", llvm::json::Object{{"name", "stave"},
                                                               {"semanticVersion", STAVE_VERSION},
                                                               {"rules", std::move(rules)}}}}},
      {"results", std::move(results)}};
  fmt::print("{}", diag::JsonText(llvm::json::Object{{"$schema", "https://json.schemastore.org/sarif-2.1.0.json"},
                                                   {"version", "2.1.0"},
                                                   {"runs", llvm::json::Array{std::move(run)}}}));
}

std::string Cell(const std::string& s) {
  std::string out;
  for (char c : s) out += c == '|' ? std::string("\\|") : c == '\n' ? std::string("<br>") : std::string(1, c);
  return out;
}

void PrintMarkdown(const drift::Report& r) {
  fmt::print("### stave drift: {}\n\nCompared: {}.\n\n", Summary(r), Namespaces(r));
  if (r.findings.empty()) {
    fmt::print("The cluster matches the policy.\n");
    return;
  }
  fmt::print("| finding | scope | object | what | where |\n|---|---|---|---|---|\n");
  for (const drift::Finding& f : r.findings) {
    std::string what = f.message;
    for (const std::string& d : f.details) what += "\n" + d;
    fmt::print("| {} | {} | `{}` | {} | {} |\n", drift::FindingName(f.kind), Cell(f.scope), Cell(f.object),
               Cell(what), Cell(Location(f.origin)));
  }
}

}  // namespace

int RunDrift(const Options& options) {
  if (options.cluster.empty()) {
    fmt::print(stderr, "stave: error: `stave drift` needs `--cluster FILE|DIR|-`, the dump to compare "
                       "(kubectl get … -A -o yaml)\n");
    return kExitUsage;
  }
  auto compilation = LoadAndCompile(options.args, options, stderr, Tests::Drop);
  if (!compilation) return kExitUsage;
  if (compilation->diagnostics.has_errors()) {
    Options human = options;
    human.format = Format::Human;
    PrintDiagnostics(compilation->diagnostics, compilation->sources, human, stderr);
    return kExitPolicyError;
  }
  kube::ReadResult dump;
  int read = ReadKube({options.cluster}, options.default_namespace, dump, stderr);
  if (read != kExitOk) return read;
  drift::Report report =
      drift::Compare(*compilation->program, compilation->output, dump.objects, options.trust_domain);
  switch (options.format) {
    case Format::Json: PrintJson(report); break;
    case Format::Sarif: PrintSarif(report); break;
    case Format::Markdown: PrintMarkdown(report); break;
    default: PrintHuman(report); break;
  }
  return report.findings.empty() ? kExitOk : kExitPolicyError;
}

}  // namespace stave::driver
