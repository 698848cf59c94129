// One Build function per grammar rule, each returning a plain AST value.
// A missing child (recovery gave up inside the item) throws Incomplete,
// which the item loop catches to drop that item alone.
#include "compiler/syntax/internal/tree_builder.h"

#include "StaveLexer.h"

#include <charconv>

#include <fmt/format.h>

namespace stave::syntax::internal {
namespace {

using P = stave_antlr::StaveParser;
using antlr4::tree::TerminalNode;

struct Incomplete {};

class Builder {
 public:
  Builder(antlr4::CommonTokenStream& tokens, const OffsetMap& map, base::FileId file,
          diag::DiagnosticList& diags)
      : tokens_(tokens), map_(map), file_(file), diags_(diags) {}

  File Build(P::FileContext* ctx);

 private:
  template <typename T>
  T* Need(T* node) {
    if (node == nullptr) throw Incomplete{};
    return node;
  }
  Span TokSpan(antlr4::Token* t) {
    if (t == nullptr || t->getStartIndex() == INVALID_INDEX) throw Incomplete{};
    return TokenSpan(t, map_, file_);
  }
  Span NodeSpan(TerminalNode* n) { return TokSpan(Need(n)->getSymbol()); }
  Span CtxSpan(antlr4::ParserRuleContext* ctx) {
    Span begin = TokSpan(ctx->getStart());
    antlr4::Token* stop = ctx->getStop();
    if (stop == nullptr || stop->getTokenIndex() < ctx->getStart()->getTokenIndex()) return begin;
    return begin.to(TokSpan(stop));
  }

  Ident Name(P::NameContext* ctx);
  Ident Word(P::AnyWordContext* ctx);
  QualName Qual(P::QualifiedNameContext* ctx);
  std::vector<QualName> Names(P::NameListContext* ctx);
  StringLit String(TerminalNode* node);
  IntLit Int(TerminalNode* node);
  std::string DocBefore(antlr4::ParserRuleContext* ctx);

  Decl BuildDecl(P::DeclarationContext* ctx);
  void BuildNamespace(P::NamespaceDeclContext* ctx, Decl& d);
  void BuildServiceAccount(P::ServiceAccountDeclContext* ctx, Decl& d);
  void BuildAction(P::ActionDeclContext* ctx, Decl& d);
  void BuildApp(P::AppDeclContext* ctx, Decl& d);
  void BuildPipeline(P::PipelineDeclContext* ctx, Decl& d);
  Rule BuildRule(P::PolicyRuleContext* ctx);
  Subject BuildSubject(P::SubjectContext* ctx);
  CallRule BuildCall(P::CallTargetContext* ctx);
  OpClause BuildOp(P::CallClauseContext* ctx);
  Condition BuildCondition(P::ConditionContext* ctx);
  TestBlock BuildTest(P::TestBlockContext* ctx);
  Expectation BuildExpectation(P::ExpectationContext* ctx);

  // `{ … }` clauses may come in any order, each at most once (spec §4).
  void Once(std::optional<Span>& seen, Span at, std::string_view clause);

