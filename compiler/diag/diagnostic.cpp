// Building and ordering diagnostics.
#include "compiler/diag/diagnostic.h"

#include <algorithm>
#include <tuple>

namespace stave::diag {

Diagnostic& Diagnostic::label(base::Span span, std::string text) {
  secondary.push_back({span, std::move(text)});
  return *this;
}

Diagnostic& Diagnostic::note(std::string text, base::Span span) {
  notes.push_back({std::move(text), span});
  return *this;
}

Diagnostic& Diagnostic::with_help(std::string text) {
  help.push_back(std::move(text));
  return *this;
}

Diagnostic& Diagnostic::fix(base::Span span, std::string replacement) {
  fixits.push_back({span, std::move(replacement)});
  return *this;
}

Diagnostic& DiagnosticList::report(Code code, base::Span span, std::string message,
                                   std::string label) {
  Diagnostic d;
  d.code = code;
  d.severity = Info(code).severity;
  d.message = std::move(message);
  d.primary = {span, std::move(label)};
  items_.push_back(std::move(d));
  return items_.back();
}

void DiagnosticList::append(const DiagnosticList& other) {
  items_.insert(items_.end(), other.items_.begin(), other.items_.end());
}

size_t DiagnosticList::error_count() const {
  return std::count_if(items_.begin(), items_.end(),
                       [](const Diagnostic& d) { return d.severity == Severity::Error; });
}

size_t DiagnosticList::warning_count() const {
  return std::count_if(items_.begin(), items_.end(),
                       [](const Diagnostic& d) { return d.severity == Severity::Warning; });
}

void DiagnosticList::sort() {
  auto key = [](const Diagnostic& d) {
    return std::make_tuple(d.primary.span.file, d.primary.span.begin, d.code,
                           d.primary.span.end, std::string_view(d.message));
  };
  std::stable_sort(items_.begin(), items_.end(),
                   [&](const Diagnostic& a, const Diagnostic& b) { return key(a) < key(b); });
  items_.erase(std::unique(items_.begin(), items_.end(),
                           [&](const Diagnostic& a, const Diagnostic& b) {
                             return key(a) == key(b);
                           }),
               items_.end());
}

}  // namespace stave::diag
