// Drift findings as text, JSON, SARIF, Code Climate and Markdown. Every
// machine-format result needs a file and line: a finding in the dump points
// there, a missing object (which the dump lacks) at the policy rule that
// emits it; what has neither (a dump read from stdin, say) is a SARIF
// notification and a Code Climate issue at the repository root.
#include "compiler/driver/drift_report.h"

#include <fmt/format.h>
#include <llvm/Support/JSON.h>

#include <optional>

#include "compiler/base/version.h"
#include "compiler/diag/json_text.h"
#include "compiler/diag/machine_text.h"
#include "compiler/diag/render_machine.h"
#include "compiler/driver/diff_markdown.h"


namespace stave::driver {
namespace {

using llvm::json::Array;
using llvm::json::Object;

constexpr const char* kRuleHelp[] = {
    "an object the policy emits is absent from the cluster",
    "a managed object in the cluster differs from what the policy emits",
    "the cluster grants a declared subject or source access the policy does not",
    "a managed object in the cluster that the policy no longer emits"};

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

std::string DumpLocation(const kube::Origin& o) {
  return o.file.empty() ? "" : fmt::format("{}:{}", o.file, o.line);
}

// A finding's file and line for the machine formats.
struct Place {
  std::string path;
  int line = 1;
};

std::optional<Place> PlaceOf(const drift::Finding& f, const base::SourceSet& sources) {
  if (!f.origin.file.empty() && f.origin.file != "-") return Place{f.origin.file, std::max(f.origin.line, 1)};
  if (f.policy.valid()) {
    const base::SourceFile& file = sources.file(f.policy.file);
    // The std library's virtual paths are in no repository.
    if (file.path().rfind("std/", 0) != 0) return Place{file.path(), file.position(f.policy.begin).line};
  }
  return std::nullopt;
}

std::string FullText(const drift::Finding& f) {
  std::string text = f.object + ": " + f.message;
  for (const std::string& d : f.details) text += "\n" + d;
  return text;
}

// Stable across line moves: the rule and what the finding is, never where
// (no span, so diag's fingerprints key on the rule and the text alone).
std::string FingerprintText(const drift::Finding& f) {
  return fmt::format("{}\x1f{}\x1f{}", f.scope, f.object, f.message);
}

std::string RuleId(const drift::Finding& f) { return std::string("drift/") + drift::FindingName(f.kind); }

std::string HelpUri(const std::string& docs_url) {
  std::string base = docs_url.empty() ? diag::kDefaultDocsUrl : docs_url;
  size_t slash = base.rfind('/');
  return (slash == std::string::npos ? std::string() : base.substr(0, slash + 1)) + "import-drift.md#findings";
}

std::string Human(const drift::Report& r) {
  std::string out = fmt::format("drift: {}\ncompared: {}\n", Summary(r), Namespaces(r));
  std::string scope;
  for (const drift::Finding& f : r.findings) {
    if (f.scope != scope) {
      scope = f.scope;
      out += fmt::format("\n{}\n", scope == "cluster" ? "cluster-wide" : "namespace " + scope);
    }
    std::string at = DumpLocation(f.origin);
    out += fmt::format("  {:<8} {}{}\n           {}\n", drift::FindingName(f.kind), f.object,
                       at.empty() ? "" : "  (" + at + ")", f.message);
    for (const std::string& d : f.details) out += fmt::format("             {}\n", d);
  }
  return out;
}

Array Strings(const std::vector<std::string>& v) {
  Array a;
  for (const std::string& s : v) a.push_back(s);
  return a;
}

std::string Json(const drift::Report& r, const base::SourceSet& sources) {
  Array findings;
  for (const drift::Finding& f : r.findings) {
    Object o{{"kind", drift::FindingName(f.kind)}, {"scope", f.scope}, {"object", f.object},
             {"message", f.message}, {"details", Strings(f.details)}};
    if (!f.origin.file.empty()) o["location"] = Object{{"file", f.origin.file}, {"line", f.origin.line}};
    if (std::optional<Place> p = PlaceOf(f, sources); p && f.origin.file.empty()) {
      o["policyLocation"] = Object{{"file", p->path}, {"line", p->line}};
    }
    findings.push_back(std::move(o));
  }
  return diag::JsonText(
      Object{{"namespaces", Strings(r.namespaces)}, {"drift", !r.findings.empty()}, {"findings", std::move(findings)}});
}

std::string Sarif(const drift::Report& r, const base::SourceSet& sources, const std::string& docs_url) {
  const char* names[] = {"Missing", "Changed", "Excess", "Stale"};
  Array rules, results, notifications;
  for (int i = 0; i < 4; ++i) {
    std::string id = std::string("drift/") + drift::FindingName(static_cast<drift::FindingKind>(i));
    Object rule{{"id", id},
                {"name", std::string(names[i]) + "ClusterObject"},
                {"shortDescription", Object{{"text", kRuleHelp[i]}}},
                {"fullDescription", Object{{"text", kRuleHelp[i]}}},
                {"help", Object{{"text", std::string(kRuleHelp[i]) +
                                             ". Rebuild and apply the policy's objects, or change the "
                                             "policy to say what the cluster should hold."}}},
                {"helpUri", HelpUri(docs_url)},
                {"defaultConfiguration", Object{{"level", "error"}}}};
    // Excess access is a grant nobody reviewed: the one security finding.
    if (i == static_cast<int>(drift::FindingKind::Excess)) {
      rule["properties"] = Object{{"security-severity", "8.0"}, {"tags", Array{"security"}}};
    }
    rules.push_back(std::move(rule));
  }
  diag::Fingerprints fingerprints;
  for (const drift::Finding& f : r.findings) {
    std::string id = RuleId(f);
    std::optional<Place> place = PlaceOf(f, sources);
    if (!place) {
      notifications.push_back(Object{{"descriptor", Object{{"id", id}}},
                                     {"level", "error"},
                                     {"message", Object{{"text", FullText(f)}}}});
      continue;
    }
    results.push_back(Object{
        {"ruleId", id},
        {"ruleIndex", static_cast<int>(f.kind)},
        {"level", "error"},
        {"message", Object{{"text", FullText(f)}}},
        {"locations", Array{Object{{"physicalLocation",
                                    Object{{"artifactLocation", Object{{"uri", diag::SarifUri(place->path)}}},
                                           {"region", Object{{"startLine", place->line}}}}}}}},
        {"partialFingerprints", Object{{"stave/v1", fingerprints.Next(id, nullptr, {}, FingerprintText(f))}}}});
  }
  Object invocation{{"executionSuccessful", true}};
  if (!notifications.empty()) invocation["toolExecutionNotifications"] = std::move(notifications);
  Object run{{"tool", Object{{"driver", Object{{"name", "stave"},
                                               {"semanticVersion", stave::base::kVersion},
                                               {"informationUri", HelpUri(docs_url)},
                                               {"rules", std::move(rules)}}}}},
             {"invocations", Array{std::move(invocation)}},
             {"results", std::move(results)}};
  return diag::JsonText(Object{{"$schema", "https://json.schemastore.org/sarif-2.1.0.json"},
                               {"version", "2.1.0"},
                               {"runs", Array{std::move(run)}}});
}

// GitLab Code Quality: every finding is an issue at a path (the
// repository root when it has none); excess access is a security issue.
std::string CodeClimate(const drift::Report& r, const base::SourceSet& sources) {
  Array issues;
  diag::Fingerprints fingerprints;
  for (const drift::Finding& f : r.findings) {
    Place place = PlaceOf(f, sources).value_or(Place{".", 1});
    bool excess = f.kind == drift::FindingKind::Excess;
    Object issue{{"type", "issue"},
                 {"check_name", RuleId(f)},
                 {"description", f.object + ": " + f.message},
                 {"categories", Array{excess ? "Security" : "Bug Risk"}},
                 {"severity", excess ? "critical" : "major"},
                 {"fingerprint", fingerprints.Next(RuleId(f), nullptr, {}, FingerprintText(f))},
                 {"location", Object{{"path", place.path},
                                     {"lines", Object{{"begin", place.line}, {"end", place.line}}}}}};
    if (!f.details.empty()) issue["content"] = Object{{"body", FullText(f)}};
    issues.push_back(std::move(issue));
  }
  return diag::JsonText(llvm::json::Value(std::move(issues)));
}

std::string Markdown(const drift::Report& r) {
  std::string out = fmt::format("### stave drift: {}\n\nCompared: {}.\n\n", Summary(r), Namespaces(r));
  if (r.findings.empty()) return out + "The cluster matches the policy.\n";
  out += "| finding | scope | object | what | where |\n|---|---|---|---|---|\n";
  for (const drift::Finding& f : r.findings) {
    std::string what = f.message;
    for (const std::string& d : f.details) what += "\n" + d;
    out += fmt::format("| {}{} | {} | {} | {} | {} |\n", f.kind == drift::FindingKind::Excess ? "⚠️ " : "",
                       drift::FindingName(f.kind), MarkdownCell(f.scope), MarkdownCell(f.object), MarkdownCell(what),
                       MarkdownCell(DumpLocation(f.origin)));
  }
  return out;
}

}  // namespace

std::string RenderDriftReport(const drift::Report& report, Format format, const base::SourceSet& sources,
                              const std::string& docs_url) {
  switch (format) {
    case Format::Json: return Json(report, sources);
    case Format::Sarif: return Sarif(report, sources, docs_url);
    case Format::Codeclimate: return CodeClimate(report, sources);
    case Format::Markdown: return Markdown(report);
    default: return Human(report);
  }
}

}  // namespace stave::driver