  antlr4::CommonTokenStream& tokens_;
  const OffsetMap& map_;
  base::FileId file_;
  diag::DiagnosticList& diags_;
  uint32_t next_id_ = 1;
};

Ident Builder::Name(P::NameContext* ctx) {
  Need(ctx);
  antlr4::Token* t = ctx->getStart();
  return {t->getText(), TokSpan(t)};
}

Ident Builder::Word(P::AnyWordContext* ctx) {
  Need(ctx);
  antlr4::Token* t = ctx->getStart();
  return {t->getText(), TokSpan(t)};
}

QualName Builder::Qual(P::QualifiedNameContext* ctx) {
  Need(ctx);
  QualName q;
  auto names = ctx->name();
  if (names.empty()) throw Incomplete{};
  if (names.size() == 2) {
    q.package = Name(names[0]);
    q.name = Name(names[1]);
  } else {
    if (ctx->DOT() != nullptr) throw Incomplete{};
    q.name = Name(names[0]);
  }
  q.span = CtxSpan(ctx);
  q.id = next_id_++;
  return q;
}

std::vector<QualName> Builder::Names(P::NameListContext* ctx) {
  std::vector<QualName> out;
  for (auto* q : Need(ctx)->qualifiedName()) out.push_back(Qual(q));
  if (out.empty()) throw Incomplete{};
  return out;
}

StringLit Builder::String(TerminalNode* node) {
  Span span = NodeSpan(node);
  return {Unescape(node->getText(), span, diags_), span};
}

IntLit Builder::Int(TerminalNode* node) {
  IntLit lit;
  lit.span = NodeSpan(node);
  std::string text = node->getText();
  auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), lit.value);
  lit.overflow = ec != std::errc();
  return lit;
}

std::string Builder::DocBefore(antlr4::ParserRuleContext* ctx) {
  size_t index = ctx->getStart()->getTokenIndex();
  std::vector<std::string> lines;
  while (index > 0) {
    antlr4::Token* t = tokens_.get(--index);
    if (t->getType() == stave_antlr::StaveLexer::WS) continue;
    if (t->getType() != stave_antlr::StaveLexer::DOC_COMMENT) break;
    std::string text = t->getText().substr(3);
    if (!text.empty() && text[0] == ' ') text.erase(0, 1);
    lines.push_back(text);
  }
  std::string doc;
  for (auto it = lines.rbegin(); it != lines.rend(); ++it) {
    if (!doc.empty()) doc += '\n';
    doc += *it;
  }
  return doc;
}

void Builder::Once(std::optional<Span>& seen, Span at, std::string_view clause) {
  if (seen) {
    diags_.report(diag::Code::E0008, at, fmt::format("`{}` is given twice in one block", clause),
                  "given again here")
        .note("first given here", *seen)
        .with_help("each clause may appear at most once; merge the two");
    return;
  }
  seen = at;
}

void Builder::BuildNamespace(P::NamespaceDeclContext* ctx, Decl& d) {
  NamespaceBody body;
  for (auto* clause : ctx->namespaceClause()) {
    Span at = CtxSpan(clause);
    if (dynamic_cast<P::DefaultDenyClauseContext*>(clause)) Once(body.default_deny, at, "default deny");
    else if (dynamic_cast<P::MtlsStrictClauseContext*>(clause)) Once(body.mtls_strict, at, "mtls strict");
  }
  d.body = body;
}

void Builder::BuildServiceAccount(P::ServiceAccountDeclContext* ctx, Decl& d) {
  ServiceAccountBody body;
  body.namespaces = Names(ctx->nameList());
  for (auto* clause : ctx->serviceAccountClause()) Once(body.external, CtxSpan(clause), "external");
  d.body = body;
}

void Builder::BuildAction(P::ActionDeclContext* ctx, Decl& d) {
  ActionBody body;
  for (auto* item : ctx->actionItem()) {
    ActionItem a;
    a.span = CtxSpan(item);
    if (auto* inc = dynamic_cast<P::IncludeItemContext*>(item)) {
      a.kind = ActionItem::Kind::Include;
      a.target = Qual(inc->qualifiedName());
    } else {
      auto* grant = Need(dynamic_cast<P::GrantItemContext*>(item));
      a.kind = ActionItem::Kind::Grant;
      a.target = Qual(grant->qualifiedName());
      for (auto* v : grant->verb()) {
        a.verbs.push_back({v->getText(), CtxSpan(v)});
      }
      if (a.verbs.empty()) throw Incomplete{};
    }
    body.items.push_back(std::move(a));
  }
  d.body = body;
}

