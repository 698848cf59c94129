// The entry point of semantic analysis: runs the checks in order over all
// files of the program, user and std alike.
#include "compiler/sema/analyze.h"

#include <algorithm>
#include <optional>

#include "compiler/base/side_thread.h"
#include "compiler/sema/checker.h"
#include "compiler/sema/grants.h"

namespace stave::sema {

namespace {

// Below this many rules a second thread costs more than it saves.
constexpr size_t kParallelRules = 2000;

// The two costliest lints (a third of sema on the standard shape, perf).
// They read the resolved program and the expanded grants, and nothing the
// lints beside them write: CheckTests alone changes the program (the
// tests, the references, the imports' use, and DropCheckedExpectations
// the test blocks' syntax), and neither reads those.
void LintGrants(Checker& c) {
  CheckRiskyGrants(c);
  CheckEscalationPaths(c);
}

}  // namespace

std::unique_ptr<Program> Analyze(const base::SourceSet& sources, std::vector<SharedFile> files,
                                 diag::DiagnosticList& diags, unsigned threads, Retain retain) {
  auto program = std::make_unique<Program>();
  program->sources = &sources;
  program->retain = retain;
  program->files = std::move(files);
  Checker checker(*program, diags);
  DeclareSymbols(checker);
  std::vector<FileScope> scopes = BuildScopes(checker);
  CheckDeclarations(checker, scopes);
  CheckRules(checker, scopes);
  ExpandRuleGrants(*program);
  // On a large program LintGrants runs on a second thread, reporting into
  // its own list, and what runs after it here into another, so that the
  // three lists are appended in the order the checks run on one thread.
  diag::DiagnosticList grant_lints, after;
  Checker grant_checker(*program, grant_lints);
  Checker after_checker(*program, after);
  bool parallel = threads > 1 && program->api_rules.size() + program->call_rules.size() >= kParallelRules;
  std::optional<base::SideThread> helper;
  if (parallel) helper.emplace([&] { LintGrants(grant_checker); });
  CheckRequestAuthConditions(checker);
  CheckTests(checker, scopes);
  if (!retain.expectations) DropCheckedExpectations(*program);
  CheckDenyGuards(checker);
  CheckShadowedCalls(checker);
  if (!parallel) LintGrants(grant_checker);
  CheckUnrunnableGrants(after_checker);
  CheckAuditedSecrets(after_checker);
  ReportUnusedImports(after_checker, scopes);
  if (helper) helper->Join();
  diags.append(grant_lints);
  diags.append(after);
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
