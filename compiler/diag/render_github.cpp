// GitHub Actions workflow commands: `::error file=…,line=…,col=…,endLine=…,
// endColumn=…,title=…::message`, escaped as the runner requires (`%`, CR
// and LF everywhere; `:` and `,` too in properties).
#include <fmt/format.h>

#include "compiler/diag/machine_text.h"
#include "compiler/diag/render_machine.h"

namespace stave::diag {
namespace {

std::string EscapeData(const std::string& s) {
  std::string out;
  for (char c : s) {
    if (c == '%') out += "%25";
    else if (c == '\r') out += "%0D";
    else if (c == '\n') out += "%0A";
    else out += c;
  }
  return out;
}

std::string EscapeProperty(const std::string& s) {
  std::string out;
  for (char c : EscapeData(s)) {
    if (c == ':') out += "%3A";
    else if (c == ',') out += "%2C";
    else out += c;
  }
  return out;
}

const char* Command(Severity s) {
  switch (s) {
    case Severity::Error: return "error";
    case Severity::Warning: return "warning";
    case Severity::Note: return "notice";
  }
  return "error";
}

std::string Line(const char* command, const base::SourceSet* sources, base::Span span,
                 const std::string& title, const std::string& message) {
  std::string props;
  if (sources != nullptr && span.valid()) {
    const base::SourceFile& f = sources->file(span.file);
    base::LineCol b = f.position(span.begin), e = f.position(span.end);
    props = fmt::format("file={},line={},col={},endLine={},endColumn={},", EscapeProperty(f.path()),
                        b.line, b.column, e.line, e.column);
  }
  props += "title=" + EscapeProperty(title);
  return fmt::format("::{} {}::{}\n", command, props, EscapeData(message));
}

}  // namespace

std::string RenderGithub(const RunReport& r) {
  std::string out;
  for (const std::string& e : r.load_errors) out += Line("error", nullptr, {}, "stave E0011", e);
  if (r.diagnostics) {
    for (const Diagnostic& d : r.diagnostics->items()) {
      out += Line(Command(d.severity), r.sources, d.primary.span,
                  fmt::format("stave {}", Info(d.code).name), FlatMessage(d));
    }
  }
  for (const TestFailureReport& f : r.test_failures) {
    out += Line("error", r.sources, f.span, "stave test: " + f.test, f.message);
  }
  return out;
}

}  // namespace stave::diag
