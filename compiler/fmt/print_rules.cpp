// The second half of the formatter's layout walk: rules and test blocks,
// with the broken layouts of long call rules and call expectations
// (docs/formatting.md, "Rules" and "Tests").
#include <algorithm>
#include <tuple>

#include "compiler/fmt/printer.h"

namespace stave::formatter::internal {

using namespace syntax;

void Printer::PrintSubject(const Subject& s) {
  switch (s.kind) {
    case Subject::Kind::Named: Qual(s.name); break;
    case Subject::Kind::Namespace:
      Kw("namespace");
      Qual(s.name);
      break;
    case Subject::Kind::Any: Kw("any"); break;
    case Subject::Kind::Authenticated: Kw("authenticated"); break;
    case Subject::Kind::Plaintext: Kw("plaintext"); break;
    case Subject::Kind::Issuer:
      Kw("issuer");
      Qual(s.name);
      if (s.token_subject) {
        Kw("subject");
        Str(*s.token_subject);
      }
      break;
  }
}

// Joins each run of consecutive lines of lines_ with ops[i] set (index i
// for line first + i) when the joined line fits and keeps its comments.
void Printer::JoinRuns(size_t first, const std::vector<bool>& ops) {
  if (!in_sync_) return;
  for (size_t end = ops.size(); end > 0;) {
    if (!ops[end - 1]) {
      --end;
      continue;
    }
    size_t begin = end - 1;
    while (begin > 0 && ops[begin - 1]) --begin;
    Line joined = lines_[first + begin];
    for (size_t i = begin + 1; i < end; ++i) {
      const auto& pieces = lines_[first + i].pieces;
      joined.pieces.insert(joined.pieces.end(), pieces.begin(), pieces.end());
    }
    size_t a = first + begin, b = first + end - 1;
    if (b > a && Width(joined) <= kMaxWidth &&
        !CommentForcesBreak(lines_, a, b, toks_, comments_)) {
      JoinLines(lines_, a, b);
    }
    end = begin;
  }
}

// `allow a, b to deploy api in staging, prod` on one line. A call rule that
// does not fit, or that holds a comment which must stay inside it, keeps its
// head on the first line and its clauses on continuation lines: consecutive
// operations share one line when they fit, each `when` has its own.
void Printer::PrintRule(const Rule& r) {
  size_t first = lines_.size();
  NewLine(0, LineKind::kChild);
  Kw(r.effect == Effect::Allow ? "allow" : r.effect == Effect::Deny ? "deny" : "audit");
  CommaList(r.subjects, [&](const Subject& s) { PrintSubject(s); });
  Kw("to");
  if (const auto* api = std::get_if<ApiRule>(&r.target)) {
    Qual(api->action);
    if (api->app) Qual(*api->app);
    Kw("in");
    if (api->cluster)
      Val("cluster", *api->cluster);
    else
      QualList(api->namespaces);
    if (api->level) {
      Kw("level");
      Val(api->level->text, api->level->span);
    }
  } else if (const auto* run = std::get_if<RunRule>(&r.target)) {
    Kw("run");
    QualList(run->pipelines);
  } else if (const auto* call = std::get_if<CallRule>(&r.target)) {
    Kw("call");
    Qual(call->app);
    if (!call->namespaces.empty()) {
      Kw("in");
      QualList(call->namespaces);
    }
    // (offset, is an operation, print)
    std::vector<std::tuple<uint32_t, bool, std::function<void()>>> clauses;
    for (const OpClause& op : call->ops)
      clauses.emplace_back(op.span.begin, true, [&] { PrintOp(op); });
    for (const Condition& c : call->conditions) {
      clauses.emplace_back(c.span.begin, false, [&] { PrintCondition(c); });
    }
    if (call->level) {  // an error (E0230), kept as written
      clauses.emplace_back(call->level->span.begin, true, [&] {
        Kw("level");
        Val(call->level->text, call->level->span);
      });
    }
    std::sort(clauses.begin(), clauses.end(),
              [](const auto& a, const auto& b) { return std::get<0>(a) < std::get<0>(b); });
    std::vector<bool> ops;
    for (auto& [at, is_op, print] : clauses) {
      NewLine(1, LineKind::kCont);
      print();
      ops.push_back(is_op);
    }
    JoinRuns(first + 1, ops);
    Decide(first);
  }
}

void Printer::PrintOp(const OpClause& op) {
  static constexpr const char* kField[] = {"methods", "paths", "ports", "hosts"};
  if (op.negated) Kw("not");
  Kw(kField[static_cast<int>(op.field)]);
  CommaList(op.values, [&](const OpValue& v) {
    switch (op.field) {
      case OpField::Methods: Val(v.text, v.span); break;
      case OpField::Ports: Int(v.port); break;
      case OpField::Paths:
      case OpField::Hosts: Val(syntax::StringLiteral(v.text), v.span); break;
    }
  });
}

// `when request.headers[x-tenant] == "acme", "globex"`: the key as Istio
// writes it; an index that is a word is printed bare.
void Printer::PrintCondition(const Condition& c) {
  Kw("when");
  for (size_t i = 0; i < c.key.parts.size(); ++i) {
    if (i > 0) Kw(".", true);
    Val(c.key.parts[i].text, c.key.parts[i].span, i > 0);
  }
  if (c.key.index) {
    Kw("[", true);
    WordOrString(c.key.index->value, c.key.index->span, true);
    Kw("]", true);
  }
  Kw(c.negated ? "!=" : "==");
  CommaList(c.values, [&](const StringLit& s) { Str(s); });
}

void Printer::PrintTest(const TestBlock& t) {
  NewLine(0, LineKind::kChild);
  Kw("test");
  Str(t.name);
  Kw("{");
  if (t.expectations.empty()) return EmptyBlock(0, LineKind::kClose);
  for (const Expectation& e : t.expectations) PrintExpectation(e);
  NewLine(0, LineKind::kClose);
  Kw("}");
}

void Printer::PrintExpectation(const Expectation& e) {
  size_t first = lines_.size();
  NewLine(1, LineKind::kChild);
  Kw("expect");
  if (e.audit)
    Kw(e.effect == Effect::Allow ? "audited" : "unaudited");
  else
    Kw(e.effect == Effect::Allow ? "allow" : "deny");
  PrintSubject(e.subject);
  for (const ClaimMatch& claim : e.claims) {
    Kw("claim");
    WordOrString(claim.name, claim.name_span);
    Kw("=");
    Str(claim.value);
  }
  for (const Subject& via : e.via) {
    Kw("via");
    PrintSubject(via);
  }
  Kw("to");
  if (const auto* api = std::get_if<ExpectApi>(&e.target)) {
    if (api->star)
      Val("*", *api->star);
    else
      Qual(*api->first);
    if (api->second) Qual(*api->second);
    if (api->object) Str(*api->object);
    Kw("in");
    if (api->cluster)
      Val("cluster", *api->cluster);
    else
      Qual(*api->ns);
    if (api->level) {
      Kw("level");
      Val(api->level->text, api->level->span);
    }
  } else if (const auto* run = std::get_if<ExpectRun>(&e.target)) {
    Kw("run");
    Qual(run->pipeline);
    if (run->as) {
      Kw("as");
      Qual(*run->as);
    }
  } else if (const auto* call = std::get_if<ExpectCall>(&e.target)) {
    PrintExpectCall(*call);
    Decide(first);
  }
}

// `call APP in NS` and its request clauses in source order; when the
// expectation does not fit on one line, the clauses go on one continuation
// line, or one per line when they do not fit there either.
void Printer::PrintExpectCall(const ExpectCall& c) {
  Kw("call");
  Qual(c.app);
  if (c.ns) {
    Kw("in");
    Qual(*c.ns);
  }
  Parts clauses;
  auto clause = [&](const char* keyword, const Span& at, std::function<void()> value) {
    clauses.emplace_back(at.begin, [this, keyword, value = std::move(value)] {
      NewLine(2, LineKind::kCont);
      Kw(keyword);
      value();
    });
  };
  if (c.method) clause("method", c.method->span, [&] { Val(c.method->text, c.method->span); });
  if (c.path) clause("path", c.path->span, [&] { Str(*c.path); });
  if (c.port) clause("port", c.port->span, [&] { Int(*c.port); });
  if (c.host) clause("host", c.host->span, [&] { Str(*c.host); });
  for (const HeaderMatch& h : c.headers) {
    clause("header", h.name_span, [&] {
      WordOrString(h.name, h.name_span);
      Kw("=");
      Str(h.value);
    });
  }
  size_t first = lines_.size();
  InOrder(clauses);
  JoinRuns(first, std::vector<bool>(clauses.size(), true));
}

}  // namespace stave::formatter::internal
