// JUnit XML as GitLab (artifacts:reports:junit) and Jenkins (the junit
// step) read it: <testsuites> with one <testsuite>, one <testcase> per test
// block, a <failure> per failing test carrying each failed expectation.
// A program that does not compile is one failing case per error, so the
// report says why no test ran.
#include <fmt/format.h>

#include <map>

#include "compiler/diag/machine_text.h"
#include "compiler/diag/render_machine.h"

namespace stave::diag {
namespace {

// XML 1.0 text and attribute values: the five entities, line breaks kept
// as character references in attributes, other control characters dropped
// (XML 1.0 cannot carry them at all).
std::string Xml(std::string_view s, bool attribute) {
  std::string out;
  for (unsigned char c : s) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += attribute ? "&quot;" : "\""; break;
      case '\n': out += attribute ? "&#10;" : "\n"; break;
      case '\t': out += attribute ? "&#9;" : "\t"; break;
      case '\r': out += "&#13;"; break;
      default:
        if (c >= 0x20) out += static_cast<char>(c);
    }
  }
  return out;
}

struct Case {
  std::string name, classname, file;
  int line = 0;
  std::vector<std::string> failures;
  bool error = false;  // <error>: the case could not run; else <failure>
};

// "payments.policy:12" -> file and line.
void SplitLocation(const std::string& location, Case& c) {
  size_t colon = location.rfind(':');
  c.file = colon == std::string::npos ? location : location.substr(0, colon);
  if (colon != std::string::npos) c.line = std::atoi(location.c_str() + colon + 1);
  c.classname = c.file;
}

std::string CaseXml(const Case& c) {
  std::string out = fmt::format("    <testcase name=\"{}\" classname=\"{}\"", Xml(c.name, true),
                                Xml(c.classname, true));
  if (!c.file.empty()) out += fmt::format(" file=\"{}\"", Xml(c.file, true));
  if (c.line > 0) out += fmt::format(" line=\"{}\"", c.line);
  if (c.failures.empty()) return out + "/>\n";
  out += ">\n";
  std::string body;
  for (const std::string& f : c.failures) body += f + "\n";
  const char* tag = c.error ? "error" : "failure";
  out += fmt::format("      <{} message=\"{}\" type=\"{}\">{}</{}>\n", tag,
                     Xml(c.failures.front().substr(0, c.failures.front().find('\n')), true),
                     c.error ? "compile" : "expectation", Xml(body, false), tag);
  return out + "    </testcase>\n";
}

}  // namespace

std::string RenderJunit(const RunReport& r) {
  std::vector<Case> cases;
  for (const std::string& e : r.load_errors) cases.push_back({"load", "stave", "", 0, {e}, true});
  if (r.diagnostics) {
    for (const Diagnostic& d : r.diagnostics->items()) {
      if (d.severity != Severity::Error) continue;
      Case c{fmt::format("{} {}", Info(d.code).name, d.message), "stave", "", 0, {FlatMessage(d)}, true};
      if (r.sources != nullptr && d.primary.span.valid()) {
        const base::SourceFile& f = r.sources->file(d.primary.span.file);
        c.classname = c.file = f.path();
        c.line = static_cast<int>(f.position(d.primary.span.begin).line);
      }
      cases.push_back(std::move(c));
    }
  }
  std::map<std::string, std::vector<std::string>> failures;
  for (const TestFailureReport& f : r.test_failures) failures[f.test].push_back(f.message);
  for (const TestCaseReport& t : r.test_cases) {
    Case c{t.name, "", "", 0, failures[t.name], false};
    SplitLocation(t.location, c);
    cases.push_back(std::move(c));
  }
  size_t failed = 0, errors = 0;
  for (const Case& c : cases) {
    if (!c.failures.empty()) ++(c.error ? errors : failed);
  }
  std::string body;
  for (const Case& c : cases) body += CaseXml(c);
  return fmt::format(
      "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
      "<testsuites name=\"stave test\" tests=\"{0}\" failures=\"{1}\" errors=\"{2}\">\n"
      "  <testsuite name=\"stave\" tests=\"{0}\" failures=\"{1}\" errors=\"{2}\" skipped=\"0\">\n"
      "{3}  </testsuite>\n</testsuites>\n",
      cases.size(), failed, errors, body);
}

}  // namespace stave::diag