void Builder::BuildApp(P::AppDeclContext* ctx, Decl& d) {
  AppBody body;
  body.namespaces = Names(ctx->nameList());
  std::optional<Span> sa_seen;
  for (auto* clause : ctx->appClause()) {
    Span at = CtxSpan(clause);
    if (auto* sel = dynamic_cast<P::SelectorClauseContext*>(clause)) {
      Once(body.selector_span, at, "selector");
      for (auto* pair : sel->labelPair()) {
        LabelPair lp;
        auto* key = Need(pair->labelKey());
        if (key->STRING()) {
          StringLit s = String(key->STRING());
          lp.key = s.value;
          lp.key_span = s.span;
        } else {
          Ident w = Word(key->anyWord());
          lp.key = w.text;
          lp.key_span = w.span;
        }
        lp.value = String(pair->STRING());
        body.selector.push_back(std::move(lp));
      }
    } else if (auto* sa = dynamic_cast<P::AppServiceAccountClauseContext*>(clause)) {
      Once(sa_seen, at, "serviceaccount");
      body.serviceaccount = Qual(sa->qualifiedName());
    } else if (auto* ports = dynamic_cast<P::PortsClauseContext*>(clause)) {
      Once(body.ports_span, at, "ports");
      for (auto* spec : ports->portSpec()) {
        PortSpec p;
        p.number = Int(spec->INT());
        if (spec->IDENT()) p.protocol = Ident{spec->IDENT()->getText(), NodeSpan(spec->IDENT())};
        p.span = CtxSpan(spec);
        body.ports.push_back(std::move(p));
      }
    } else if (auto* objects = dynamic_cast<P::ObjectsClauseContext*>(clause)) {
      Once(body.objects_span, at, "objects");
      for (auto* entry : objects->objectsEntry()) {
        ObjectsEntry e;
        e.resource = Qual(entry->qualifiedName());
        for (auto* s : entry->STRING()) e.names.push_back(String(s));
        if (e.names.empty()) throw Incomplete{};
        e.span = CtxSpan(entry);
        body.objects.push_back(std::move(e));
      }
    }
  }
  d.body = std::move(body);
}

void Builder::BuildPipeline(P::PipelineDeclContext* ctx, Decl& d) {
  PipelineBody body;
  body.ns = Qual(ctx->qualifiedName());
  std::optional<Span> seen;
  for (auto* clause : ctx->pipelineClause()) {
    Once(seen, CtxSpan(clause), "serviceaccount");
    body.serviceaccount = Qual(clause->qualifiedName());
  }
  d.body = std::move(body);
}

Decl Builder::BuildDecl(P::DeclarationContext* ctx) {
  Decl d;
  d.span = CtxSpan(ctx);
  d.keyword_span = TokSpan(ctx->getStart());
  d.doc = DocBefore(ctx);
  auto common = [&](DeclKind kind, P::NameContext* name, TerminalNode* value) {
    d.kind = kind;
    d.name = Name(name);
    // `group sre =` with the string missing: keep the declaration without
    // a value so that its uses do not cascade into unknown-name errors.
    if (value && value->getSymbol()->getStartIndex() != INVALID_INDEX) d.value = String(value);
  };
  if (auto* c = ctx->namespaceDecl()) {
    common(DeclKind::Namespace, c->name(), c->STRING());
    BuildNamespace(c, d);
  } else if (auto* c = ctx->userDecl()) {
    common(DeclKind::User, c->name(), c->STRING());
  } else if (auto* c = ctx->groupDecl()) {
    common(DeclKind::Group, c->name(), c->STRING());
  } else if (auto* c = ctx->serviceAccountDecl()) {
    common(DeclKind::ServiceAccount, c->name(), c->STRING());
    BuildServiceAccount(c, d);
  } else if (auto* c = ctx->resourceDecl()) {
    common(DeclKind::Resource, c->name(), Need(c->STRING()));
  } else if (auto* c = ctx->actionDecl()) {
    common(DeclKind::Action, c->name(), nullptr);
    BuildAction(c, d);
  } else if (auto* c = ctx->appDecl()) {
    common(DeclKind::App, c->name(), nullptr);
    BuildApp(c, d);
  } else if (auto* c = ctx->pipelineDecl()) {
    common(DeclKind::Pipeline, c->name(), c->STRING());
    BuildPipeline(c, d);
  } else {
    throw Incomplete{};
  }
  return d;
}

