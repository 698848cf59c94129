// `stave test`: runs every test block (spec §6) against the lowered
// objects with the RBAC, Istio and admission evaluators, never against
// the source, so a test checks the compiler's output end to end.
#pragma once

#include <string>
#include <vector>

#include "compiler/lower/objects.h"
#include "compiler/sema/program.h"

namespace stave::eval {

// One request of an expectation that did not come out as expected.
struct Failure {
  std::string expectation;  // the expectation as written
  std::string location;     // path:line
  base::Span span;          // the expectation
  std::string request;      // "group `payments-devs` update deployments/payments-api in payments-prod"
  std::string decided;      // "allowed by RoleBinding …" / "denied: …"
};

struct TestResult {
  std::string name;
  std::string location;
  size_t expectations = 0;
  std::vector<Failure> failures;
  bool passed() const { return failures.empty(); }
};

std::vector<TestResult> RunTests(const sema::Program& program, const lower::Output& output,
                                 const std::string& trust_domain);

}  // namespace stave::eval
