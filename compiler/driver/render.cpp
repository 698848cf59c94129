// Diagnostics for the terminal and for machines.
#include "compiler/driver/render.h"

#include <unistd.h>

#include <cstdlib>
#include <cstdio>
#include <string>

#include <fmt/format.h>

#include "compiler/base/version.h"
#include "compiler/diag/render_human.h"


namespace stave::driver {
namespace {

void PrintMachine(const diag::RunReport& report, const Options& options, FILE* out) {
  switch (options.format) {
    case Format::Json: fmt::print(out, "{}", diag::RenderJson(report)); break;
    case Format::Sarif: fmt::print(out, "{}", diag::RenderSarif(report)); break;
    case Format::Github: fmt::print(out, "{}", diag::RenderGithub(report)); break;
    case Format::Junit: fmt::print(out, "{}", diag::RenderJunit(report)); break;
    case Format::Codeclimate: fmt::print(out, "{}", diag::RenderCodeClimate(report)); break;
    case Format::Human:
    case Format::Markdown: break;
  }
}

std::string Plural(size_t n, const char* word) {
  return fmt::format("{} {}{}", n, word, n == 1 ? "" : "s");
}

}  // namespace

void PrintSuccessSummary(std::string_view done, const base::SourceSet& sources, size_t objects,
                         const diag::DiagnosticList& list, const Options& options,
                         std::string_view where) {
  if (options.format != Format::Human) return;
  size_t files = 0;
  for (size_t i = 0; i < sources.size(); ++i) {
    files += !sources.file(static_cast<base::FileId>(i)).is_builtin();
  }
  size_t warnings = list.warning_count(), notes = list.items().size() - warnings - list.error_count();
  std::string tail = warnings == 0 ? "no warnings" : Plural(warnings, "warning");
  if (notes > 0) tail += ", " + Plural(notes, "note");
  fmt::print(stderr, "{} {}: {}{}, {}\n", done, Plural(files, "file"), Plural(objects, "object"),
             where, tail);
}

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

FILE* MachineStream(const Options& options, bool stdout_taken) {
  (void)options;
  return stdout_taken ? stderr : stdout;
}

void PrintLoadErrors(const std::vector<std::string>& errors, const Options& options, FILE* machine) {
  if (options.format != Format::Human) {
    diag::RunReport report;
    report.command = options.command;
    report.tool_version = stave::base::kVersion;
    if (!options.docs_url.empty()) report.docs_url = options.docs_url;
    report.load_errors = errors;
    PrintMachine(report, options, machine);
    return;
  }
  bool color = UseColor(options.color, stderr);
  for (const std::string& e : errors) {
    fmt::print(stderr, "{}: {}\n", color ? "\x1b[1;31merror[E0011]\x1b[0m" : "error[E0011]", e);
  }
}

void PrintDiagnostics(const diag::DiagnosticList& list, const base::SourceSet& sources,
                      const Options& options, FILE* machine, const diag::RunReport* tests,
                      SuccessLine success) {
  if (options.format != Format::Human) {
    diag::RunReport report = tests ? *tests : diag::RunReport{};
    report.command = options.command;
    report.tool_version = stave::base::kVersion;
    if (!options.docs_url.empty()) report.docs_url = options.docs_url;
    report.diagnostics = &list;
    report.sources = &sources;
    PrintMachine(report, options, machine);
    return;
  }
  FILE* out = stderr;
  diag::HumanStyle style{UseColor(options.color, out)};
  // stderr is unbuffered: a write per diagnostic was most of reporting the
  // dense shape's 18k notes. Written in blocks instead, in the same order.
  constexpr size_t kBlock = 64 << 10;
  std::string block;
  for (const diag::Diagnostic& d : list.items()) {
    block += diag::RenderHuman(d, sources, style);
    block += '\n';
    if (block.size() >= kBlock) {
      std::fwrite(block.data(), 1, block.size(), out);
      block.clear();
    }
  }
  std::fwrite(block.data(), 1, block.size(), out);
  size_t errors = list.error_count();
  size_t warnings = list.warning_count();
  if (errors == 0 && warnings == 0) return;
  std::string summary;
  if (errors > 0) summary = Plural(errors, "error");
  if (warnings > 0) summary += (summary.empty() ? "" : ", ") + Plural(warnings, "warning");
  bool failed = errors > 0 || (options.warnings_as_errors && warnings > 0);
  if (!failed && success == SuccessLine::Caller) return;
  fmt::print(out, "{}: {}{}\n", failed ? "failed" : "passed", summary,
             errors == 0 && failed ? " (-W error)" : "");
}

void PrintLoadNotes(const std::vector<std::string>& notes, const Options& options) {
  if (options.format != Format::Human || notes.empty()) return;
  constexpr size_t kMaxNotes = 20;
  bool color = UseColor(options.color, stderr);
  const char* tag = color ? "\x1b[1;32mnote\x1b[0m" : "note";
  for (size_t i = 0; i < notes.size() && i < kMaxNotes; ++i) fmt::print(stderr, "{}: {}\n", tag, notes[i]);
  if (notes.size() > kMaxNotes) {
    fmt::print(stderr, "{}: and {} more entries skipped\n", tag, notes.size() - kMaxNotes);
  }
}

}  // namespace stave::driver