Subject Builder::BuildSubject(P::SubjectContext* ctx) {
  Subject s;
  s.span = CtxSpan(Need(ctx));
  if (auto* ns = dynamic_cast<P::NamespaceSubjectContext*>(ctx)) {
    s.kind = Subject::Kind::Namespace;
    s.name = Qual(ns->qualifiedName());
  } else if (dynamic_cast<P::AnySubjectContext*>(ctx)) {
    s.kind = Subject::Kind::Any;
  } else if (dynamic_cast<P::AuthenticatedSubjectContext*>(ctx)) {
    s.kind = Subject::Kind::Authenticated;
  } else if (auto* named = dynamic_cast<P::NamedSubjectContext*>(ctx)) {
    s.kind = Subject::Kind::Named;
    s.name = Qual(named->qualifiedName());
  } else {
    throw Incomplete{};
  }
  return s;
}

OpClause Builder::BuildOp(P::CallClauseContext* ctx) {
  OpClause op;
  op.span = CtxSpan(ctx);
  if (auto* m = dynamic_cast<P::MethodsClauseContext*>(ctx)) {
    op.field = OpField::Methods;
    op.negated = m->NOT() != nullptr;
    for (auto* n : m->name()) {
      Ident id = Name(n);
      op.values.push_back({id.text, {}, id.span});
    }
  } else if (auto* p = dynamic_cast<P::PathsClauseContext*>(ctx)) {
    op.field = OpField::Paths;
    op.negated = p->NOT() != nullptr;
    for (auto* s : p->STRING()) {
      StringLit lit = String(s);
      op.values.push_back({lit.value, {}, lit.span});
    }
  } else if (auto* h = dynamic_cast<P::HostsClauseContext*>(ctx)) {
    op.field = OpField::Hosts;
    op.negated = h->NOT() != nullptr;
    for (auto* s : h->STRING()) {
      StringLit lit = String(s);
      op.values.push_back({lit.value, {}, lit.span});
    }
  } else if (auto* ports = dynamic_cast<P::PortsMatchClauseContext*>(ctx)) {
    op.field = OpField::Ports;
    op.negated = ports->NOT() != nullptr;
    for (auto* i : ports->INT()) {
      IntLit lit = Int(i);
      op.values.push_back({i->getText(), lit, lit.span});
    }
  } else {
    throw Incomplete{};
  }
  if (op.values.empty()) throw Incomplete{};
  return op;
}

Condition Builder::BuildCondition(P::ConditionContext* ctx) {
  Condition c;
  c.span = CtxSpan(Need(ctx));
  auto* key = Need(ctx->conditionKey());
  c.key.span = CtxSpan(key);
  for (auto* w : key->anyWord()) {
    if (w == key->index) continue;
    c.key.parts.push_back(Word(w));
  }
  std::string text;
  for (const Ident& part : c.key.parts) text += (text.empty() ? "" : ".") + part.text;
  if (key->index != nullptr) {
    Ident w = Word(key->index);
    c.key.index = StringLit{w.text, w.span};
  } else if (key->STRING() != nullptr) {
    c.key.index = String(key->STRING());
  } else if (key->LBRACK() != nullptr) {
    throw Incomplete{};
  }
  if (c.key.index) text += "[" + c.key.index->value + "]";
  c.key.text = text;
  if (ctx->op == nullptr) throw Incomplete{};
  c.negated = ctx->op->getType() == stave_antlr::StaveLexer::NEQ;
  for (auto* s : ctx->STRING()) c.values.push_back(String(s));
  if (c.values.empty()) throw Incomplete{};
  return c;
}

