// Shared state of one analysis run: the program being built, the
// diagnostics, each file's imports, and name resolution with kind checks.
// The check_*.cpp files each handle one part of the language on top of it.
#pragma once

#include <initializer_list>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "compiler/diag/diagnostic.h"
#include "compiler/sema/program.h"

namespace stave::sema {

// What one file can see: its package and its imports by prefix.
struct FileScope {
  const syntax::File* file = nullptr;
  std::string package;
  struct ImportEntry {
    std::string package;
    const syntax::Import* import;
    bool used = false;
  };
  std::map<std::string, ImportEntry> imports;  // prefix -> import
};

class Checker {
 public:
  Checker(Program& program, diag::DiagnosticList& diags) : program_(program), diags_(diags) {}

  Program& program() { return program_; }
  diag::DiagnosticList& diags() { return diags_; }
  const base::SourceSet& sources() const { return *program_.sources; }

  // Resolves `name` as seen from `scope` to a symbol of one of `kinds`.
  // Reports unknown names (with did-you-mean among names of those kinds),
  // missing imports and wrong kinds; records the reference on success.
  SymbolId Resolve(FileScope& scope, const syntax::QualName& name,
                   std::initializer_list<DeclKind> kinds);
  // Resolves a namespace list, reporting names listed twice; `spans` gets
  // the span of each resolved entry.
  std::vector<SymbolId> ResolveNamespaceList(FileScope& scope,
                                             const std::vector<syntax::QualName>& names,
                                             std::vector<base::Span>* spans = nullptr);
  // Like Resolve but quiet: for telling expectation forms apart.
  SymbolId Peek(const FileScope& scope, const syntax::QualName& name) const;

  // "an action", "a user, group, serviceaccount or app".
  static std::string KindList(std::initializer_list<DeclKind> kinds);
  static std::string Article(DeclKind kind);  // "an app", "a group"

 private:
  SymbolId LookupIn(std::string_view package, std::string_view name) const;
  std::vector<std::string> Candidates(const FileScope& scope, const std::string* package,
                                      std::initializer_list<DeclKind> kinds) const;

  Program& program_;
  diag::DiagnosticList& diags_;
};

// The parts of analysis, in the order Analyze runs them.
void DeclareSymbols(Checker& c);
std::vector<FileScope> BuildScopes(Checker& c);
void CheckDeclarations(Checker& c, std::vector<FileScope>& scopes);
void CheckRules(Checker& c, std::vector<FileScope>& scopes);
// Checks every expectation; keeps them in Program::tests only when the
// program retains expectations.
void CheckTests(Checker& c, std::vector<FileScope>& scopes);
// Frees the syntax of every expectation (the test blocks and their spans
// stay, for `stave:allow`): after CheckTests, when they are not retained.
void DropCheckedExpectations(Program& program);
void CheckDenyGuards(Checker& c);
void CheckShadowedCalls(Checker& c);
void CheckRiskyGrants(Checker& c);
void CheckEscalationPaths(Checker& c);
void CheckUnrunnableGrants(Checker& c);
void CheckAuditedSecrets(Checker& c);  // W0520, audit_checks.cpp
void ReportUnusedImports(Checker& c, const std::vector<FileScope>& scopes);
// Identity (spec §12, §13; check_identity.cpp).
void FillIssuer(Checker& c, Symbol& s);
void CheckServiceAccountCredentials(Checker& c, Symbol& s);
void CheckRequestAuthConditions(Checker& c);

// The scope of the file that declares `symbol`.
FileScope& ScopeOf(std::vector<FileScope>& scopes, const Symbol& symbol);

}  // namespace stave::sema
