// Who may do what, as rows of the shared access model (access.h) read off
// a program's lowered objects: RBAC grants (subject, verb, resource, name,
// namespace: the concrete grants ExpandRbac makes, as drift and import
// ask them), mesh admissions (source, workloads, namespace, operation, by
// policy rule), pipeline runs and what is audited. `stave diff` compares
// two sets of rows; each row remembers the source rules behind it.
#pragma once

#include <string>
#include <tuple>
#include <vector>

#include "compiler/lower/objects.h"
#include "compiler/sema/program.h"

namespace stave::access {

struct PermissionRow {
  std::string kind;     // "rbac", "mesh", "run"; "audit" for what is recorded (spec §14)
  std::string scope;    // namespace Kubernetes name, or "cluster"
  std::string subject;  // "group payments-devs", "serviceaccount ci/deployer", "anyone"
  std::string what;     // "update deployments.apps payments-api", "ALLOW call payments.api: GET /v1/*"
  std::vector<std::string> rules;  // "payments.policy:40: allow devs to view in prod"

  auto key() const { return std::tie(kind, scope, subject, what); }
};

// Sorted by kind, scope, subject, what; no duplicates.
std::vector<PermissionRow> Permissions(const sema::Program& program, const lower::Output& output);

}  // namespace stave::access
