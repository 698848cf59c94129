// Admission of a PipelineRun by the ValidatingAdmissionPolicies stave
// emits: matchConstraints select the request, the policy's variables are
// evaluated in order, and any validation that is false or fails refuses it
// (failurePolicy: Fail), with the validation's message.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

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

// The ValidatingAdmissionPolicies of an output by the namespace they
// guard, in output order: `stave test` asks about a PipelineRun per run
// expectation, and scanning every object for each one grew with the
// square of the repository.
class AdmissionIndex {
 public:
  explicit AdmissionIndex(const lower::Output& output);
  AdmissionDecision Admit(const AdmissionRequest& request) const;

 private:
  // A policy with its expressions found once (CompiledCel).
  struct Guard {
    const lower::Object* object;
    std::vector<CompiledCel> variables, validations, messages;
  };
  std::map<std::string, std::vector<Guard>, std::less<>> by_ns_;
};

// One request: AdmissionIndex(output).Admit(request).
AdmissionDecision Admit(const lower::Output& output, const AdmissionRequest& request);

// A tekton.dev/v1 PipelineRun referencing `pipeline`, running as
// `serviceaccount` (spec.taskRunTemplate.serviceAccountName).
Value PipelineRunV1(const std::string& ns, const std::string& pipeline,
                    const std::string& serviceaccount);

}  // namespace stave::eval