CallRule Builder::BuildCall(P::CallTargetContext* ctx) {
  CallRule call;
  call.app = Qual(ctx->qualifiedName());
  if (ctx->IN()) call.namespaces = Names(ctx->nameList());
  // `paths` and `not paths` are different clauses; each at most once.
  std::optional<Span> seen[8];
  static constexpr const char* kNames[] = {"methods", "paths", "ports", "hosts"};
  for (auto* clause : ctx->callClause()) {
    if (auto* when = dynamic_cast<P::WhenClauseContext*>(clause)) {
      call.conditions.push_back(BuildCondition(when->condition()));
      continue;
    }
    OpClause op = BuildOp(clause);
    int slot = static_cast<int>(op.field);
    std::string name = op.negated ? std::string("not ") + kNames[slot] : kNames[slot];
    Once(seen[slot + (op.negated ? 4 : 0)], op.span, name);
    call.ops.push_back(std::move(op));
  }
  return call;
}

Rule Builder::BuildRule(P::PolicyRuleContext* ctx) {
  Rule r;
  r.span = CtxSpan(ctx);
  r.doc = DocBefore(ctx);
  auto* effect = Need(ctx->effect());
  r.effect = effect->DENY() ? Effect::Deny : Effect::Allow;
  r.effect_span = CtxSpan(effect);
  for (auto* s : ctx->subject()) r.subjects.push_back(BuildSubject(s));
  auto* target = Need(ctx->ruleTarget());
  if (auto* call = dynamic_cast<P::CallTargetContext*>(target)) {
    r.target = BuildCall(call);
  } else if (auto* run = dynamic_cast<P::RunTargetContext*>(target)) {
    auto lists = run->nameList();
    r.target = RunRule{Names(Need(lists.empty() ? nullptr : lists.front()))};
    if (run->IN() != nullptr) {
      diags_.report(diag::Code::E0215, TokSpan(run->IN()->getSymbol()),
                    "a run rule takes no `in`", "remove the `in …` part")
          .with_help("a pipeline runs in the namespace its `pipeline` declaration names");
    }
  } else if (auto* api = dynamic_cast<P::ApiTargetContext*>(target)) {
    ApiRule a;
    a.action = Qual(Need(api->action));
    if (api->app) a.app = Qual(api->app);
    if (api->CLUSTER()) a.cluster = NodeSpan(api->CLUSTER());
    else a.namespaces = Names(api->nameList());
    r.target = std::move(a);
  } else {
    throw Incomplete{};
  }
  return r;
}

