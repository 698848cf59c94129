// One Build function per grammar rule, each returning a plain AST value.
// A missing child (recovery gave up inside the item) throws Incomplete,
// which the item loop catches to drop that item alone.
#include "compiler/syntax/internal/tree_builder.h"

#include "StaveLexer.h"

#include <algorithm>
#include <charconv>
#include <typeinfo>

#include <fmt/format.h>

namespace stave::syntax::internal {
namespace {

using P = stave_antlr::StaveParser;
using L = stave_antlr::StaveLexer;
using antlr4::tree::ParseTree;
using antlr4::tree::TerminalNode;

struct Incomplete {};

// Children by rule index or token type, as the generated accessors find
// them (parser_base.h).
using stave_antlr::IsTerminalNode;
using stave_antlr::RuleChild;
using stave_antlr::RuleChildren;
using stave_antlr::TokenChild;

// What ANTLR's getText gives for `t`, the concatenated text of its tokens,
// without its stringstream when the tree is a chain of single children
// down to one token (`verb`: a name or `*`): that was 9% of building the
// tree.
std::string ChainText(ParseTree* t) {
  while (!IsTerminalNode(t)) {
    auto* r = static_cast<antlr4::ParserRuleContext*>(t);
    if (r->children.size() != 1) return r->getText();
    t = r->children[0];
  }
  return static_cast<TerminalNode*>(t)->getSymbol()->getText();
}

// The labeled alternative `node` is, when it is T: the generated classes of
// alternatives have no subclasses, so the exact type decides.
template <typename T, typename Base>
T* Exactly(Base* node) {
  return node != nullptr && typeid(*node) == typeid(T) ? static_cast<T*>(node) : nullptr;
}

class Builder {
 public:
  Builder(antlr4::CommonTokenStream& tokens, const OffsetMap& map, base::FileId file,
          diag::DiagnosticList& diags)
      : tokens_(tokens), map_(map), file_(file), diags_(diags) {}

  File Build(P::FileContext* ctx);
  std::optional<ExpectTarget> BuildLone(P::LoneExpectTargetContext* ctx);

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
  void BuildIssuer(P::IssuerDeclContext* ctx, Decl& d);
  LabelPair BuildLabelPair(P::LabelPairContext* pair);
  Expectation BuildTokenSubject(P::TokenSubjectContext* ctx);
  Rule BuildRule(P::PolicyRuleContext* ctx);
  Subject BuildSubject(P::SubjectContext* ctx);
  CallRule BuildCall(P::CallTargetContext* ctx);
  OpClause BuildOp(P::CallClauseContext* ctx);
  Condition BuildCondition(P::ConditionContext* ctx);
  TestBlock BuildTest(P::TestBlockContext* ctx);
  Expectation BuildExpectation(P::ExpectationContext* ctx);
  ExpectTarget BuildTarget(P::ExpectTargetContext* ctx);

  // `{ … }` clauses may come in any order, each at most once (spec §4).
  void Once(std::optional<Span>& seen, Span at, std::string_view clause);

