// Wording of syntax errors. The message is chosen from the innermost rule
// being parsed and the set of tokens that would have fit; the span is the
// offending token, or the token before it when the problem is something
// missing at the end of a line.
#include "compiler/syntax/internal/error_strategy.h"

#include <algorithm>

#include <fmt/format.h>

#include "StaveLexer.h"
#include "StaveParser.h"
#include "compiler/syntax/internal/scanner.h"

namespace stave::syntax::internal {
namespace {

using P = stave_antlr::StaveParser;

// "a namespace declaration", for "… in a namespace declaration".
std::string RuleDescription(antlr4::ParserRuleContext* ctx) {
  for (; ctx != nullptr; ctx = dynamic_cast<antlr4::ParserRuleContext*>(ctx->parent)) {
    switch (ctx->getRuleIndex()) {
      case P::RulePackageDecl: return "the package declaration";
      case P::RuleImportDecl: return "an import";
      case P::RuleNamespaceDecl: return "a namespace declaration";
      case P::RuleUserDecl: return "a user declaration";
      case P::RuleGroupDecl: return "a group declaration";
      case P::RuleServiceAccountDecl: return "a serviceaccount declaration";
      case P::RuleResourceDecl: return "a resource declaration";
      case P::RuleActionDecl: return "an action declaration";
      case P::RuleAppDecl: return "an app declaration";
      case P::RulePipelineDecl: return "a pipeline declaration";
      case P::RuleIssuerDecl:
      case P::RuleIssuerClause: return "an issuer declaration";
      case P::RuleCallClause:
      case P::RuleCondition:
      case P::RuleConditionKey: return "a call rule";
      case P::RulePolicyRule: {
        antlr4::Token* start = ctx->getStart();
        if (start && start->getType() == L::AUDIT) return "an audit rule";
        return start && start->getType() == L::DENY ? "a deny rule" : "an allow rule";
      }
      case P::RuleExpectation:
      case P::RuleExpectTarget:
      case P::RuleExpectCallClause: return "an expectation";
      case P::RuleTestBlock: return "a test";
      case P::RuleLoneExpectTarget: return "the query";
      default: break;
    }
  }
  return "";
}

// The expected tokens, collapsed: every name-like token is "a name".
std::vector<std::string> ExpectedNames(const antlr4::misc::IntervalSet& expected,
                                       const antlr4::dfa::Vocabulary& vocab) {
  std::vector<std::string> names;
  bool name = expected.contains(static_cast<size_t>(L::IDENT));
  for (ssize_t t : expected.toList()) {
    // Contextual keywords are names too; listing them all would bury the
    // useful part of the message.
    if (name && t >= L::METHODS && t < L::LBRACE) continue;
    std::string n = FriendlyTokenName(static_cast<size_t>(t), vocab);
    if (std::find(names.begin(), names.end(), n) == names.end()) names.push_back(n);
  }
  return names;
}

std::string JoinAlternatives(std::vector<std::string> names) {
  constexpr size_t kMaxListed = 6;
  if (names.empty()) return "something else";
  if (names.size() > kMaxListed) {
    names.resize(kMaxListed);
    names.push_back("…");
  }
  if (names.size() == 1) return names[0];
  std::string out;
  for (size_t i = 0; i < names.size(); ++i) {
    if (i > 0) out += i + 1 == names.size() ? " or " : ", ";
    out += names[i];
  }
  return out;
}

std::string Found(antlr4::Token* t) {
  if (t == nullptr || t->getType() == antlr4::Token::EOF) return "end of file";
  std::string text = t->getText();
  if (text.size() > 24) text = text.substr(0, 21) + "...";
  if (t->getType() == L::STRING) return fmt::format("string {}", text);
  return fmt::format("`{}`", text);
}

// Messages for the places users most often get wrong, worded for them.
std::string SpecificMessage(antlr4::ParserRuleContext* ctx,
                            const antlr4::misc::IntervalSet& expected) {
  if (ctx == nullptr) return "";
  std::string what = RuleDescription(ctx);
  switch (ctx->getRuleIndex()) {
    case P::RuleFile:
      if (expected.contains(static_cast<size_t>(L::PACKAGE))) return "expected `package NAME` at the start of the file";
      return "expected a declaration, a rule or a test";
    case P::RuleItem:
      return "expected a declaration, a rule or a test";
    case P::RulePolicyRule:
      if (expected.contains(static_cast<size_t>(L::TO))) return fmt::format("expected `to` after the subjects of {}", what);
      break;
    case P::RuleRuleTarget:
      if (expected.contains(static_cast<size_t>(L::CALL))) {
        return fmt::format("expected an action, `call` or `run` after `to` in {}", what);
      }
      if (expected.contains(static_cast<size_t>(L::IN))) {
        return fmt::format("expected `in` and namespaces (or `in cluster`) after the action of {}",
                           what);
      }
      break;
    case P::RuleSubject:
      return fmt::format("expected a subject (a name, `namespace NS`, `any` or `authenticated`) in {}",
                         what);
    case P::RuleExpectTarget:
      return "expected `VERB RESOURCE`, `ACTION [APP]`, `call APP` or `run PIPELINE` after `to` in an "
             "expectation";
    default: break;
  }
  return "";
}

}  // namespace

void StaveErrorStrategy::Report(antlr4::Parser* p, antlr4::Token* offending,
                                const antlr4::misc::IntervalSet& expected, bool missing) {
  base::Span span = TokenSpan(offending, map_, file_);
  if (span.begin == last_offset_) return;  // one report per position
  last_offset_ = span.begin;
  if (++count_ > max_errors_) throw TooManyErrors{};

  antlr4::ParserRuleContext* ctx = p->getContext();
  std::string message = SpecificMessage(ctx, expected);
  std::string expected_text = JoinAlternatives(ExpectedNames(expected, p->getVocabulary()));
  if (message.empty()) {
    std::string where = RuleDescription(ctx);
    message = where.empty() ? fmt::format("expected {}", expected_text)
                            : fmt::format("expected {} in {}", expected_text, where);
  }
  message += fmt::format(", found {}", Found(offending));

  // Something missing at the end of a line reads best pointed at what came
  // before it: "expected `to` after this".
  antlr4::Token* previous = nullptr;
  if (offending != nullptr && offending->getTokenIndex() > 0) {
    auto* stream = dynamic_cast<antlr4::BufferedTokenStream*>(p->getTokenStream());
    if (stream != nullptr) {
      for (ssize_t i = static_cast<ssize_t>(offending->getTokenIndex()) - 1; i >= 0; --i) {
        antlr4::Token* t = stream->get(static_cast<size_t>(i));
        if (t->getChannel() == antlr4::Token::DEFAULT_CHANNEL) {
          previous = t;
          break;
        }
      }
    }
  }
  std::string label = fmt::format("expected {}", expected_text);
  if (missing && previous != nullptr && offending != nullptr &&
      (offending->getType() == antlr4::Token::EOF || offending->getLine() > previous->getLine())) {
    base::Span prev = TokenSpan(previous, map_, file_);
    diags_.report(diag::Code::E0007, {file_, prev.end, prev.end}, message, label + " after this");
    return;
  }
  diags_.report(diag::Code::E0007, span, message, label);
}

void StaveErrorStrategy::reportNoViableAlternative(antlr4::Parser* p,
                                                   const antlr4::NoViableAltException& e) {
  Report(p, e.getOffendingToken(), p->getExpectedTokens(), true);
}

void StaveErrorStrategy::reportInputMismatch(antlr4::Parser* p,
                                             const antlr4::InputMismatchException& e) {
  Report(p, e.getOffendingToken(), e.getExpectedTokens(), true);
}

void StaveErrorStrategy::reportFailedPredicate(antlr4::Parser* p,
                                               const antlr4::FailedPredicateException& e) {
  Report(p, e.getOffendingToken(), p->getExpectedTokens(), false);
}

void StaveErrorStrategy::reportUnwantedToken(antlr4::Parser* p) {
  if (inErrorRecoveryMode(p)) return;
  beginErrorCondition(p);
  Report(p, p->getCurrentToken(), getExpectedTokens(p), false);
}

antlr4::Token* StaveErrorStrategy::singleTokenDeletion(antlr4::Parser* p) {
  switch (p->getCurrentToken()->getType()) {
    case L::PACKAGE:
    case L::IMPORT:
    case L::NAMESPACE:
    case L::USER:
    case L::GROUP:
    case L::SERVICEACCOUNT:
    case L::RESOURCE:
    case L::ACTION:
    case L::APP:
    case L::PIPELINE:
    case L::ALLOW:
    case L::DENY:
    case L::AUDIT:
    case L::TEST:
    case L::EXPECT:
    case L::ISSUER:
      return nullptr;
    default:
      return DefaultErrorStrategy::singleTokenDeletion(p);
  }
}

antlr4::Token* StaveErrorStrategy::recoverInline(antlr4::Parser* p) {
  antlr4::Token* t = p->getCurrentToken();
  auto* writable = dynamic_cast<antlr4::WritableToken*>(t);
  if (writable == nullptr || !IsReservedType(t->getType()) ||
      !getExpectedTokens(p).contains(static_cast<size_t>(L::IDENT))) {
    return DefaultErrorStrategy::recoverInline(p);
  }
  base::Span span = TokenSpan(t, map_, file_);
  if (span.begin != last_offset_) {
    last_offset_ = span.begin;
    if (++count_ > max_errors_) throw TooManyErrors{};
    std::string what = RuleDescription(p->getContext());
    diags_.report(diag::Code::E0012, span,
                  fmt::format("`{}` is a reserved word, so it cannot be a name{}", t->getText(),
                              what.empty() ? "" : " in " + what),
                  "reserved word")
        .with_help(fmt::format("rename it, for example to `my-{0}`; where a string is allowed the "
                               "word may be quoted, so the Kubernetes name can still be `{0}`: "
                               "`my-{0} = \"{0}\"`",
                               t->getText()));
  }
  writable->setType(L::IDENT);
  p->consume();
  return t;
}

void StaveErrorStrategy::reportMissingToken(antlr4::Parser* p) {
  if (inErrorRecoveryMode(p)) return;
  beginErrorCondition(p);
  Report(p, p->getCurrentToken(), getExpectedTokens(p), true);
}

}  // namespace stave::syntax::internal
