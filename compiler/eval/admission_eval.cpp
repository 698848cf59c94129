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

AdmissionIndex::AdmissionIndex(const lower::Output& output) {
  for (const lower::Object& o : output.objects) {
    if (o.kind != lower::Kind::ValidatingAdmissionPolicy) continue;
    const auto& policy = std::get<lower::AdmissionPolicy>(o.spec);
    Guard guard{&o, {}, {}, {}};
    for (const lower::CelVariable& v : policy.variables) guard.variables.emplace_back(v.expression);
    for (const lower::CelValidation& v : policy.validations) {
      guard.validations.emplace_back(v.expression);
      guard.messages.emplace_back(v.message_expression);
    }
    by_ns_[policy.guarded_ns].push_back(std::move(guard));
  }
}

AdmissionDecision Admit(const lower::Output& output, const AdmissionRequest& request) {
  return AdmissionIndex(output).Admit(request);
}

AdmissionDecision AdmissionIndex::Admit(const AdmissionRequest& r) const {
  AdmissionDecision decision;
  // matchConstraints: CREATE/UPDATE of pipelineruns in the guarded
  // namespace (selected by its kubernetes.io/metadata.name label).
  auto guarding = by_ns_.find(r.ns);
  if (guarding == by_ns_.end() || (r.operation != "CREATE" && r.operation != "UPDATE")) return decision;
  Value request = Value::Map{{"operation", r.operation},
                             {"namespace", r.ns},
                             {"userInfo", UserValue(r.user)}};
  for (const Guard& guard : guarding->second) {
    const auto& policy = std::get<lower::AdmissionPolicy>(guard.object->spec);
    decision.matched = true;
    Value::Map bindings{{"object", r.object},
                        {"oldObject", r.old_object ? *r.old_object : Value()},
                        {"request", request},
                        {"variables", Value::Map{}}};
    for (size_t i = 0; i < policy.variables.size(); ++i) {
      CelResult result = guard.variables[i].Evaluate(bindings);
      // A failing variable fails the validations that use it; CEL keeps
      // going, and so do we, with the variable left unset.
      if (result.ok()) {
        std::get<Value::Map>(bindings["variables"].v)[policy.variables[i].name] = *result.value;
      }
    }
    // The request's Pipeline, when its variable is a string: validations
    // about another Pipeline hold without being evaluated (only_pipeline).
    const Value::Map& vars = std::get<Value::Map>(bindings["variables"].v);
    const std::string* pipeline = nullptr;
    if (auto it = vars.find("pipeline"); it != vars.end()) pipeline = std::get_if<std::string>(&it->second.v);
    for (size_t i = 0; i < policy.validations.size(); ++i) {
      const lower::CelValidation& v = policy.validations[i];
      if (pipeline && !v.only_pipeline.empty() && v.only_pipeline != *pipeline) continue;
      CelResult result = guard.validations[i].Evaluate(bindings);
      bool passed = result.ok() && result.value->v == Value(true).v;
      if (passed) continue;
      std::string message = v.message;
      if (!v.message_expression.empty()) {
        CelResult m = guard.messages[i].Evaluate(bindings);
        if (m.ok() && std::holds_alternative<std::string>(m.value->v)) {
          message = std::get<std::string>(m.value->v);
        }
      }
      if (!result.ok()) message += " (evaluation error: " + result.error + ")";
      return {true, false, guard.object, i, message};
    }
  }
  return decision;
}

}  // namespace stave::eval
