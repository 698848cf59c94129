// Code Climate issues as GitLab's Code Quality report reads them: a JSON
// array of {type, check_name, description, content, categories, severity,
// fingerprint, location: {path, lines: {begin, end}}}.
#include <llvm/Support/JSON.h>

#include "compiler/diag/json_text.h"
#include "compiler/diag/machine_text.h"
#include "compiler/diag/render_machine.h"

namespace stave::diag {
namespace {

// GitLab's scale: info, minor, major, critical, blocker. Errors fail the
// run, so they block; the risk lints are what a reviewer must look at.
std::string IssueSeverity(const Diagnostic& d) {
  switch (d.severity) {
    case Severity::Error: return "blocker";
    case Severity::Warning: return Info(d.code).name.substr(0, 3) == "W05" ? "critical" : "minor";
    case Severity::Note: return "info";
  }
  return "major";
}

llvm::json::Object Location(const base::SourceSet* sources, base::Span span) {
  if (sources == nullptr || !span.valid()) {
    // GitLab needs a path; a problem with no file is reported at the root.
    return llvm::json::Object{{"path", "."}, {"lines", llvm::json::Object{{"begin", 1}, {"end", 1}}}};
  }
  const base::SourceFile& f = sources->file(span.file);
  return llvm::json::Object{{"path", f.path()},
                            {"lines", llvm::json::Object{{"begin", f.position(span.begin).line},
                                                         {"end", f.position(span.end).line}}}};
}

llvm::json::Object Issue(std::string check, std::string text, std::string severity,
                         const std::string& category, const base::SourceSet* sources, base::Span span,
                         Fingerprints& fingerprints) {
  size_t newline = text.find('\n');
  std::string description = text.substr(0, newline);
  llvm::json::Object o{{"type", "issue"},
                       {"check_name", check},
                       {"description", description},
                       {"categories", llvm::json::Array{category}},
                       {"severity", std::move(severity)},
                       {"fingerprint", fingerprints.Next(check, sources, span, text)},
                       {"location", Location(sources, span)}};
  if (newline != std::string::npos) o["content"] = llvm::json::Object{{"body", text}};
  return o;
}

}  // namespace

std::string RenderCodeClimate(const RunReport& r) {
  llvm::json::Array issues;
  Fingerprints fingerprints;
  for (const std::string& e : r.load_errors) {
    issues.push_back(Issue("E0011", e, "blocker", "Bug Risk", nullptr, {}, fingerprints));
  }
  if (r.diagnostics) {
    for (const Diagnostic& d : r.diagnostics->items()) {
      std::string code(Info(d.code).name);
      issues.push_back(Issue(code, FlatMessage(d), IssueSeverity(d),
                             code.substr(0, 3) == "W05" ? "Security" : "Bug Risk", r.sources,
                             d.primary.span, fingerprints));
    }
  }
  for (const TestFailureReport& f : r.test_failures) {
    issues.push_back(Issue("stave-test", "test `" + f.test + "`: " + f.message, "major", "Bug Risk",
                           r.sources, f.span, fingerprints));
  }
  return JsonText(llvm::json::Value(std::move(issues)));
}

}  // namespace stave::diag
