// The entry point of semantic analysis: runs the checks in order over all
// files of the program, user and std alike.
#include "compiler/sema/analyze.h"

#include <algorithm>

#include "compiler/sema/checker.h"
#include "compiler/sema/grants.h"

namespace stave::sema {

std::unique_ptr<Program> Analyze(const base::SourceSet& sources, std::vector<syntax::File> files,
                                 diag::DiagnosticList& diags) {
  auto program = std::make_unique<Program>();
  program->sources = &sources;
  program->files = std::move(files);
  Checker checker(*program, diags);
  DeclareSymbols(checker);
  std::vector<FileScope> scopes = BuildScopes(checker);
  CheckDeclarations(checker, scopes);
  CheckRules(checker, scopes);
  ExpandRuleGrants(*program);
  CheckRequestAuthConditions(checker);
  CheckTests(checker, scopes);
  CheckDenyGuards(checker);
  CheckShadowedCalls(checker);
  CheckRiskyGrants(checker);
  CheckEscalationPaths(checker);
  CheckUnrunnableGrants(checker);
  CheckAuditedSecrets(checker);
  ReportUnusedImports(checker, scopes);
  // The program lives through lowering, the peak of a run: give back what
  // growth by doubling left empty (bench/, peak memory is a target).
  program->references.shrink_to_fit();
  program->api_rules.shrink_to_fit();
  program->call_rules.shrink_to_fit();
  program->run_rules.shrink_to_fit();
  program->tests.shrink_to_fit();
  return program;
}

}  // namespace stave::sema
