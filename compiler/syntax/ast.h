// The owned syntax tree of one `.policy` file. Built right after parsing;
// nothing from ANTLR survives into it. Every node carries its source span;
// references carry an id that sema's side tables are keyed by.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "compiler/base/span.h"

namespace stave::syntax {

using base::Span;

struct Ident {
  std::string text;
  Span span;
};

struct StringLit {
  std::string value;  // escapes resolved
  Span span;
};

struct IntLit {
  uint64_t value = 0;
  bool overflow = false;  // more digits than fit; reported by sema with context
  Span span;
};

// A reference to a declared name: `name` or `pkg.name`.
struct QualName {
  std::optional<Ident> package;
  Ident name;
  Span span;

  std::string text() const { return package ? package->text + "." + name.text : name.text; }
};

// ---------------------------------------------------------------- declarations

enum class DeclKind { Namespace, User, Group, ServiceAccount, Resource, Action, App, Pipeline, Issuer };

struct NamespaceBody {
  std::optional<Span> default_deny;
  std::optional<Span> mtls_strict;
};

struct Verb {
  std::string text;  // `*` for the wildcard
  Span span;
};

struct ActionItem {
  enum class Kind { Include, Grant } kind;
  QualName target;  // the included action, or the resource granted on
  std::vector<Verb> verbs;
  Span span;
};

struct ActionBody {
  std::vector<ActionItem> items;
};

struct LabelPair {
  std::string key;
  Span key_span;
  StringLit value;
};

struct ServiceAccountBody {
  std::vector<QualName> namespaces;
  std::optional<Span> external;
  std::optional<Span> automount_off;     // `automount off` (spec §13)
  std::optional<Span> annotations_span;  // the `annotations { … }` clause
  std::vector<LabelPair> annotations;
};

struct PortSpec {
  IntLit number;
  std::optional<Ident> protocol;  // `http` when absent
  Span span;
};

struct ObjectsEntry {
  QualName resource;
  std::vector<StringLit> names;
  Span span;
};

struct AppBody {
  std::vector<QualName> namespaces;
  std::optional<Span> selector_span;  // set when a `selector` clause exists
  std::vector<LabelPair> selector;
  std::optional<QualName> serviceaccount;
  std::optional<Span> ports_span;
  std::vector<PortSpec> ports;
  std::optional<Span> objects_span;
  std::vector<ObjectsEntry> objects;
};

struct PipelineBody {
  QualName ns;
  std::optional<QualName> serviceaccount;
};

// `issuer NAME = "URL" { jwks "…"  audiences "…", …  header "…" [prefix "…"] }`
// (spec §12); the URL is the Decl's value.
struct IssuerBody {
  std::optional<StringLit> jwks;
  std::optional<Span> jwks_span;
  std::vector<StringLit> audiences;
  std::optional<Span> audiences_span;
  std::optional<StringLit> header;
  std::optional<StringLit> prefix;
  std::optional<Span> header_span;
};

struct Decl {
  DeclKind kind;
  Ident name;
  // `= "…"`: the Kubernetes name, or for a resource its resource string.
  std::optional<StringLit> value;
  std::string doc;  // text of the `///` lines before it, markers stripped
  Span span;
  Span keyword_span;
  std::variant<std::monostate, NamespaceBody, ServiceAccountBody, ActionBody, AppBody,
               PipelineBody, IssuerBody>
      body;
};

// ---------------------------------------------------------------- rules

// `audit` (spec §14) records without deciding; sema keeps audit rules apart
// from allow and deny rules, so nothing that grants or refuses sees them.
enum class Effect { Allow, Deny, Audit };

struct Subject {
  enum class Kind { Named, Namespace, Any, Authenticated, Plaintext, Issuer } kind;
  QualName name;  // for Named, Namespace and Issuer
  Span span;
  std::optional<StringLit> token_subject;  // Issuer: `subject "SUB"`
};

struct ApiRule {
  QualName action;
  std::optional<QualName> app;
  std::optional<Span> cluster;  // `in cluster`
  std::vector<QualName> namespaces;
  std::optional<Ident> level;  // `level request` (audit rules, spec §14)
};

enum class OpField { Methods, Paths, Ports, Hosts };

// One value of an operation clause: methods are words, ports numbers, paths
// and hosts strings. `text` holds the word or string; `port` the number.
struct OpValue {
  std::string text;
  IntLit port;
  Span span;
};

struct OpClause {
  OpField field;
  bool negated = false;
  std::vector<OpValue> values;
  Span span;
};

struct ConditionKey {
  std::vector<Ident> parts;  // `request`, `headers`
  std::optional<StringLit> index;  // `[x-tenant]` (a word is kept as its text)
  std::string text;  // canonical: `request.headers[x-tenant]`
  Span span;
};

struct Condition {
  ConditionKey key;
  bool negated = false;  // `!=`
  std::vector<StringLit> values;
  Span span;
};

struct CallRule {
  QualName app;
  std::vector<QualName> namespaces;  // empty: all of the app's
  std::vector<OpClause> ops;
  std::vector<Condition> conditions;
  std::optional<Ident> level;  // written by mistake: only API audit rules take one
};

struct RunRule {
  std::vector<QualName> pipelines;
};

struct Rule {
  Effect effect;
  Span effect_span;
  std::vector<Subject> subjects;
  std::variant<ApiRule, CallRule, RunRule> target;
  std::string doc;
  Span span;
};

// ---------------------------------------------------------------- tests

// `VERB RESOURCE ["OBJECT"]` or `ACTION [APP]`; which one is sema's call
// (spec §6: both read `WORD [WORD]`).
struct ExpectApi {
  std::optional<Span> star;  // the verb is `*`
  std::optional<QualName> first;
  std::optional<QualName> second;
  std::optional<StringLit> object;
  std::optional<Span> cluster;
  std::optional<QualName> ns;
  std::optional<Ident> level;  // `expect audited … level request` (spec §14)
};

struct HeaderMatch {
  std::string name;
  Span name_span;
  StringLit value;
};

struct ExpectCall {
  QualName app;
  std::optional<QualName> ns;
  std::optional<Ident> method;
  std::optional<StringLit> path;
  std::optional<IntLit> port;
  std::optional<StringLit> host;
  std::vector<HeaderMatch> headers;
};

struct ExpectRun {
  QualName pipeline;
  std::optional<QualName> as;
};

// What an expectation asks about; also, alone, a who-can query.
using ExpectTarget = std::variant<ExpectApi, ExpectCall, ExpectRun>;

// `claim NAME = "V"` of a token request (spec §12).
struct ClaimMatch {
  std::string name;
  Span name_span;
  StringLit value;
};

struct Expectation {
  // With `audit`, Allow reads `audited` and Deny `unaudited` (spec §14).
  Effect effect;
  bool audit = false;
  Subject subject;
  // A token request (subject kind Issuer): its claims and its mTLS peer.
  std::vector<ClaimMatch> claims;
  std::vector<Subject> via;  // at most one: `via SOURCE`
  ExpectTarget target;
  Span span;
};

struct TestBlock {
  StringLit name;
  std::vector<Expectation> expectations;
  Span span;
};

// ---------------------------------------------------------------- files

struct Import {
  Ident package;
  std::optional<Ident> alias;
  Span span;
  std::string prefix() const { return alias ? alias->text : package.text; }
};

// A comment, kept for the formatter.
struct Comment {
  std::string text;  // as written, markers included
  Span span;
};

struct File {
  base::FileId file = base::kNoFile;
  std::optional<Ident> package;  // missing when the file failed to parse
  std::vector<Import> imports;
  std::vector<Decl> decls;
  std::vector<Rule> rules;
  std::vector<TestBlock> tests;
  std::vector<Comment> comments;
  bool has_syntax_errors = false;
};

// A tree shared between the compilations that use it (the language
// server's parse cache and each Program; sema/program.h).
using SharedFile = std::shared_ptr<File>;

const char* DeclKindName(DeclKind kind);  // "serviceaccount"

}  // namespace stave::syntax
