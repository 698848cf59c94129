// The admission evaluator may skip a validation that lowering marked as
// concerning one Pipeline (CelValidation::only_pipeline) for a PipelineRun
// of another: here every marked validation of a shared CI namespace's
// policy is evaluated in full for every other Pipeline, and must hold.
#include <catch2/catch.hpp>

#include "compiler/eval/admission_eval.h"
#include "compiler/eval/cel.h"
#include "test_util.h"

using namespace stave;

namespace {

const char* kShared = R"(package ci
namespace ci = "shared-ci"
group devs = "developers"
group ops = "operators"
serviceaccount builder = "builder" in ci
serviceaccount deployer = "deployer" in ci
pipeline build = "build" in ci { serviceaccount builder }
pipeline deploy = "deploy" in ci { serviceaccount deployer }
pipeline lint = "lint" in ci { serviceaccount builder }
allow devs to run build, lint
allow ops to run deploy
)";

// The policy's variables for a PipelineRun of `pipeline` as `sa`, by a user
// in no group, with `task_sa` (when not empty) on one task.
eval::Value Variables(const std::string& pipeline, const std::string& sa,
                      const std::string& task_sa = "") {
  eval::Value::List tasks;
  if (!task_sa.empty()) tasks.push_back(eval::Value::Map{{"serviceAccountName", task_sa}});
  return eval::Value::Map{{"pipeline", pipeline}, {"unchanged", false}, {"inline", false},
                          {"serviceAccount", sa}, {"taskRunSpecs", tasks},
                          {"user", "mallory"},    {"groups", eval::Value::List{}}};
}

}  // namespace

TEST_CASE("a validation marked for one Pipeline holds for every other", "[admission]") {
  auto c = testing::CompileFinishedText({{"ci.policy", kShared}});
  REQUIRE_FALSE(c->diagnostics.has_errors());
  size_t marked = 0;
  for (const lower::Object& o : c->output.objects) {
    if (o.kind != lower::Kind::ValidatingAdmissionPolicy) continue;
    const auto& policy = std::get<lower::AdmissionPolicy>(o.spec);
    for (const lower::CelValidation& v : policy.validations) {
      if (v.only_pipeline.empty()) continue;
      ++marked;
      for (const char* other : {"build", "deploy", "lint", "", "undeclared"}) {
        if (v.only_pipeline == other) continue;
        for (const char* sa : {"builder", "deployer", "default"}) {
          INFO(v.expression << " with pipeline " << other << " as " << sa);
          for (const char* task_sa : {"", "intruder"}) {
            eval::CelResult r =
                eval::EvaluateCel(v.expression, {{"variables", Variables(other, sa, task_sa)}});
            REQUIRE(r.ok());
            CHECK(r.value->v == eval::Value(true).v);
          }
        }
      }
      // And for its own Pipeline it is a real check: someone fails it.
      bool refuses_someone = false;
      for (const char* sa : {"builder", "deployer", "default"}) {
        eval::CelResult r = eval::EvaluateCel(
            v.expression, {{"variables", Variables(v.only_pipeline, sa, "intruder")}});
        refuses_someone = refuses_someone || (r.ok() && r.value->v == eval::Value(false).v);
      }
      CHECK(refuses_someone);
    }
  }
  CHECK(marked == 9);  // three validations for each of the three Pipelines
  // Skipping changes no decision: devs run build as builder, not deploy.
  eval::AdmissionIndex index(c->output);
  auto decide = [&](const std::string& user_group, const std::string& pipeline, const std::string& sa) {
    return index.Admit({eval::GroupMember(user_group), "shared-ci", "CREATE",
                        eval::PipelineRunV1("shared-ci", pipeline, sa), {}});
  };
  CHECK(decide("developers", "build", "builder").allowed);
  CHECK_FALSE(decide("developers", "deploy", "deployer").allowed);
  CHECK_FALSE(decide("developers", "build", "deployer").allowed);
  CHECK(decide("operators", "deploy", "deployer").allowed);
}