  antlr4::CommonTokenStream& tokens_;
  const OffsetMap& map_;
  base::FileId file_;
  diag::DiagnosticList& diags_;
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
  auto names = RuleChildren<P::NameContext>(ctx, P::RuleName);
  if (names.empty()) throw Incomplete{};
  if (names.size() == 2) {
    q.package = Name(names[0]);
    q.name = Name(names[1]);
  } else {
    if (TokenChild(ctx, L::DOT) != nullptr) throw Incomplete{};
    q.name = Name(names[0]);
  }
  q.span = CtxSpan(ctx);
  return q;
}

std::vector<QualName> Builder::Names(P::NameListContext* ctx) {
  std::vector<QualName> out;
  for (auto* q : RuleChildren<P::QualifiedNameContext>(Need(ctx), P::RuleQualifiedName)) {
    out.push_back(Qual(q));
  }
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
    if (Exactly<P::DefaultDenyClauseContext>(clause)) Once(body.default_deny, at, "default deny");
    else if (Exactly<P::MtlsStrictClauseContext>(clause)) Once(body.mtls_strict, at, "mtls strict");
  }
  d.body = body;
}

void Builder::BuildServiceAccount(P::ServiceAccountDeclContext* ctx, Decl& d) {
  ServiceAccountBody body;
  body.namespaces = Names(ctx->nameList());
  for (auto* clause : ctx->serviceAccountClause()) {
    Span at = CtxSpan(clause);
    if (Exactly<P::ExternalClauseContext>(clause)) {
      Once(body.external, at, "external");
    } else if (Exactly<P::AutomountClauseContext>(clause)) {
      Once(body.automount_off, at, "automount");
    } else if (auto* ann = Exactly<P::AnnotationsClauseContext>(clause)) {
      if (body.annotations_span) body.annotations.clear();
      Once(body.annotations_span, at, "annotations");
      for (auto* pair : RuleChildren<P::LabelPairContext>(ann, P::RuleLabelPair)) {
        body.annotations.push_back(BuildLabelPair(pair));
      }
    }
  }
  d.body = std::move(body);
}

void Builder::BuildAction(P::ActionDeclContext* ctx, Decl& d) {
  ActionBody body;
  for (auto* item : ctx->actionItem()) {
    ActionItem a;
    a.span = CtxSpan(item);
    if (auto* inc = Exactly<P::IncludeItemContext>(item)) {
      a.kind = ActionItem::Kind::Include;
      a.target = Qual(inc->qualifiedName());
    } else {
      auto* grant = Need(Exactly<P::GrantItemContext>(item));
      a.kind = ActionItem::Kind::Grant;
      a.target = Qual(grant->qualifiedName());
      for (auto* v : grant->verb()) {
        a.verbs.push_back({ChainText(v), CtxSpan(v)});
      }
      if (a.verbs.empty()) throw Incomplete{};
    }
    body.items.push_back(std::move(a));
  }
  d.body = body;
}

LabelPair Builder::BuildLabelPair(P::LabelPairContext* pair) {
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
  return lp;
}

void Builder::BuildApp(P::AppDeclContext* ctx, Decl& d) {
  AppBody body;
  body.namespaces = Names(ctx->nameList());
  std::optional<Span> sa_seen;
  for (auto* clause : ctx->appClause()) {
    Span at = CtxSpan(clause);
    if (auto* sel = Exactly<P::SelectorClauseContext>(clause)) {
      Once(body.selector_span, at, "selector");
      for (auto* pair : sel->labelPair()) body.selector.push_back(BuildLabelPair(pair));
    } else if (auto* sa = Exactly<P::AppServiceAccountClauseContext>(clause)) {
      Once(sa_seen, at, "serviceaccount");
      body.serviceaccount = Qual(sa->qualifiedName());
    } else if (auto* ports = Exactly<P::PortsClauseContext>(clause)) {
      Once(body.ports_span, at, "ports");
      for (auto* spec : ports->portSpec()) {
        PortSpec p;
        p.number = Int(spec->INT());
        if (spec->IDENT()) p.protocol = Ident{spec->IDENT()->getText(), NodeSpan(spec->IDENT())};
        p.span = CtxSpan(spec);
        body.ports.push_back(std::move(p));
      }
    } else if (auto* objects = Exactly<P::ObjectsClauseContext>(clause)) {
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

void Builder::BuildIssuer(P::IssuerDeclContext* ctx, Decl& d) {
  IssuerBody body;
  for (auto* clause : ctx->issuerClause()) {
    Span at = CtxSpan(clause);
    if (auto* jwks = Exactly<P::JwksClauseContext>(clause)) {
      Once(body.jwks_span, at, "jwks");
      body.jwks = String(TokenChild(jwks, L::STRING));
    } else if (auto* aud = Exactly<P::AudiencesClauseContext>(clause)) {
      if (body.audiences_span) body.audiences.clear();
      Once(body.audiences_span, at, "audiences");
      for (auto* s : aud->STRING()) body.audiences.push_back(String(s));
      if (body.audiences.empty()) throw Incomplete{};
    } else if (auto* header = Exactly<P::HeaderClauseContext>(clause)) {
      Once(body.header_span, at, "header");
      body.header = String(TokenChild(header, L::STRING, 0));
      if (TokenChild(header, L::PREFIX)) body.prefix = String(TokenChild(header, L::STRING, 1));
    }
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
  // One child: the declaration of one kind.
  antlr4::ParserRuleContext* c = nullptr;
  for (ParseTree* child : ctx->children) {
    if (!IsTerminalNode(child)) {
      c = static_cast<antlr4::ParserRuleContext*>(child);
      break;
    }
  }
  if (c == nullptr) throw Incomplete{};
  auto name = [&] { return RuleChild<P::NameContext>(c, P::RuleName); };
  auto value = [&] { return TokenChild(c, L::STRING); };
  switch (c->getRuleIndex()) {
    case P::RuleNamespaceDecl:
      common(DeclKind::Namespace, name(), value());
      BuildNamespace(static_cast<P::NamespaceDeclContext*>(c), d);
      break;
    case P::RuleUserDecl: common(DeclKind::User, name(), value()); break;
    case P::RuleGroupDecl: common(DeclKind::Group, name(), value()); break;
    case P::RuleServiceAccountDecl:
      common(DeclKind::ServiceAccount, name(), value());
      BuildServiceAccount(static_cast<P::ServiceAccountDeclContext*>(c), d);
      break;
    case P::RuleResourceDecl: common(DeclKind::Resource, name(), Need(value())); break;
    case P::RuleActionDecl:
      common(DeclKind::Action, name(), nullptr);
      BuildAction(static_cast<P::ActionDeclContext*>(c), d);
      break;
    case P::RuleAppDecl:
      common(DeclKind::App, name(), nullptr);
      BuildApp(static_cast<P::AppDeclContext*>(c), d);
      break;
    case P::RulePipelineDecl:
      common(DeclKind::Pipeline, name(), value());
      BuildPipeline(static_cast<P::PipelineDeclContext*>(c), d);
      break;
    case P::RuleIssuerDecl:
      common(DeclKind::Issuer, name(), Need(value()));
      if (!d.value) throw Incomplete{};
      BuildIssuer(static_cast<P::IssuerDeclContext*>(c), d);
      break;
    default: throw Incomplete{};
  }
  return d;
}

Subject Builder::BuildSubject(P::SubjectContext* ctx) {
  Subject s;
  s.span = CtxSpan(Need(ctx));
  if (auto* ns = Exactly<P::NamespaceSubjectContext>(ctx)) {
    s.kind = Subject::Kind::Namespace;
    s.name = Qual(RuleChild<P::QualifiedNameContext>(ns, P::RuleQualifiedName));
  } else if (Exactly<P::AnySubjectContext>(ctx)) {
    s.kind = Subject::Kind::Any;
  } else if (Exactly<P::AuthenticatedSubjectContext>(ctx)) {
    s.kind = Subject::Kind::Authenticated;
  } else if (auto* iss = Exactly<P::IssuerSubjectContext>(ctx)) {
    s.kind = Subject::Kind::Issuer;
    s.name = Qual(RuleChild<P::QualifiedNameContext>(iss, P::RuleQualifiedName));
    if (TokenChild(iss, L::SUBJECT)) s.token_subject = String(TokenChild(iss, L::STRING));
  } else if (auto* named = Exactly<P::NamedSubjectContext>(ctx)) {
    s.kind = Subject::Kind::Named;
    s.name = Qual(RuleChild<P::QualifiedNameContext>(named, P::RuleQualifiedName));
  } else {
    throw Incomplete{};
  }
  return s;
}

OpClause Builder::BuildOp(P::CallClauseContext* ctx) {
  OpClause op;
  op.span = CtxSpan(ctx);
  if (auto* m = Exactly<P::MethodsClauseContext>(ctx)) {
    op.field = OpField::Methods;
    op.negated = m->NOT() != nullptr;
    for (auto* n : m->name()) {
      Ident id = Name(n);
      op.values.push_back({id.text, {}, id.span});
    }
  } else if (auto* p = Exactly<P::PathsClauseContext>(ctx)) {
    op.field = OpField::Paths;
    op.negated = p->NOT() != nullptr;
    for (auto* s : p->STRING()) {
      StringLit lit = String(s);
      op.values.push_back({lit.value, {}, lit.span});
    }
  } else if (auto* h = Exactly<P::HostsClauseContext>(ctx)) {
    op.field = OpField::Hosts;
    op.negated = h->NOT() != nullptr;
    for (auto* s : h->STRING()) {
      StringLit lit = String(s);
      op.values.push_back({lit.value, {}, lit.span});
    }
  } else if (auto* ports = Exactly<P::PortsMatchClauseContext>(ctx)) {
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
    if (auto* when = Exactly<P::WhenClauseContext>(clause)) {
      call.conditions.push_back(BuildCondition(when->condition()));
      continue;
    }
    if (auto* level = Exactly<P::LevelClauseContext>(clause)) {
      call.level = Name(Need(RuleChild<P::NameContext>(level, P::RuleName)));
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
  auto* effect = Need(RuleChild<P::EffectContext>(ctx, P::RuleEffect));
  r.effect = TokenChild(effect, L::DENY)    ? Effect::Deny
             : TokenChild(effect, L::AUDIT) ? Effect::Audit
                                            : Effect::Allow;
  r.effect_span = CtxSpan(effect);
  for (auto* s : RuleChildren<P::SubjectContext>(ctx, P::RuleSubject)) {
    r.subjects.push_back(BuildSubject(s));
  }
  auto* target = Need(RuleChild<P::RuleTargetContext>(ctx, P::RuleRuleTarget));
  if (auto* call = Exactly<P::CallTargetContext>(target)) {
    r.target = BuildCall(call);
  } else if (auto* run = Exactly<P::RunTargetContext>(target)) {
    r.target = RunRule{Names(Need(RuleChild<P::NameListContext>(run, P::RuleNameList)))};
    if (auto* in = TokenChild(run, L::IN)) {
      diags_.report(diag::Code::E0215, TokSpan(in->getSymbol()),
                    "a run rule takes no `in`", "remove the `in …` part")
          .with_help("a pipeline runs in the namespace its `pipeline` declaration names");
    }
  } else if (auto* api = Exactly<P::ApiTargetContext>(target)) {
    ApiRule a;
    a.action = Qual(Need(api->action));
    if (api->app) a.app = Qual(api->app);
    if (auto* cluster = TokenChild(api, L::CLUSTER)) a.cluster = NodeSpan(cluster);
    else a.namespaces = Names(RuleChild<P::NameListContext>(api, P::RuleNameList));
    if (api->level) a.level = Name(api->level);
    r.target = std::move(a);
  } else {
    throw Incomplete{};
  }
  return r;
}

Expectation Builder::BuildExpectation(P::ExpectationContext* ctx) {
  Expectation e;
  e.span = CtxSpan(ctx);
  auto* effect = Need(RuleChild<P::ExpectEffectContext>(ctx, P::RuleExpectEffect));
  e.audit = TokenChild(effect, L::AUDITED) || TokenChild(effect, L::UNAUDITED);
  e.effect = TokenChild(effect, L::DENY) || TokenChild(effect, L::UNAUDITED) ? Effect::Deny
                                                                               : Effect::Allow;
  auto* subject = Need(RuleChild<P::ExpectSubjectContext>(ctx, P::RuleExpectSubject));
  if (auto* plain = Exactly<P::PlaintextSubjectContext>(subject)) {
    e.subject.kind = Subject::Kind::Plaintext;
    e.subject.span = CtxSpan(plain);
  } else if (auto* token = Exactly<P::TokenSubjectContext>(subject)) {
    Expectation parts = BuildTokenSubject(token);
    e.subject = std::move(parts.subject);
    e.claims = std::move(parts.claims);
    e.via = std::move(parts.via);
  } else {
    // Recovery can leave the base context, with no alternative chosen.
    auto* rule_subject = Need(Exactly<P::RuleSubjectContext>(subject));
    e.subject = BuildSubject(RuleChild<P::SubjectContext>(rule_subject, P::RuleSubject));
  }
  e.target = BuildTarget(Need(RuleChild<P::ExpectTargetContext>(ctx, P::RuleExpectTarget)));
  return e;
}

ExpectTarget Builder::BuildTarget(P::ExpectTargetContext* target) {
  if (auto* call = Exactly<P::ExpectCallContext>(target)) {
    ExpectCall c;
    c.app = Qual(call->app);
    if (call->ns) c.ns = Qual(call->ns);
    // One request has one method, path, port and host.
    std::optional<Span> seen[4];
    for (auto* clause : RuleChildren<P::ExpectCallClauseContext>(call, P::RuleExpectCallClause)) {
      Span at = CtxSpan(clause);
      if (auto* m = Exactly<P::ExpectMethodContext>(clause)) {
        Once(seen[0], at, "method");
        c.method = Name(RuleChild<P::NameContext>(m, P::RuleName));
      } else if (auto* p = Exactly<P::ExpectPathContext>(clause)) {
        Once(seen[1], at, "path");
        c.path = String(TokenChild(p, L::STRING));
      } else if (auto* port = Exactly<P::ExpectPortContext>(clause)) {
        Once(seen[2], at, "port");
        c.port = Int(TokenChild(port, L::INT));
      } else if (auto* h = Exactly<P::ExpectHostContext>(clause)) {
        Once(seen[3], at, "host");
        c.host = String(TokenChild(h, L::STRING));
      } else if (auto* hdr = Exactly<P::ExpectHeaderContext>(clause)) {
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
    return c;
  }
  if (auto* run = Exactly<P::ExpectRunContext>(target)) {
    ExpectRun r;
    r.pipeline = Qual(run->pipeline);
    if (run->sa) r.as = Qual(run->sa);
    return r;
  }
  if (auto* api = Exactly<P::ExpectApiContext>(target)) {
    ExpectApi a;
    if (auto* star = TokenChild(api, L::STAR)) a.star = NodeSpan(star);
    else a.first = Qual(Need(api->first));
    if (api->second) a.second = Qual(api->second);
    if (auto* object = TokenChild(api, L::STRING)) a.object = String(object);
    if (auto* cluster = TokenChild(api, L::CLUSTER)) a.cluster = NodeSpan(cluster);
    else a.ns = Qual(Need(api->ns));
    if (api->level) a.level = Name(api->level);
    return a;
  }
  throw Incomplete{};
}

// `issuer NAME [subject "S"] [claim K = "V"]… [via SOURCE]`: the subject,
// claims and peer of a token request, returned in an Expectation's fields.
Expectation Builder::BuildTokenSubject(P::TokenSubjectContext* ctx) {
  Expectation e;
  Subject& s = e.subject;
  s.kind = Subject::Kind::Issuer;
  s.name = Qual(RuleChild<P::QualifiedNameContext>(ctx, P::RuleQualifiedName));
  if (TokenChild(ctx, L::SUBJECT)) s.token_subject = String(TokenChild(ctx, L::STRING));
  s.span = s.token_subject ? s.name.span.to(s.token_subject->span) : s.name.span;
  s.span = TokSpan(ctx->getStart()).to(s.span);
  for (auto* claim : RuleChildren<P::TokenClaimContext>(ctx, P::RuleTokenClaim)) {
    ClaimMatch m;
    if (claim->key) {
      StringLit k = String(TokenChild(claim, L::STRING, 0));
      m.name = k.value;
      m.name_span = k.span;
    } else {
      Ident w = Word(Need(RuleChild<P::AnyWordContext>(claim, P::RuleAnyWord)));
      m.name = w.text;
      m.name_span = w.span;
    }
    if (claim->value == nullptr) throw Incomplete{};
    m.value = String(TokenChild(claim, L::STRING, claim->key ? 1 : 0));
    e.claims.push_back(std::move(m));
  }
  if (auto* via = RuleChild<P::SubjectContext>(ctx, P::RuleSubject)) e.via.push_back(BuildSubject(via));
  return e;
}

TestBlock Builder::BuildTest(P::TestBlockContext* ctx) {
  TestBlock t;
  t.span = CtxSpan(ctx);
  t.name = String(TokenChild(ctx, L::STRING));
  auto expectations = RuleChildren<P::ExpectationContext>(ctx, P::RuleExpectation);
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
  // Where syntax errors were reported: an item that recovery resumed at in
  // the middle of a broken line (`allow not namespace foo to …` resumes at
  // `namespace foo`) is a guess, not something the user declared, and
  // checking it would invent errors (a "declared twice" for `foo`).
  std::vector<uint32_t> errors;
  for (const diag::Diagnostic& d : diags_.items()) {
    if (d.primary.span.file == file_ && d.severity == diag::Severity::Error) {
      errors.push_back(d.primary.span.begin);
    }
  }
  std::sort(errors.begin(), errors.end());
  antlr4::Token* previous_start = nullptr;
  for (auto* item : RuleChildren<P::ItemContext>(ctx, P::RuleItem)) {
    antlr4::Token* start = item->getStart();
    bool resumed = previous_start != nullptr && start != nullptr &&
                   start->getLine() == previous_start->getLine() &&
                   std::lower_bound(errors.begin(), errors.end(), CtxSpan(item).begin + 1) !=
                       std::lower_bound(errors.begin(), errors.end(),
                                        map_.byte_offset(previous_start->getStartIndex()));
    if (start != nullptr && !resumed) previous_start = start;
    if (resumed) continue;
    try {
      if (auto* d = RuleChild<P::DeclarationContext>(item, P::RuleDeclaration)) {
        f.decls.push_back(BuildDecl(d));
      } else if (auto* r = RuleChild<P::PolicyRuleContext>(item, P::RulePolicyRule)) {
        f.rules.push_back(BuildRule(r));
      } else if (auto* t = RuleChild<P::TestBlockContext>(item, P::RuleTestBlock)) {
        f.tests.push_back(BuildTest(t));
      }
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

std::optional<ExpectTarget> Builder::BuildLone(P::LoneExpectTargetContext* ctx) {
  try {
    return BuildTarget(Need(RuleChild<P::ExpectTargetContext>(ctx, P::RuleExpectTarget)));
  } catch (const Incomplete&) {
    return std::nullopt;  // recovery already reported why
  }
}

}  // namespace

std::optional<ExpectTarget> BuildLoneTarget(P::LoneExpectTargetContext* tree,
                                            antlr4::CommonTokenStream& tokens, const OffsetMap& map,
                                            base::FileId file, diag::DiagnosticList& diags) {
  return Builder(tokens, map, file, diags).BuildLone(tree);
}

File BuildFile(P::FileContext* tree, antlr4::CommonTokenStream& tokens, const OffsetMap& map,
               base::FileId file, diag::DiagnosticList& diags) {
  return Builder(tokens, map, file, diags).Build(tree);
}

}  // namespace stave::syntax::internal