Expectation Builder::BuildExpectation(P::ExpectationContext* ctx) {
  Expectation e;
  e.span = CtxSpan(ctx);
  e.effect = Need(ctx->effect())->DENY() ? Effect::Deny : Effect::Allow;
  auto* subject = Need(ctx->expectSubject());
  if (auto* plain = dynamic_cast<P::PlaintextSubjectContext*>(subject)) {
    e.subject.kind = Subject::Kind::Plaintext;
    e.subject.span = CtxSpan(plain);
  } else {
    // Recovery can leave the base context, with no alternative chosen.
    e.subject = BuildSubject(Need(dynamic_cast<P::RuleSubjectContext*>(subject))->subject());
  }
  auto* target = Need(ctx->expectTarget());
  if (auto* call = dynamic_cast<P::ExpectCallContext*>(target)) {
    ExpectCall c;
    c.app = Qual(call->app);
    if (call->ns) c.ns = Qual(call->ns);
    // One request has one method, path, port and host.
    std::optional<Span> seen[4];
    for (auto* clause : call->expectCallClause()) {
      Span at = CtxSpan(clause);
      if (auto* m = dynamic_cast<P::ExpectMethodContext*>(clause)) {
        Once(seen[0], at, "method");
        c.method = Name(m->name());
      } else if (auto* p = dynamic_cast<P::ExpectPathContext*>(clause)) {
        Once(seen[1], at, "path");
        c.path = String(p->STRING());
      } else if (auto* port = dynamic_cast<P::ExpectPortContext*>(clause)) {
        Once(seen[2], at, "port");
        c.port = Int(port->INT());
      } else if (auto* h = dynamic_cast<P::ExpectHostContext*>(clause)) {
        Once(seen[3], at, "host");
        c.host = String(h->STRING());
      } else if (auto* hdr = dynamic_cast<P::ExpectHeaderContext*>(clause)) {
        HeaderMatch m;
        if (hdr->key) {
          StringLit k = String(hdr->STRING(0));
          m.name = k.value;
          m.name_span = k.span;
        } else {
          Ident w = Word(hdr->anyWord());
          m.name = w.text;
          m.name_span = w.span;
        }
        m.value = String(hdr->value ? hdr->STRING(hdr->key ? 1 : 0) : nullptr);
        c.headers.push_back(std::move(m));
      }
    }
    e.target = std::move(c);
  } else if (auto* run = dynamic_cast<P::ExpectRunContext*>(target)) {
    ExpectRun r;
    r.pipeline = Qual(run->pipeline);
    if (run->sa) r.as = Qual(run->sa);
    e.target = std::move(r);
  } else if (auto* api = dynamic_cast<P::ExpectApiContext*>(target)) {
    ExpectApi a;
    if (api->STAR()) a.star = NodeSpan(api->STAR());
    else a.first = Qual(Need(api->first));
    if (api->second) a.second = Qual(api->second);
    if (api->STRING()) a.object = String(api->STRING());
    if (api->CLUSTER()) a.cluster = NodeSpan(api->CLUSTER());
    else a.ns = Qual(Need(api->ns));
    e.target = std::move(a);
  } else {
    throw Incomplete{};
  }
  return e;
}

TestBlock Builder::BuildTest(P::TestBlockContext* ctx) {
  TestBlock t;
  t.span = CtxSpan(ctx);
  t.name = String(ctx->STRING());
  auto expectations = ctx->expectation();
  t.expectations.reserve(expectations.size());
  for (auto* e : expectations) {
    try {
      t.expectations.push_back(BuildExpectation(e));
    } catch (const Incomplete&) {
    }
  }
  return t;
}

File Builder::Build(P::FileContext* ctx) {
  File f;
  f.file = file_;
  try {
    if (auto* pkg = ctx->packageDecl()) f.package = Name(pkg->name());
  } catch (const Incomplete&) {
  }
  for (auto* imp : ctx->importDecl()) {
    try {
      Import i;
      i.package = Name(imp->pkg);
      if (imp->alias) i.alias = Name(imp->alias);
      i.span = CtxSpan(imp);
      f.imports.push_back(std::move(i));
    } catch (const Incomplete&) {
    }
  }
  for (auto* item : ctx->item()) {
    try {
      if (auto* d = item->declaration()) f.decls.push_back(BuildDecl(d));
      else if (auto* r = item->policyRule()) f.rules.push_back(BuildRule(r));
      else if (auto* t = item->testBlock()) f.tests.push_back(BuildTest(t));
    } catch (const Incomplete&) {
      // Recovery already reported why; a partial item would only cascade.
    }
  }
  // The AST lives until the end of the run; growth by doubling would leave
  // up to half of these arrays empty (peak memory is a target, bench/).
  f.decls.shrink_to_fit();
  f.rules.shrink_to_fit();
  f.tests.shrink_to_fit();
  return f;
}

}  // namespace

File BuildFile(P::FileContext* tree, antlr4::CommonTokenStream& tokens, const OffsetMap& map,
               base::FileId file, diag::DiagnosticList& diags) {
  return Builder(tokens, map, file, diags).Build(tree);
}

}  // namespace stave::syntax::internal
