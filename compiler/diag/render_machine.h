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

// One test block, passed or not (JUnit lists every test case).
struct TestCaseReport {
  std::string name;
  std::string location;  // path:line
  size_t expectations = 0;
};

// Where SARIF rules' helpUri points: docs/diagnostics.md as GitHub renders
// it, each code at its heading's anchor. A placeholder, as in docs/ci.md:
// `--docs-url` names where your organisation keeps the docs.
inline constexpr const char* kDefaultDocsUrl =
    "https://example.com/your-org/stave/blob/main/docs/diagnostics.md";

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
  std::vector<TestCaseReport> test_cases;
  std::string docs_url = kDefaultDocsUrl;
};

// A SARIF artifact URI for a path: relative paths stay relative (to the
// directory stave ran in, which CI makes the repository root); absolute
// ones become file URIs.
std::string SarifUri(const std::string& path);

std::string RenderJson(const RunReport& report);
std::string RenderSarif(const RunReport& report);
std::string RenderGithub(const RunReport& report);
std::string RenderJunit(const RunReport& report);
std::string RenderCodeClimate(const RunReport& report);

}  // namespace stave::diag
