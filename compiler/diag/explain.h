// Long explanations of diagnostic codes (`stave explain CODE`), written in
// compiler/diag/explanations/*.md and embedded at build time. The same
// text makes docs/diagnostics.md and the SARIF rules' help, so the three
// never drift.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "compiler/diag/code.h"

namespace stave::diag {

struct Explanation {
  std::string body;     // markdown, without the `## CODE` heading
  std::string example;  // the first ```policy block, or empty
  bool example_checked = true;  // false for ```text examples that cannot be one file
};

std::optional<Explanation> Explain(Code code);

// `stave explain CODE` as plain text for a terminal.
std::string ExplainText(Code code);

// docs/diagnostics.md: every code, grouped, with its explanation.
std::string Catalog();

}  // namespace stave::diag
