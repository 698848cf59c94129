// Lowering (spec §8): a checked program to Kubernetes RBAC and Istio
// objects. Reports the notes and warnings that only lowering can see
// (precision lost, rules that can never match) and errors for names the
// targets would refuse.
#pragma once

#include <string>

#include "compiler/diag/diagnostic.h"
#include "compiler/lower/objects.h"
#include "compiler/sema/program.h"

namespace stave::lower {

struct LowerOptions {
  std::string trust_domain = "cluster.local";
  bool istio_dry_run = false;
  std::string access_log_provider = "envoy";  // --access-log-provider (spec §14)
  // Threads lowering may use: with two or more, a large program's mesh
  // objects are made on a second thread, and the API rules shared out
  // between both (lower.cpp). The pipeline sets it; the output is the same
  // either way.
  unsigned threads = 1;
};

Output Lower(const sema::Program& program, const LowerOptions& options, diag::DiagnosticList& diags);

}  // namespace stave::lower
