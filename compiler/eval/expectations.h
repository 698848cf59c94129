// `stave test`: runs every test block (spec §6) against the lowered
// objects with the RBAC, Istio and admission evaluators, never against
// the source, so a test checks the compiler's output end to end.
#pragma once

#include <string>
#include <vector>

#include <llvm/ADT/STLFunctionalExtras.h>

#include "compiler/eval/istio_eval.h"
#include "compiler/eval/rbac_eval.h"
#include "compiler/lower/objects.h"
#include "compiler/sema/program.h"

namespace stave::eval {

// What a resolved target asks (spec §6), for `stave test` and who-can
// alike: each asks it for its own subjects.

// The RBAC requests of an API target (Verb or Action form), without their
// user: the verb on the resource (and object), or every permission of the
// action, each named verb on each of the app's objects and the unnamed
// verbs without a name.
std::vector<RbacRequest> ApiRequests(const sema::Program& p, const sema::Expectation& target);

// A caller of a Call target: its mTLS identity (`TD/ns/NS/sa/NAME`; empty
// for plaintext), its namespace, and the token it presents.
struct MeshCaller {
  std::string principal, ns;
  std::optional<Token> token;
};

// The request of a Call target before a caller and namespace are filled
// in: the app's labels, the port (else its first HTTP port, else its first
// port) and, over HTTP, method (GET), path (`/`), host and headers.
MeshRequest CallRequest(const sema::Program& p, const sema::Expectation& target);

// Every call a Call target names: each of `callers` in each namespace of
// the target (its `in`, else the app's), decided by the mesh (its audit
// path for `expect audited`). `decided` gets the index of the caller.
void AskCalls(const sema::Program& p, MeshAuthorizer& mesh, const sema::Expectation& target,
              const std::vector<MeshCaller>& callers,
              llvm::function_ref<void(size_t caller, const MeshRequest&, const MeshDecision&)> decided);

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
