// The checked program: every declaration as a Symbol with its resolved
// facts, every rule and test with names resolved to symbols, and the side
// table of references (span -> symbol) that the language server looks up.
// Later stages (lowering, evaluation) read only this.
#pragma once

#include <map>
#include <string_view>
#include <memory>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "llvm/ADT/StringMap.h"

#include "compiler/base/interned.h"
#include "compiler/base/source.h"
#include "compiler/syntax/ast.h"

namespace stave::sema {

using SymbolId = uint32_t;
inline constexpr SymbolId kNoSymbol = UINT32_MAX;
using syntax::DeclKind;

struct NamespaceInfo {
  bool default_deny = false;
  bool mtls_strict = false;
};

struct ServiceAccountInfo {
  std::vector<SymbolId> namespaces;
  bool external = false;
  bool automount_off = false;                       // spec §13
  std::map<std::string, std::string> annotations;  // spec §13
};

// "deployments.apps/scale" -> {deployments, apps, scale}.
struct ResourceInfo {
  std::string resource;
  std::string group;  // "" for the core group
  std::string subresource;
  // "deployments/scale": the form RBAC rules list under `resources`.
  std::string rbac_name() const {
    return subresource.empty() ? resource : resource + "/" + subresource;
  }
  // group and rbac_name(), interned when the resource is declared, for
  // the grants made of it.
  base::Interned grant_group, grant_resource;
  // `resource`, interned: whether an app has objects of a resource is asked
  // for every permission of every action an app-scoped rule grants.
  base::Interned base_resource;
  // The same API resource (its group and name; subresources belong to it).
  bool SameResource(const ResourceInfo& o) const {
    return base_resource == o.base_resource && grant_group == o.grant_group;
  }
};

// One permission of an action: a verb on a resource, after includes.
struct Permission {
  SymbolId resource;
  base::Interned verb;
  base::Span verb_span;  // where the verb is written (maybe in an included action)
};

struct ActionInfo {
  std::vector<Permission> permissions;  // deduplicated, sorted
  bool complete = true;  // false when a cycle or bad include cut it short
};

struct Port {
  uint32_t number;
  std::string protocol;  // "http" when not written
  bool http;             // protocol is http, http2, grpc or grpc-web
  base::Span span;
};

struct AppObjects {
  SymbolId resource;
  std::vector<std::string> names;
  base::Span span;
};

struct AppInfo {
  std::vector<SymbolId> namespaces;
  bool has_selector = false;
  std::vector<std::pair<std::string, std::string>> selector;  // sorted by key
  SymbolId serviceaccount = kNoSymbol;
  std::vector<Port> ports;  // sorted by number
  std::vector<AppObjects> objects;
};

struct PipelineInfo {
  SymbolId ns = kNoSymbol;
  SymbolId serviceaccount = kNoSymbol;
};

// spec §12: the issuer string is the Symbol's k8s_name.
struct IssuerInfo {
  std::string jwks;                    // empty: OpenID discovery
  std::vector<std::string> audiences;  // as written
  std::optional<std::string> header;   // the header the token is read from
  std::optional<std::string> prefix;
};

struct Symbol {
  DeclKind kind;
  std::string package;
  std::string name;
  const syntax::Decl* decl = nullptr;
  bool builtin = false;  // declared in `std`
  // The Kubernetes name (`= "…"` or the declared name); for a resource,
  // its resource string.
  std::string k8s_name;
  std::variant<std::monostate, NamespaceInfo, ServiceAccountInfo, ResourceInfo, ActionInfo,
               AppInfo, PipelineInfo, IssuerInfo>
      info;

  // `PACKAGE.NAME`, or the bare name for std (spec §8, emitted names).
  std::string qualified() const { return builtin ? name : package + "." + name; }
  base::Span name_span() const { return decl->name.span; }

