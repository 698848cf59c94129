// The JSON report, built with llvm::json (keys print sorted, so output is
// deterministic).
#include <llvm/Support/JSON.h>

#include "compiler/diag/json_text.h"
#include "compiler/diag/render_machine.h"

namespace stave::diag {
namespace {

llvm::json::Object Position(const base::LineCol& lc) {
  return llvm::json::Object{{"line", lc.line}, {"column", lc.column}};
}

// A location as file + range; nothing for a span without a file.
void AddLocation(llvm::json::Object& o, const base::SourceSet& sources, base::Span span) {
  if (!span.valid()) return;
  const base::SourceFile& f = sources.file(span.file);
  o["file"] = f.path();
  o["range"] = llvm::json::Object{{"start", Position(f.position(span.begin))},
                                  {"end", Position(f.position(span.end))}};
}

llvm::json::Value DiagnosticJson(const Diagnostic& d, const base::SourceSet& sources) {
  llvm::json::Object o{{"code", std::string(Info(d.code).name)},
                       {"severity", std::string(SeverityName(d.severity))},
                       {"message", d.message}};
  AddLocation(o, sources, d.primary.span);
  if (!d.primary.message.empty()) o["label"] = d.primary.message;
  llvm::json::Array labels, notes, help, fixes;
  for (const Label& l : d.secondary) {
    llvm::json::Object lo{{"message", l.message}};
    AddLocation(lo, sources, l.span);
    labels.push_back(std::move(lo));
  }
  for (const Note& n : d.notes) {
    llvm::json::Object no{{"message", n.message}};
    AddLocation(no, sources, n.span);
    notes.push_back(std::move(no));
  }
  for (const std::string& h : d.help) help.push_back(h);
  for (const FixIt& f : d.fixits) {
    llvm::json::Object fo{{"replacement", f.replacement}};
    AddLocation(fo, sources, f.span);
    fixes.push_back(std::move(fo));
  }
  o["labels"] = std::move(labels);
  o["notes"] = std::move(notes);
  o["help"] = std::move(help);
  o["fixes"] = std::move(fixes);
  return o;
}

}  // namespace

std::string RenderJson(const RunReport& r) {
  llvm::json::Array diagnostics;
  size_t errors = 0, warnings = 0, notes = 0;
  for (const std::string& e : r.load_errors) {
    diagnostics.push_back(llvm::json::Object{{"code", "E0011"}, {"severity", "error"},
                                             {"message", e}, {"labels", llvm::json::Array{}},
                                             {"notes", llvm::json::Array{}},
                                             {"help", llvm::json::Array{}},
                                             {"fixes", llvm::json::Array{}}});
    ++errors;
  }
  if (r.diagnostics) {
    for (const Diagnostic& d : r.diagnostics->items()) {
      diagnostics.push_back(DiagnosticJson(d, *r.sources));
      errors += d.severity == Severity::Error;
      warnings += d.severity == Severity::Warning;
      notes += d.severity == Severity::Note;
    }
  }
  llvm::json::Object root{
      {"format", "stave-diagnostics"},
      {"version", 1},
      {"tool", llvm::json::Object{{"name", "stave"}, {"version", r.tool_version}}},
      {"command", r.command},
      {"columns", "unicodeCodePoints"},
      {"summary", llvm::json::Object{{"errors", errors}, {"warnings", warnings}, {"notes", notes}}},
      {"diagnostics", std::move(diagnostics)},
  };
  if (r.has_tests) {
    llvm::json::Array failures;
    for (const TestFailureReport& f : r.test_failures) {
      llvm::json::Object fo{{"test", f.test}, {"message", f.message}};
      AddLocation(fo, *r.sources, f.span);
      failures.push_back(std::move(fo));
    }
    root["tests"] = llvm::json::Object{{"passed", r.tests_passed},
                                       {"failed", r.tests_failed},
                                       {"failures", std::move(failures)}};
  }
  return JsonText(std::move(root));
}

}  // namespace stave::diag
