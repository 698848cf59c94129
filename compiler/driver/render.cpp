// Human rendering of a diagnostic list for the terminal.
#include "compiler/driver/render.h"

#include <unistd.h>

#include <cstdlib>
#include <string>

#include <fmt/format.h>

#include "compiler/diag/render_human.h"

namespace stave::driver {

bool UseColor(ColorMode mode, FILE* stream) {
  if (mode != ColorMode::Auto) return mode == ColorMode::Always;
  if (std::getenv("NO_COLOR") != nullptr) return false;
  const char* term = std::getenv("TERM");
  if (term != nullptr && std::string(term) == "dumb") return false;
  return isatty(fileno(stream)) != 0;
}

int ExitCodeFor(const diag::DiagnosticList& list, const Options& options) {
  if (list.has_errors()) return 1;
  if (options.warnings_as_errors && list.warning_count() > 0) return 1;
  return 0;
}

void PrintLoadErrors(const std::vector<std::string>& errors, const Options& options, FILE* out) {
  bool color = UseColor(options.color, out);
  for (const std::string& e : errors) {
    fmt::print(out, "{}: {}\n", color ? "\x1b[1;31merror[E0011]\x1b[0m" : "error[E0011]", e);
  }
}

void PrintDiagnostics(const diag::DiagnosticList& list, const base::SourceSet& sources,
                      const Options& options, FILE* out) {
  diag::HumanStyle style{UseColor(options.color, out)};
  for (const diag::Diagnostic& d : list.items()) {
    std::string text = diag::RenderHuman(d, sources, style);
    fmt::print(out, "{}\n", text);
  }
  size_t errors = list.error_count();
  size_t warnings = list.warning_count();
  if (errors == 0 && warnings == 0) return;
  auto plural = [](size_t n, const char* word) {
    return fmt::format("{} {}{}", n, word, n == 1 ? "" : "s");
  };
  std::string summary;
  if (errors > 0) summary = plural(errors, "error");
  if (warnings > 0) summary += (summary.empty() ? "" : ", ") + plural(warnings, "warning");
  bool failed = errors > 0 || (options.warnings_as_errors && warnings > 0);
  fmt::print(out, "{}: {}{}\n", failed ? "failed" : "passed", summary,
             errors == 0 && failed ? " (-W error)" : "");
}

}  // namespace stave::driver
