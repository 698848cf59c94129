// The first half of the formatter: walks the AST in source order and lays
// out its tokens as lines (docs/formatting.md), consuming the file's source
// tokens one by one so that comments can be put back exactly (render.cpp).
#include "compiler/fmt/format.h"

#include <algorithm>
#include <functional>
#include <tuple>

#include "compiler/fmt/layout.h"

namespace stave::fmt {
namespace internal {
namespace {

using namespace syntax;

// A word the lexer reads as one token, so a label key, header name or
// condition index needs no quotes.
bool IsWord(std::string_view s) {
  auto alpha = [](char c) { return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '_'; };
  auto digit = [](char c) { return c >= '0' && c <= '9'; };
  if (s.empty() || !alpha(s.front()) || s.back() == '-') return false;
  return std::all_of(s.begin(), s.end(), [&](char c) { return alpha(c) || digit(c) || c == '-'; });
}

std::string Quote(std::string_view value) {
  std::string out = "\"";
  for (char c : value) {
    switch (c) {
      case '\\': out += "\\\\"; break;
      case '"': out += "\\\""; break;
      case '\n': out += "\\n"; break;
      case '\t': out += "\\t"; break;
      default: out += c;
    }
  }
  return out + "\"";
}

// Lays out one file. Every Kw/Val call consumes the next source token and
// checks that it is the token the AST says comes next.
class Printer {
 public:
  Printer(std::string_view src, const std::vector<TokPos>& toks,
          const std::vector<Comment>& comments)
      : src_(src), toks_(toks), comments_(comments) {}

  void PrintFile(const File& f);
  bool in_sync() const { return in_sync_ && cursor_ == toks_.size(); }
  std::vector<Line>& lines() { return lines_; }
  bool force_blank_at_end() const { return force_next_; }

 private:
  void NewLine(int indent, LineKind kind);
  void Push(std::string text, bool glue);
  void Kw(std::string_view kw, bool glue = false);
  void Val(std::string text, const Span& span, bool glue = false);
  bool NextIs(std::string_view kw, uint32_t limit) const;
  std::string_view TokText(size_t i) const { return src_.substr(toks_[i].begin, toks_[i].end - toks_[i].begin); }

