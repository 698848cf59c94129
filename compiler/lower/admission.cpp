// Pipelines (spec §5.3): `allow S to run P` becomes a Role with what
// starting and following P needs, and every namespace with `pipeline`
// declarations (a guarded namespace) gets one ValidatingAdmissionPolicy and
// binding whose CEL admits a PipelineRun only when the requesting user may
// run the Pipeline it references, with the serviceaccount declared for it.
//
// Updates that leave the Pipeline, the serviceaccount and the absence of an
// inline spec unchanged are admitted: they are the run's lifecycle (the
// Tekton controller's labels, a user's cancel), which RBAC already governs.
#include <algorithm>
#include <cctype>
#include <map>
#include <set>

#include <fmt/format.h>

#include "compiler/lower/lowering.h"

namespace stave::lower {
namespace {

using sema::Identity;

// A CEL string literal, single-quoted so that the YAML stays readable.
std::string Cel(const std::string& s) {
  std::string out = "'";
  for (char c : s) {
    switch (c) {
      case '\\': out += "\\\\"; break;
      case '\'': out += "\\'"; break;
      case '\n': out += "\\n"; break;
      case '\t': out += "\\t"; break;
      default: out += c;
    }
  }
  return out + "'";
}

std::string CelList(const std::vector<std::string>& items) {
  std::string out = "[";
  for (size_t i = 0; i < items.size(); ++i) out += (i ? ", " : "") + Cel(items[i]);
  return out + "]";
}

// A run rule as the admission message quotes it: rebuilt from the AST, so
// that layout and comments in the source never show in the output.
std::string RunRuleText(const syntax::Rule& rule) {
  std::string out = "allow ";
  for (size_t i = 0; i < rule.subjects.size(); ++i) {
    out += (i ? ", " : "") + rule.subjects[i].name.text();
  }
  out += " to run ";
  const auto& run = std::get<syntax::RunRule>(rule.target);
  for (size_t i = 0; i < run.pipelines.size(); ++i) out += (i ? ", " : "") + run.pipelines[i].text();
  return out;
}

struct PipelineRuns {
  const sema::Symbol* pipeline;
  std::set<Identity> callers;
  std::vector<std::string> rules;  // RuleText of each run rule naming it
  std::vector<base::Span> origins;
};

std::vector<CelVariable> Variables() {
  const std::string sa_v1 =
      "has(object.spec.taskRunTemplate) && has(object.spec.taskRunTemplate.serviceAccountName) ? "
      "object.spec.taskRunTemplate.serviceAccountName : 'default'";
  const std::string sa_v1beta1 =
      "has(object.spec.serviceAccountName) ? object.spec.serviceAccountName : 'default'";
  // The same expression over the object before an update.
  auto old = [](const std::string& e) {
    std::string out;
    for (size_t i = 0; i < e.size(); ++i) {
      bool word_start =
          i == 0 || !(std::isalnum(static_cast<unsigned char>(e[i - 1])) || e[i - 1] == '_');
      if (word_start && e.compare(i, 7, "object.") == 0) {
        out += "oldObject.";
        i += 6;
      } else {
        out += e[i];
      }
    }
    return out;
  };
  // A reference through a bundle or a resolver runs whatever that source
  // holds under the name, not the declared Pipeline: it names none.
  std::string pipeline =
      "has(object.spec.pipelineRef) && has(object.spec.pipelineRef.name) && "
      "!has(object.spec.pipelineRef.bundle) && !has(object.spec.pipelineRef.resolver) ? "
      "object.spec.pipelineRef.name : ''";
  std::string sa = "object.apiVersion == 'tekton.dev/v1beta1' ? (" + sa_v1beta1 + ") : (" + sa_v1 + ")";
  // Per-task accounts: spec.taskRunSpecs[].serviceAccountName (v1) and
  // .taskServiceAccountName (v1beta1) run one task as another account.
  std::string task_specs = "has(object.spec.taskRunSpecs) ? object.spec.taskRunSpecs : []";
  return {
      {"pipeline", pipeline},
      {"taskRunSpecs", task_specs},
      {"serviceAccount", sa},
      {"inline", "has(object.spec.pipelineSpec)"},
      {"user", "request.userInfo.username"},
      {"groups", "has(request.userInfo.groups) ? request.userInfo.groups : []"},
      {"unchanged",
       "request.operation == 'UPDATE' && (" + old(pipeline) + ") == variables.pipeline && (" +
           old(sa) + ") == variables.serviceAccount && " + old("has(object.spec.pipelineSpec)") +
           " == variables.inline && (" + old(task_specs) + ") == variables.taskRunSpecs"},
  };
}

AdmissionPolicy BuildPolicy(const std::string& ns, const std::vector<PipelineRuns>& pipelines,
                            const sema::Program& p) {
  AdmissionPolicy policy;
  policy.guarded_ns = ns;
  policy.variables = Variables();
  std::vector<std::string> names;
  for (const auto& pr : pipelines) names.push_back(pr.pipeline->k8s_name);
  std::string declared;
  for (const auto& n : names) declared += (declared.empty() ? "" : ", ") + n;
  policy.validations.push_back(
      {"variables.unchanged || !variables.inline",
       fmt::format("stave: PipelineRuns in namespace {} must reference a declared Pipeline by name; "
                   "an inline pipelineSpec is refused",
                   ns),
       ""});
  policy.validations.push_back(
      {"variables.unchanged || variables.pipeline in " + CelList(names),
       fmt::format("stave: only declared Pipelines may run in namespace {} ({})", ns, declared),
       fmt::format("variables.pipeline == '' ? 'stave: PipelineRuns in namespace {} must name a "
                   "declared Pipeline in pipelineRef.name (bundle and resolver references are "
                   "refused); declared: {}' : 'stave: Pipeline \"' + variables.pipeline + '\" is not "
                   "declared for namespace {}; declared: {}'",
                   ns, declared, ns, declared)});
  for (const auto& pr : pipelines) {
    const sema::Symbol& pl = *pr.pipeline;
    const std::string& sa = p.symbol(pl.pipeline().serviceaccount).k8s_name;
    std::string guard = "variables.unchanged || variables.pipeline != " + Cel(pl.k8s_name);
    policy.validations.push_back(
        {guard +
             " || variables.taskRunSpecs.all(t, (!has(t.serviceAccountName) || "
             "t.serviceAccountName == " + Cel(sa) + ") && (!has(t.taskServiceAccountName) || "
             "t.taskServiceAccountName == " + Cel(sa) + "))",
         fmt::format("stave: every task of Pipeline {} runs as serviceaccount {}; "
                     "spec.taskRunSpecs may not name another (pipeline {})",
                     pl.k8s_name, sa, pl.qualified()),
         "", pl.k8s_name});
    policy.validations.push_back(
        {guard + " || variables.serviceAccount == " + Cel(sa),
         fmt::format("stave: Pipeline {} runs only as serviceaccount {} (pipeline {})", pl.k8s_name,
                     sa, pl.qualified()),
         fmt::format("'stave: Pipeline {} must run as serviceaccount {}, not \"' + "
                     "variables.serviceAccount + '\" (declared by pipeline {})'",
                     pl.k8s_name, sa, pl.qualified()),
         pl.k8s_name});
    std::vector<std::string> users, groups;
    for (const Identity& id : pr.callers) {
      if (id.kind == Identity::Kind::Group) groups.push_back(id.name);
      else if (id.kind == Identity::Kind::User) users.push_back(id.name);
      else users.push_back(fmt::format("system:serviceaccount:{}:{}", id.ns, id.name));
    }
    std::sort(users.begin(), users.end());
    std::string callers;
    if (!users.empty()) callers += " || variables.user in " + CelList(users);
    if (!groups.empty()) callers += " || variables.groups.exists(g, g in " + CelList(groups) + ")";
    std::string rules;
    for (const auto& r : pr.rules) rules += (rules.empty() ? "" : "; ") + r;
    std::string why = rules.empty()
                          ? fmt::format("no `allow ... to run` rule names pipeline {}", pl.qualified())
                          : fmt::format("only the subjects of `{}` may", rules);
    policy.validations.push_back(
        {guard + callers,
         fmt::format("stave: not allowed to run Pipeline {}: {}", pl.k8s_name, why),
         fmt::format("'stave: ' + variables.user + ' may not run Pipeline {}: ' + {}", pl.k8s_name,
                     Cel(why)),
         pl.k8s_name});
  }
  return policy;
}

}  // namespace

void LowerPipelines(Lowering& l) {
  const sema::Program& p = l.program();
  // Guarded namespace (Kubernetes name) -> its pipelines, by Pipeline name.
  std::map<std::string, std::map<std::string, PipelineRuns>> guarded;
  std::map<const sema::Symbol*, PipelineRuns*> by_symbol;
  for (const sema::Symbol& s : p.symbols) {
    if (s.kind != sema::DeclKind::Pipeline || s.builtin) continue;
    const sema::PipelineInfo& info = s.pipeline();
    if (info.ns == sema::kNoSymbol || info.serviceaccount == sema::kNoSymbol) continue;
    PipelineRuns& pr = guarded[p.symbol(info.ns).k8s_name][s.k8s_name];
    pr.pipeline = &s;
    pr.origins.push_back(s.decl->span);
    by_symbol[&s] = &pr;
  }
  for (const sema::RunRule& rule : p.run_rules) {
    std::vector<Identity> callers;
    for (const sema::Principal& s : rule.subjects) {
      for (const Identity& id : sema::Identities(p, s.symbol)) callers.push_back(id);
    }
    for (sema::SymbolId id : rule.pipelines) {
      const sema::Symbol& pl = p.symbol(id);
      auto it = by_symbol.find(&pl);
      if (it == by_symbol.end()) continue;
      PipelineRuns& pr = *it->second;
      pr.callers.insert(callers.begin(), callers.end());
      pr.rules.push_back(RunRuleText(*rule.rule));
      pr.origins.push_back(rule.rule->span);

      std::string ns = p.symbol(pl.pipeline().ns).k8s_name;
      std::string name = "stave:run:" + pl.qualified();
      Object& role = l.Get(Kind::Role, ns, name);
      // The same for every run rule of this pipeline: made by the first.
      if (role.origins.empty()) {
        std::get<Role>(role.spec).set_rules(BuildPolicyRules(sema::RunGrants(pl.k8s_name)));
      }
      role.origins.push_back(rule.rule->span);
      Object& binding = l.Get(Kind::RoleBinding, ns, name);
      auto& b = std::get<RoleBinding>(binding.spec);
      b.role_kind = "Role";
      b.role_name = name;
      for (const Identity& c : callers) b.subjects.push_back(ToSubject(c));  // sorted in Finish
      binding.origins.push_back(rule.rule->span);
    }
  }
  for (auto& [ns, pipelines] : guarded) {
    std::vector<PipelineRuns> list;
    std::vector<base::Span> origins;
    for (auto& [name, pr] : pipelines) {
      std::sort(pr.rules.begin(), pr.rules.end());
      origins.insert(origins.end(), pr.origins.begin(), pr.origins.end());
      list.push_back(std::move(pr));  // by_symbol is not read again
    }
    std::string name = "stave-pipelines-" + ns;
    Object& policy = l.Get(Kind::ValidatingAdmissionPolicy, "", name);
    policy.spec = BuildPolicy(ns, list, p);
    policy.origins = origins;
    Object& binding = l.Get(Kind::ValidatingAdmissionPolicyBinding, "", name);
    binding.spec = AdmissionBinding{name, ns};
    binding.origins = origins;
  }
}

}  // namespace stave::lower
