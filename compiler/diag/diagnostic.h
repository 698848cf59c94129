// The one Diagnostic type every stage reports with, and the list that
// collects them. Stages never print; the driver renders.
#pragma once

#include <string>
#include <vector>

#include "compiler/base/span.h"
#include "compiler/diag/code.h"

namespace stave::diag {

struct Label {
  base::Span span;
  std::string message;
  friend bool operator==(const Label&, const Label&) = default;
};

// A note may point somewhere ("first declared here") or just say something.
struct Note {
  std::string message;
  base::Span span;  // invalid when the note has no location
  friend bool operator==(const Note&, const Note&) = default;
};

// A suggested edit, offered by the language server as a quick fix.
struct FixIt {
  base::Span span;
  std::string replacement;
  friend bool operator==(const FixIt&, const FixIt&) = default;
};

struct Diagnostic {
  Code code;
  Severity severity;
  std::string message;
  Label primary;
  std::vector<Label> secondary;
  std::vector<Note> notes;
  std::vector<std::string> help;
  std::vector<FixIt> fixits;

  Diagnostic& label(base::Span span, std::string message);
  Diagnostic& note(std::string message, base::Span span = {});
  Diagnostic& with_help(std::string text);
  Diagnostic& fix(base::Span span, std::string replacement);
  // Field by field: the language server publishes a file again only when
  // its diagnostics differ.
  friend bool operator==(const Diagnostic&, const Diagnostic&) = default;
};

class DiagnosticList {
 public:
  // Starts a diagnostic with the code's registry severity.
  Diagnostic& report(Code code, base::Span span, std::string message,
                     std::string label = {});
  void append(const DiagnosticList& other);
  void append(Diagnostic d) { items_.push_back(std::move(d)); }

  const std::vector<Diagnostic>& items() const { return items_; }
  std::vector<Diagnostic>& items() { return items_; }
  size_t error_count() const;
  size_t warning_count() const;
  bool has_errors() const { return error_count() > 0; }
  // Orders by file, offset, code (spec: deterministic output) and drops
  // exact duplicates.
  void sort();

 private:
  std::vector<Diagnostic> items_;
};

}  // namespace stave::diag
