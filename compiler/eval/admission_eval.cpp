// Evaluating ValidatingAdmissionPolicies over an admission request.
#include "compiler/eval/admission_eval.h"

namespace stave::eval {
namespace {

Value UserValue(const UserInfo& u) {
  Value::Map m{{"username", u.username}, {"uid", "stave-test"}};
  if (!u.groups.empty()) {
    Value::List groups(u.groups.begin(), u.groups.end());
    m["groups"] = groups;
  }
  return m;
}

}  // namespace

Value PipelineRunV1(const std::string& ns, const std::string& pipeline,
                    const std::string& serviceaccount) {
  return Value::Map{
      {"apiVersion", "tekton.dev/v1"},
      {"kind", "PipelineRun"},
      {"metadata", Value::Map{{"generateName", pipeline + "-run-"}, {"namespace", ns}}},
      {"spec", Value::Map{{"pipelineRef", Value::Map{{"name", pipeline}}},
                          {"taskRunTemplate", Value::Map{{"serviceAccountName", serviceaccount}}}}},
  };
}

AdmissionDecision Admit(const lower::Output& output, const AdmissionRequest& r) {
  AdmissionDecision decision;
  Value request = Value::Map{{"operation", r.operation},
                             {"namespace", r.ns},
                             {"userInfo", UserValue(r.user)}};
  for (const lower::Object& o : output.objects) {
    if (o.kind != lower::Kind::ValidatingAdmissionPolicy) continue;
    const auto& policy = std::get<lower::AdmissionPolicy>(o.spec);
    // matchConstraints: CREATE/UPDATE of pipelineruns in the guarded
    // namespace (selected by its kubernetes.io/metadata.name label).
    if (policy.guarded_ns != r.ns || (r.operation != "CREATE" && r.operation != "UPDATE")) continue;
    decision.matched = true;
    Value::Map bindings{{"object", r.object},
                        {"oldObject", r.old_object ? *r.old_object : Value()},
                        {"request", request},
                        {"variables", Value::Map{}}};
    for (const lower::CelVariable& v : policy.variables) {
      CelResult result = EvaluateCel(v.expression, bindings);
      // A failing variable fails the validations that use it; CEL keeps
      // going, and so do we, with the variable left unset.
      if (result.ok()) std::get<Value::Map>(bindings["variables"].v)[v.name] = *result.value;
    }
    for (size_t i = 0; i < policy.validations.size(); ++i) {
      const lower::CelValidation& v = policy.validations[i];
      CelResult result = EvaluateCel(v.expression, bindings);
      bool passed = result.ok() && result.value->v == Value(true).v;
      if (passed) continue;
      std::string message = v.message;
      if (!v.message_expression.empty()) {
        CelResult m = EvaluateCel(v.message_expression, bindings);
        if (m.ok() && std::holds_alternative<std::string>(m.value->v)) {
          message = std::get<std::string>(m.value->v);
        }
      }
      if (!result.ok()) message += " (evaluation error: " + result.error + ")";
      return {true, false, &o, i, message};
    }
  }
  return decision;
}

}  // namespace stave::eval