  const NamespaceInfo& ns() const { return std::get<NamespaceInfo>(info); }
  const ServiceAccountInfo& sa() const { return std::get<ServiceAccountInfo>(info); }
  const ResourceInfo& resource() const { return std::get<ResourceInfo>(info); }
  const ActionInfo& action() const { return std::get<ActionInfo>(info); }
  const AppInfo& app() const { return std::get<AppInfo>(info); }
  const PipelineInfo& pipeline() const { return std::get<PipelineInfo>(info); }
  const IssuerInfo& issuer() const { return std::get<IssuerInfo>(info); }
};

// A subject or source after resolution.
struct Principal {
  enum class Kind { Symbol, Namespace, Any, Authenticated, Plaintext, Issuer } kind;
  SymbolId symbol = kNoSymbol;  // the user/group/serviceaccount/app, the namespace, the issuer
  base::Span span;
  std::optional<std::string> token_subject;  // Issuer: `subject "SUB"`, else any subject
};

// How much of a request the API server's audit log records (spec §14), in
// the order of detail; kube-apiserver's `None` is "no rule matched".
enum class AuditLevel { Metadata, Request, RequestResponse };

struct Grant;  // grants.h

struct ApiRule {
  const syntax::Rule* rule;
  syntax::Effect effect;
  std::vector<Principal> subjects;
  SymbolId action;
  SymbolId app = kNoSymbol;
  bool cluster = false;
  std::vector<SymbolId> namespaces;
  AuditLevel level = AuditLevel::Metadata;  // audit rules only
  // ActionGrants(action, app), expanded once after the rules are resolved
  // (ExpandRuleGrants) and shared by the rules that grant the same action
  // and app: three checks and lowering all read it.
  std::shared_ptr<const std::vector<Grant>> grants;
};

struct CallRule {
  const syntax::Rule* rule;
  syntax::Effect effect;
  std::vector<Principal> sources;
  SymbolId app;
  std::vector<SymbolId> namespaces;  // resolved; the app's own when not written
  const syntax::CallRule* call;      // operations and conditions, as written
};

struct RunRule {
  const syntax::Rule* rule;
  std::vector<Principal> subjects;
  std::vector<SymbolId> pipelines;
};

// One expectation of a test, resolved. The API form is either a verb on a
// resource or an action (with an optional app).
struct Expectation {
  const syntax::Expectation* source;
  syntax::Effect effect;
  Principal subject;
  enum class Form { Verb, Action, Call, Run } form;
  std::string verb;                  // Verb
  SymbolId resource = kNoSymbol;     // Verb
  std::optional<std::string> object; // Verb
  SymbolId action = kNoSymbol;       // Action
  SymbolId app = kNoSymbol;          // Action (optional), Call
  SymbolId pipeline = kNoSymbol;     // Run
  SymbolId run_as = kNoSymbol;       // Run: `as`, else the pipeline's
  bool cluster = false;
  SymbolId ns = kNoSymbol;           // Verb/Action (unless cluster), Call (optional)
  // Call with an issuer subject (spec §12): the token's claims (a name given
  // twice is a list claim) and the mTLS peer it comes through.
  std::map<std::string, std::vector<std::string>> claims;
  std::optional<Principal> via;
  // `expect audited|unaudited` (spec §14): effect Allow is audited, Deny
  // unaudited; `level` is the least detail an audited request must get.
  bool audit = false;
  AuditLevel level = AuditLevel::Metadata;
};

struct Test {
  const syntax::TestBlock* source;
  std::vector<Expectation> expectations;
};

// A use of a name, for go-to-definition, references and rename.
struct Reference {
  base::Span span;
  SymbolId target;
};

// What a Program keeps that only some of its users read. The command line
// reads neither, and at 100k statements they were a sixth of `check`'s
// peak (massif): the references, and the resolved expectations with their
// syntax, which `check`, `build` and `drift` check but never evaluate.
struct Retain {
  bool references = true;    // Program::references (the language server's)
  bool expectations = true;  // Program::tests and each TestBlock's expectations
};

// Ownership: the Program shares the syntax trees (`files`): the language
// server's parse cache holds the same trees, so a recheck after an edit
// copies none of the unchanged files' (copying them was a sixth of a
// recheck). Every `const syntax::…*` in a Symbol, rule or test points into
// them and lives as long as the Program does. A tree the Program shares is
// never changed; one it alone holds may be (DropCheckedExpectations).
// `sources` is the caller's (the compilation's SourceSet) and must outlive
// it.
using syntax::SharedFile;
struct Program {
  const base::SourceSet* sources = nullptr;
  std::vector<SharedFile> files;  // sorted by path; std files included
  std::vector<Symbol> symbols;
  // package -> name -> symbol. std::map: iteration order is output order.
  std::map<std::string, std::map<std::string, SymbolId>> packages;
  Retain retain;
  // In the order names were resolved (empty unless retain.references).
  // Only the language server reads them, and it sorts them by span
  // (lsp::Analysis): at 100k statements sorting was a twentieth of every
  // `check`.
  std::vector<Reference> references;
  std::vector<ApiRule> api_rules;
  std::vector<CallRule> call_rules;
  std::vector<RunRule> run_rules;
  // `audit` rules (spec §14), kept apart: they grant and refuse nothing.
  // Subjects of an API audit rule may include `any` (Principal::Kind::Any).
  std::vector<ApiRule> audit_api_rules;
  std::vector<CallRule> audit_call_rules;
  std::vector<Test> tests;  // empty unless retain.expectations

  const Symbol& symbol(SymbolId id) const { return symbols[id]; }
  // By `packages`, through `index_` once BuildIndex has run.
  SymbolId lookup(std::string_view package, std::string_view name) const;
  // `packages` hashed, for lookup: sema resolves every name of every rule
  // through it, and the ordered maps' string comparisons (a thousand
  // packages, then the package's names) were a twentieth of check.
  // Built by BuildIndex once every symbol is declared.
  void BuildIndex();

 private:
  llvm::StringMap<llvm::StringMap<SymbolId>> index_;
  bool indexed_ = false;
};

}  // namespace stave::sema