  void Qual(const QualName& q, bool glue = false);
  void QualList(const std::vector<QualName>& names);
  void Str(const StringLit& s) { Val(Quote(s.value), s.span); }
  void Int(const IntLit& i);
  void WordOrString(const std::string& value, const Span& span, bool glue = false) {
    Val(IsWord(value) ? value : Quote(value), span, glue);
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

  void PrintDecl(const Decl& d);
  void PrintFlags(const Decl& d, std::vector<std::pair<uint32_t, std::function<void()>>> flags);
  void PrintAction(const ActionBody& body);
  void PrintApp(const AppBody& body);
  void PrintSelector(const AppBody& body);
  void PrintObjects(const AppBody& body);
  void PrintPipeline(const PipelineBody& body);
  void PrintRule(const Rule& r);
  void PrintSubject(const Subject& s);
  void PrintOp(const OpClause& op);
  void PrintCondition(const Condition& c);
  void PrintTest(const TestBlock& t);
  void PrintExpectation(const Expectation& e);
  void PrintExpectCall(const ExpectCall& c);

  std::string_view src_;
  const std::vector<TokPos>& toks_;
  const std::vector<Comment>& comments_;
  std::vector<Line> lines_;
  size_t cursor_ = 0;
  bool in_sync_ = true;
  bool force_next_ = false;
};

void Printer::NewLine(int indent, LineKind kind) {
  lines_.push_back({indent, kind, force_next_, {}});
  force_next_ = false;
}

void Printer::Push(std::string text, bool glue) {
  if (cursor_ >= toks_.size()) {
    in_sync_ = false;
    return;
  }
  lines_.back().pieces.push_back({std::move(text), static_cast<uint32_t>(cursor_++), glue});
}

void Printer::Kw(std::string_view kw, bool glue) {
  if (cursor_ >= toks_.size() || TokText(cursor_) != kw) in_sync_ = false;
  Push(std::string(kw), glue);
}

void Printer::Val(std::string text, const Span& span, bool glue) {
  if (cursor_ >= toks_.size() || toks_[cursor_].begin != span.begin) in_sync_ = false;
  Push(std::move(text), glue);
}

bool Printer::NextIs(std::string_view kw, uint32_t limit) const {
  return cursor_ < toks_.size() && toks_[cursor_].begin < limit && TokText(cursor_) == kw;
}

void Printer::Qual(const QualName& q, bool glue) {
  if (q.package) {
    Val(q.package->text, q.package->span, glue);
    Kw(".", true);
    Val(q.name.text, q.name.span, true);
  } else {
    Val(q.name.text, q.name.span, glue);
  }
}

void Printer::QualList(const std::vector<QualName>& names) {
  CommaList(names, [&](const QualName& q) { Qual(q); });
}

void Printer::Int(const IntLit& i) {
  // An overflowing literal keeps its digits; sema reports it.
  std::string text = i.overflow ? std::string(src_.substr(i.span.begin, i.span.size()))
                                : std::to_string(i.value);
  Val(text, i.span);
}

void Printer::Decide(size_t first) {
  if (!in_sync_ || lines_.size() < first + 2) return;
  size_t last = lines_.size() - 1;
  Line flat = lines_[first];
  for (size_t l = first + 1; l <= last; ++l) {
    flat.pieces.insert(flat.pieces.end(), lines_[l].pieces.begin(), lines_[l].pieces.end());
  }
  if (Width(flat) > kMaxWidth) return;
  if (CommentForcesBreak(lines_, first, last, toks_, comments_)) return;
  JoinLines(lines_, first, last);
}

// `{}`, or `{` and `}` on two lines when a comment sits between them.
void Printer::EmptyBlock(int indent, LineKind close) {
  size_t first = lines_.size() - 1;
  NewLine(indent, close);
  Kw("}");
  Decide(first);
}

void Printer::PrintFile(const File& f) {
  NewLine(0, LineKind::kChild);
  Kw("package");
  Val(f.package->text, f.package->span);
  force_next_ = true;
  for (const Import& imp : f.imports) {
    NewLine(0, LineKind::kChild);
    Kw("import");
    Val(imp.package.text, imp.package.span);
    if (imp.alias) {
      Kw("as");
      Val(imp.alias->text, imp.alias->span);
    }
  }
  force_next_ = true;  // consumed by the first import, else the first item
  // Declarations, rules and tests are kept apart in the AST; print them in
  // source order.
  std::vector<std::pair<uint32_t, std::function<void()>>> items;
  for (const Decl& d : f.decls) items.emplace_back(d.span.begin, [&] { PrintDecl(d); });
  for (const Rule& r : f.rules) items.emplace_back(r.span.begin, [&] { PrintRule(r); });
  for (const TestBlock& t : f.tests) items.emplace_back(t.span.begin, [&] { PrintTest(t); });
  std::sort(items.begin(), items.end(),
            [](const auto& a, const auto& b) { return a.first < b.first; });
  for (auto& item : items) item.second();
}

void Printer::PrintDecl(const Decl& d) {
  NewLine(0, LineKind::kChild);
  Kw(DeclKindName(d.kind));
  Val(d.name.text, d.name.span);
  if (d.value) {
    Kw("=");
    Str(*d.value);
  }
  if (const auto* ns = std::get_if<NamespaceBody>(&d.body)) {
    std::vector<std::pair<uint32_t, std::function<void()>>> flags;
    if (ns->default_deny) flags.emplace_back(ns->default_deny->begin, [&] { Kw("default"); Kw("deny"); });
    if (ns->mtls_strict) flags.emplace_back(ns->mtls_strict->begin, [&] { Kw("mtls"); Kw("strict"); });
    PrintFlags(d, std::move(flags));
  } else if (const auto* sa = std::get_if<ServiceAccountBody>(&d.body)) {
    Kw("in");
    QualList(sa->namespaces);
    std::vector<std::pair<uint32_t, std::function<void()>>> flags;
    if (sa->external) flags.emplace_back(sa->external->begin, [&] { Kw("external"); });
    PrintFlags(d, std::move(flags));
  } else if (const auto* action = std::get_if<ActionBody>(&d.body)) {
    PrintAction(*action);
  } else if (const auto* app = std::get_if<AppBody>(&d.body)) {
    PrintApp(*app);
  } else if (const auto* pipeline = std::get_if<PipelineBody>(&d.body)) {
    PrintPipeline(*pipeline);
  }
}

// `{ default deny mtls strict }`, `{ external }`: flags in source order; an
// empty `{}` is dropped (it means the same as no block).
void Printer::PrintFlags(const Decl& d,
                         std::vector<std::pair<uint32_t, std::function<void()>>> flags) {
  if (!NextIs("{", d.span.end)) return;
  if (flags.empty()) {
    ++cursor_;  // `{`
    if (!NextIs("}", d.span.end)) in_sync_ = false;
    ++cursor_;
    return;
  }
  size_t first = lines_.size() - 1;
  Kw("{");
  std::sort(flags.begin(), flags.end(),
            [](const auto& a, const auto& b) { return a.first < b.first; });
  for (auto& flag : flags) {
    NewLine(1, LineKind::kCont);
    flag.second();
  }
  NewLine(0, LineKind::kCloseCont);
  Kw("}");
  Decide(first);
}

void Printer::PrintAction(const ActionBody& body) {
  Kw("{");
  if (body.items.empty()) return EmptyBlock(0, LineKind::kClose);
  for (const ActionItem& item : body.items) {
    NewLine(1, LineKind::kChild);
    if (item.kind == ActionItem::Kind::Include) {
      Kw("include");
      Qual(item.target);
    } else {
      Qual(item.target);
      Kw(":", true);
      CommaList(item.verbs, [&](const Verb& v) { Val(v.text, v.span); });
    }
  }
  NewLine(0, LineKind::kClose);
  Kw("}");
}

void Printer::PrintApp(const AppBody& body) {
  Kw("in");
  QualList(body.namespaces);
  Kw("{");
  std::vector<std::pair<uint32_t, std::function<void()>>> clauses;
  if (body.selector_span) clauses.emplace_back(body.selector_span->begin, [&] { PrintSelector(body); });
  if (body.serviceaccount) {
    clauses.emplace_back(body.serviceaccount->span.begin, [&] {
      NewLine(1, LineKind::kChild);
      Kw("serviceaccount");
      Qual(*body.serviceaccount);
    });
  }
  if (body.ports_span) {
    clauses.emplace_back(body.ports_span->begin, [&] {
      NewLine(1, LineKind::kChild);
      Kw("ports");
      CommaList(body.ports, [&](const PortSpec& p) {
        Int(p.number);
        if (p.protocol) Val(p.protocol->text, p.protocol->span);
      });
    });
  }
  if (body.objects_span) clauses.emplace_back(body.objects_span->begin, [&] { PrintObjects(body); });
  if (clauses.empty()) return EmptyBlock(0, LineKind::kClose);
  std::sort(clauses.begin(), clauses.end(),
            [](const auto& a, const auto& b) { return a.first < b.first; });
  for (auto& clause : clauses) clause.second();
  NewLine(0, LineKind::kClose);
  Kw("}");
}

// `selector { app = "api" "app.kubernetes.io/part-of" = "shop" }` on one
// line when it fits, else one pair per line.
void Printer::PrintSelector(const AppBody& body) {
  size_t first = lines_.size();
  NewLine(1, LineKind::kChild);
  Kw("selector");
  Kw("{");
  for (const LabelPair& pair : body.selector) {
    NewLine(2, LineKind::kCont);
    WordOrString(pair.key, pair.key_span);
    Kw("=");
    Str(pair.value);
  }
  NewLine(1, LineKind::kCloseCont);
  Kw("}");
  Decide(first);
}

void Printer::PrintObjects(const AppBody& body) {
  NewLine(1, LineKind::kChild);
  Kw("objects");
  Kw("{");
  if (body.objects.empty()) return EmptyBlock(1, LineKind::kClose);
  for (const ObjectsEntry& e : body.objects) {
    NewLine(2, LineKind::kChild);
    Qual(e.resource);
    Kw(":", true);
    CommaList(e.names, [&](const StringLit& s) { Str(s); });
  }
  NewLine(1, LineKind::kClose);
  Kw("}");
}

// `pipeline release = "build" in ci { serviceaccount deployer }`.
void Printer::PrintPipeline(const PipelineBody& body) {
  size_t first = lines_.size() - 1;
  Kw("in");
  Qual(body.ns);
  Kw("{");
  if (body.serviceaccount) {
    NewLine(1, LineKind::kCont);
    Kw("serviceaccount");
    Qual(*body.serviceaccount);
  }
  NewLine(0, LineKind::kCloseCont);
  Kw("}");
  Decide(first);
}

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
  }
}

// Joins each run of consecutive lines of lines_ with ops[i] set (index i
// for line first + i) when the joined line fits and keeps its comments.
void Printer::JoinRuns(size_t first, const std::vector<bool>& ops) {
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
    if (b > a && Width(joined) <= kMaxWidth && !CommentForcesBreak(lines_, a, b, toks_, comments_)) {
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
  Kw(r.effect == Effect::Allow ? "allow" : "deny");
  CommaList(r.subjects, [&](const Subject& s) { PrintSubject(s); });
  Kw("to");
  if (const auto* api = std::get_if<ApiRule>(&r.target)) {
    Qual(api->action);
    if (api->app) Qual(*api->app);
    Kw("in");
    if (api->cluster) Val("cluster", *api->cluster);
    else QualList(api->namespaces);
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
    for (const OpClause& op : call->ops) clauses.emplace_back(op.span.begin, true, [&] { PrintOp(op); });
    for (const Condition& c : call->conditions) {
      clauses.emplace_back(c.span.begin, false, [&] { PrintCondition(c); });
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
      case OpField::Hosts: Val(Quote(v.text), v.span); break;
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
  Kw(e.effect == Effect::Allow ? "allow" : "deny");
  PrintSubject(e.subject);
  Kw("to");
  if (const auto* api = std::get_if<ExpectApi>(&e.target)) {
    if (api->star) Val("*", *api->star);
    else Qual(*api->first);
    if (api->second) Qual(*api->second);
    if (api->object) Str(*api->object);
    Kw("in");
    if (api->cluster) Val("cluster", *api->cluster);
    else Qual(*api->ns);
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
  std::vector<std::pair<uint32_t, std::function<void()>>> clauses;
  if (c.method) clauses.emplace_back(c.method->span.begin, [&] { Kw("method"); Val(c.method->text, c.method->span); });
  if (c.path) clauses.emplace_back(c.path->span.begin, [&] { Kw("path"); Str(*c.path); });
  if (c.port) clauses.emplace_back(c.port->span.begin, [&] { Kw("port"); Int(*c.port); });
  if (c.host) clauses.emplace_back(c.host->span.begin, [&] { Kw("host"); Str(*c.host); });
  for (const HeaderMatch& h : c.headers) {
    clauses.emplace_back(h.name_span.begin, [&] {
      Kw("header");
      WordOrString(h.name, h.name_span);
      Kw("=");
      Str(h.value);
    });
  }
  std::sort(clauses.begin(), clauses.end(),
            [](const auto& a, const auto& b) { return a.first < b.first; });
  size_t first = lines_.size();
  for (auto& clause : clauses) {
    NewLine(2, LineKind::kCont);
    clause.second();
  }
  JoinRuns(first, std::vector<bool>(clauses.size(), true));
}

}  // namespace

Checked FormatChecked(const File& file, const base::SourceFile& source) {
  std::vector<TokPos> toks = LexTokens(source.text(), file.comments);
  Printer printer(source.text(), toks, file.comments);
  printer.PrintFile(file);
  if (!printer.in_sync()) return {std::string(source.text()), false};
  return {Render(source.text(), toks, printer.lines(), file.comments, printer.force_blank_at_end()),
          true};
}

}  // namespace internal

std::optional<std::string> FormatFile(const syntax::File& file, const base::SourceFile& source) {
  if (file.has_syntax_errors || !file.package) return std::nullopt;
  return internal::FormatChecked(file, source).text;
}

}  // namespace stave::fmt
