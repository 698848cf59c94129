// Replaces ANTLR's error reporting: its events become E0007 diagnostics with
// human wording ("expected `to` after the subjects of an allow rule") and
// never ANTLR's own text. Recovery is ANTLR's default, capped.
#pragma once

#include "antlr4-runtime.h"
#include "compiler/diag/diagnostic.h"
#include "compiler/syntax/internal/token_text.h"

namespace stave::syntax::internal {

// Thrown to stop parsing once a file has too many errors.
struct TooManyErrors {};

class StaveErrorStrategy : public antlr4::DefaultErrorStrategy {
 public:
  StaveErrorStrategy(diag::DiagnosticList& diags, const OffsetMap& map, base::FileId file,
                     size_t max_errors)
      : diags_(diags), map_(map), file_(file), max_errors_(max_errors) {}

  size_t error_count() const { return count_; }

 protected:
  void reportNoViableAlternative(antlr4::Parser* p, const antlr4::NoViableAltException& e) override;
  void reportInputMismatch(antlr4::Parser* p, const antlr4::InputMismatchException& e) override;
  void reportFailedPredicate(antlr4::Parser* p, const antlr4::FailedPredicateException& e) override;
  void reportUnwantedToken(antlr4::Parser* p) override;
  void reportMissingToken(antlr4::Parser* p) override;
  // Never drops a token that starts a declaration, rule or test: without a
  // statement terminator, that token is where the next item begins, and
  // deleting it would glue two items into one and cascade errors.
  antlr4::Token* singleTokenDeletion(antlr4::Parser* p) override;
  // A reserved word where a name is expected (`namespace app = "shop"`)
  // gets one E0012 that says so, and is then taken as the name: treating
  // it as the start of the next item would cascade into errors about an
  // item the user never wrote.
  antlr4::Token* recoverInline(antlr4::Parser* p) override;

 private:
  void Report(antlr4::Parser* p, antlr4::Token* offending, const antlr4::misc::IntervalSet& expected,
              bool missing);

  diag::DiagnosticList& diags_;
  const OffsetMap& map_;
  base::FileId file_;
  size_t max_errors_;
  size_t count_ = 0;
  size_t last_offset_ = SIZE_MAX;
};

}  // namespace stave::syntax::internal
