// Machine-readable diagnostics (spec §10 `--format`): one JSON document per
// run (docs/ci.md documents it, version 1), SARIF 2.1.0 for code scanning,
// and GitHub Actions workflow commands. Lines and columns are 1-based;
// columns count Unicode code points (SARIF says so with `columnKind`).
#pragma once

#include <string>
#include <vector>

#include "compiler/base/source.h"
#include "compiler/diag/diagnostic.h"

namespace stave::diag {

// A failed `stave test` expectation, reported next to diagnostics.
struct TestFailureReport {
  std::string test;
  base::Span span;  // the expectation
  std::string message;
};

struct RunReport {
  std::string command;  // check, build, test
  std::string tool_version;
  const DiagnosticList* diagnostics = nullptr;
  const base::SourceSet* sources = nullptr;
  std::vector<std::string> load_errors;  // E0011: no source to point at
  // `stave test` only:
  bool has_tests = false;
  size_t tests_passed = 0, tests_failed = 0;
  std::vector<TestFailureReport> test_failures;
};

std::string RenderJson(const RunReport& report);
std::string RenderSarif(const RunReport& report);
std::string RenderGithub(const RunReport& report);

}  // namespace stave::diag
