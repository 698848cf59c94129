// Admission of a PipelineRun by the ValidatingAdmissionPolicies stave
// emits: matchConstraints select the request, the policy's variables are
// evaluated in order, and any validation that is false or fails refuses it
// (failurePolicy: Fail), with the validation's message.
#pragma once

#include <optional>
#include <string>

#include "compiler/eval/cel.h"
#include "compiler/eval/rbac_eval.h"
#include "compiler/lower/objects.h"

namespace stave::eval {

struct AdmissionRequest {
  UserInfo user;
  std::string ns;
  std::string operation = "CREATE";
  Value object;                    // the PipelineRun manifest
  std::optional<Value> old_object;  // for UPDATE
};

struct AdmissionDecision {
  bool matched = false;  // some policy applied to the request
  bool allowed = true;
  const lower::Object* policy = nullptr;
  size_t validation = 0;
  std::string message;
};

AdmissionDecision Admit(const lower::Output& output, const AdmissionRequest& request);

// A tekton.dev/v1 PipelineRun referencing `pipeline`, running as
// `serviceaccount` (spec.taskRunTemplate.serviceAccountName).
Value PipelineRunV1(const std::string& ns, const std::string& pipeline,
                    const std::string& serviceaccount);

}  // namespace stave::eval
