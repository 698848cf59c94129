// Conversion of one compiler diagnostic to its LSP form (diagnostics.h).
#include "compiler/lsp/diagnostics.h"

namespace stave::lsp {
namespace {

int SeverityOf(diag::Severity s) {
  switch (s) {
    case diag::Severity::Error: return 1;
    case diag::Severity::Warning: return 2;
    case diag::Severity::Note: return 3;
  }
  return 1;
}

}  // namespace

Diagnostic ToLspDiagnostic(const diag::Diagnostic& d, const Analysis& analysis,
                           const UriOfFile& uri_of) {
  Diagnostic out;
  out.range = analysis.ToRange(d.primary.span);
  out.severity = SeverityOf(d.severity);
  out.code = std::string(diag::Info(d.code).name);
  out.message = d.message;
  // Notes without a place and help lines read as in the human format;
  // located notes and secondary labels become related information, which
  // editors show as links.
  for (const diag::Note& note : d.notes) {
    if (!note.span.valid()) out.message += "\nnote: " + note.message;
  }
  for (const std::string& help : d.help) out.message += "\nhelp: " + help;
  auto related = [&](base::Span span, const std::string& message) {
    if (!span.valid() || span.file >= analysis.sources().size()) return;
    std::optional<std::string> uri = uri_of(span.file);
    if (!uri) return;  // in the embedded std files: no URI to point at
    out.relatedInformation.push_back({Location{*uri, analysis.ToRange(span)}, message});
  };
  // The primary label says what is wrong right there ("expected a group");
  // LSP has no field for it, and it is too useful to drop.
  if (!d.primary.message.empty()) related(d.primary.span, d.primary.message);
  for (const diag::Label& label : d.secondary) related(label.span, label.message);
  for (const diag::Note& note : d.notes) {
    if (note.span.valid()) related(note.span, note.message);
  }
  if (d.code == diag::Code::W0101) out.tags.push_back(1);  // an unused import: fade it
  return out;
}

}  // namespace stave::lsp
