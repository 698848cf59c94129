// SARIF 2.1.0, as GitHub code scanning takes it: one run, the rules with
// their long explanations (from `stave explain`), results with locations.
#include <llvm/Support/JSON.h>

#include <map>

#include "compiler/diag/explain.h"
#include "compiler/diag/json_text.h"
#include "compiler/diag/render_machine.h"

namespace stave::diag {
namespace {

std::string Level(Severity s) {
  switch (s) {
    case Severity::Error: return "error";
    case Severity::Warning: return "warning";
    case Severity::Note: return "note";
  }
  return "error";
}

// An artifact URI: relative paths stay relative (to the directory stave ran
// in, which CI makes the repository root); absolute ones become file URIs.
std::string Uri(const std::string& path) {
  std::string out = path[0] == '/' ? "file://" : "";
  for (char c : path) {
    if (c == ' ') out += "%20";
    else if (c == '%') out += "%25";
    else out += c;
  }
  return out;
}

llvm::json::Object PhysicalLocation(const base::SourceSet& sources, base::Span span) {
  const base::SourceFile& f = sources.file(span.file);
  base::LineCol b = f.position(span.begin), e = f.position(span.end);
  return llvm::json::Object{
      {"physicalLocation",
       llvm::json::Object{{"artifactLocation", llvm::json::Object{{"uri", Uri(f.path())}}},
                          {"region", llvm::json::Object{{"startLine", b.line},
                                                        {"startColumn", b.column},
                                                        {"endLine", e.line},
                                                        {"endColumn", e.column}}}}}};
}

llvm::json::Object Rule(const CodeInfo& info) {
  auto e = Explain(info.code);
  std::string text = e ? e->body : std::string(info.summary);
  return llvm::json::Object{
      {"id", std::string(info.name)},
      {"name", std::string(info.name)},
      {"shortDescription", llvm::json::Object{{"text", std::string(info.summary)}}},
      {"fullDescription", llvm::json::Object{{"text", std::string(info.summary)}}},
      {"help", llvm::json::Object{{"text", text}, {"markdown", text}}},
      {"defaultConfiguration", llvm::json::Object{{"level", Level(info.severity)}}}};
}

}  // namespace

std::string RenderSarif(const RunReport& r) {
  // Only the rules this run reports, in registry order; results point at
  // them by index.
  std::map<Code, size_t> rule_index;
  llvm::json::Array rules;
  auto index_of = [&](Code code) {
    auto it = rule_index.find(code);
    if (it != rule_index.end()) return it->second;
    return rule_index.emplace(code, rule_index.size()).first->second;
  };
  llvm::json::Array results;
  if (r.diagnostics) {
    for (const Diagnostic& d : r.diagnostics->items()) {
      std::string text = d.message;
      if (!d.primary.message.empty()) text += ": " + d.primary.message;
      for (const std::string& h : d.help) text += "\nhelp: " + h;
      llvm::json::Object result{{"ruleId", std::string(Info(d.code).name)},
                                {"ruleIndex", index_of(d.code)},
                                {"level", Level(d.severity)},
                                {"message", llvm::json::Object{{"text", text}}}};
      if (d.primary.span.valid()) {
        result["locations"] = llvm::json::Array{PhysicalLocation(*r.sources, d.primary.span)};
      }
      llvm::json::Array related;
      for (const Label& l : d.secondary) {
        if (!l.span.valid()) continue;
        llvm::json::Object loc = PhysicalLocation(*r.sources, l.span);
        loc["message"] = llvm::json::Object{{"text", l.message.empty() ? "related" : l.message}};
        related.push_back(std::move(loc));
      }
      for (const Note& n : d.notes) {
        if (!n.span.valid()) continue;
        llvm::json::Object loc = PhysicalLocation(*r.sources, n.span);
        loc["message"] = llvm::json::Object{{"text", n.message}};
        related.push_back(std::move(loc));
      }
      if (!related.empty()) result["relatedLocations"] = std::move(related);
      results.push_back(std::move(result));
    }
  }
  for (const std::string& e : r.load_errors) {
    results.push_back(llvm::json::Object{{"ruleId", "E0011"},
                                         {"ruleIndex", index_of(Code::E0011)},
                                         {"level", "error"},
                                         {"message", llvm::json::Object{{"text", e}}}});
  }
  std::vector<std::pair<size_t, Code>> ordered;
  for (const auto& [code, index] : rule_index) ordered.emplace_back(index, code);
  std::sort(ordered.begin(), ordered.end());
  for (const auto& [index, code] : ordered) rules.push_back(Rule(Info(code)));
  llvm::json::Object run{
      {"tool", llvm::json::Object{{"driver", llvm::json::Object{{"name", "stave"},
                                                               {"semanticVersion", r.tool_version},
                                                               {"rules", std::move(rules)}}}}},
      {"columnKind", "unicodeCodePoints"},
      {"results", std::move(results)}};
  llvm::json::Object root{{"$schema", "https://json.schemastore.org/sarif-2.1.0.json"},
                          {"version", "2.1.0"},
                          {"runs", llvm::json::Array{std::move(run)}}};
  return JsonText(std::move(root));
}

}  // namespace stave::diag
