// The formatter's layout walk, shared by format.cpp (files, declarations)
// and print_rules.cpp (rules, tests): prints the AST in source order as
// lines of tokens, each tied to the source token it reprints.
#pragma once

#include <functional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "compiler/fmt/layout.h"
#include "compiler/syntax/ast.h"
#include "compiler/syntax/tokens.h"

namespace stave::formatter::internal {

using syntax::Span;


// Parts of one construct that the AST keeps apart (items, clauses), each
// with its source offset; InOrder prints them in source order.
using Parts = std::vector<std::pair<uint32_t, std::function<void()>>>;
void InOrder(Parts& parts);

// Lays out one file. Every Kw/Val call consumes the next source token and
// checks that it is the token the AST says comes next.
class Printer {
 public:
  Printer(std::string_view src, const std::vector<TokPos>& toks,
          const std::vector<syntax::Comment>& comments)
      : src_(src), toks_(toks), comments_(comments) {}

  void PrintFile(const syntax::File& f);
  bool in_sync() const { return in_sync_ && cursor_ == toks_.size(); }
  std::vector<Line>& lines() { return lines_; }
  bool force_blank_at_end() const { return force_next_; }

 private:
  void NewLine(int indent, LineKind kind);
  void Push(std::string text, bool glue);
  void Kw(std::string_view kw, bool glue = false);
  void Val(std::string text, const Span& span, bool glue = false);
  bool NextIs(std::string_view kw, uint32_t limit) const;
  std::string_view TokText(size_t i) const {
    return src_.substr(toks_[i].begin, toks_[i].end - toks_[i].begin);
  }

  void Qual(const syntax::QualName& q, bool glue = false);
  void QualList(const std::vector<syntax::QualName>& names);
  void Str(const syntax::StringLit& s) { Val(syntax::StringLiteral(s.value), s.span); }
  void Int(const syntax::IntLit& i);
  void WordOrString(const std::string& value, const Span& span, bool glue = false) {
    // A word the lexer reads as one token (a label key, header name or
    // condition index) needs no quotes.
    Val(syntax::IsIdentifier(value) ? value : syntax::StringLiteral(value), span, glue);
  }
  template <typename T, typename F>
  void CommaList(const std::vector<T>& items, F print) {
    for (size_t i = 0; i < items.size(); ++i) {
      if (i > 0) Kw(",", true);
      print(items[i]);
    }
  }

  // A group is laid out broken (one line per part); Decide joins it into
  // one line when that fits and keeps every comment inside it.
  void Decide(size_t first);
  void JoinRuns(size_t first, const std::vector<bool>& ops);
  void EmptyBlock(int indent, LineKind close);

  void PrintDecl(const syntax::Decl& d);
  void PrintFlags(const syntax::Decl& d, Parts flags);
  void PrintAction(const syntax::ActionBody& body);
  void PrintApp(const syntax::AppBody& body);
  void PrintSelector(const syntax::AppBody& body);
  void PrintObjects(const syntax::AppBody& body);
  void PrintPipeline(const syntax::PipelineBody& body);
  void PrintAnnotations(const syntax::ServiceAccountBody& body);
  void PrintIssuer(const syntax::Decl& d, const syntax::IssuerBody& body);
  void PrintRule(const syntax::Rule& r);
  void PrintSubject(const syntax::Subject& s);
  void PrintOp(const syntax::OpClause& op);
  void PrintCondition(const syntax::Condition& c);
  void PrintTest(const syntax::TestBlock& t);
  void PrintExpectation(const syntax::Expectation& e);
  void PrintExpectCall(const syntax::ExpectCall& c);

  std::string_view src_;
  const std::vector<TokPos>& toks_;
  const std::vector<syntax::Comment>& comments_;
  std::vector<Line> lines_;
  size_t cursor_ = 0;
  bool in_sync_ = true;
  bool force_next_ = false;
};

}  // namespace stave::formatter::internal
