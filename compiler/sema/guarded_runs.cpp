// W0405: a grant to create PipelineRuns in a guarded namespace (spec §5.3)
// to a subject that no `run` rule names there. The admission policy admits
// a PipelineRun only when its creator may run the Pipeline, so every
// PipelineRun such a subject creates is refused: the typical case is an
// EventListener given std's `trigger` without a run rule for its account.
#include <map>
#include <set>

#include <fmt/format.h>

#include "compiler/sema/checker.h"
#include "compiler/sema/grants.h"

namespace stave::sema {
namespace {

bool CreatesPipelineRuns(const std::vector<Grant>& grants) {
  for (const Grant& g : grants) {
    if (g.group == "tekton.dev" && g.resource == "pipelineruns" && (g.verb == "create" || g.verb == "*")) {
      return true;
    }
  }
  return false;
}

}  // namespace

void CheckUnrunnableGrants(Checker& c) {
  const Program& p = c.program();
  // Guarded namespace -> the identities that some run rule names there.
  std::map<SymbolId, std::set<Identity>> runners;
  for (const Symbol& s : p.symbols) {
    if (s.kind == DeclKind::Pipeline && !s.builtin && s.pipeline().ns != kNoSymbol) {
      runners[s.pipeline().ns];
    }
  }
  if (runners.empty()) return;
  for (const RunRule& run : p.run_rules) {
    for (SymbolId pipeline : run.pipelines) {
      SymbolId ns = p.symbol(pipeline).pipeline().ns;
      if (ns == kNoSymbol) continue;
      for (const Principal& s : run.subjects) {
        for (const Identity& id : Identities(p, s.symbol)) runners[ns].insert(id);
      }
    }
  }
  for (const ApiRule& rule : p.api_rules) {
    if (rule.effect != syntax::Effect::Allow || rule.cluster) continue;
    if (!CreatesPipelineRuns(*rule.grants)) continue;
    for (SymbolId ns : rule.namespaces) {
      auto guarded = runners.find(ns);
      if (guarded == runners.end()) continue;
      for (const Principal& s : rule.subjects) {
        if (s.symbol == kNoSymbol) continue;
        bool runs = false;
        for (const Identity& id : Identities(p, s.symbol)) runs = runs || guarded->second.count(id);
        if (runs) continue;
        const Symbol& subject = p.symbol(s.symbol);
        const Symbol& action = p.symbol(rule.action);
        c.diags()
            .report(diag::Code::W0405, s.span,
                    fmt::format("`{}` may create PipelineRuns in `{}`, but the admission policy "
                                "refuses every one it creates",
                                subject.name, p.symbol(ns).name),
                    "no run rule names this subject")
            .note(fmt::format("namespace `{}` has `pipeline` declarations: a PipelineRun is "
                              "admitted only when its creator may run its Pipeline (`{}` grants "
                              "the RBAC half only)",
                              p.symbol(ns).name, action.name))
            .with_help(fmt::format("add `allow {} to run PIPELINE` for each pipeline it starts "
                                   "(for an EventListener, those of its TriggerTemplates)",
                                   subject.name));
      }
    }
  }
}

}  // namespace stave::sema
