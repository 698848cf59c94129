// textDocument/hover: on a name (a use or its declaration), its kind,
// qualified name, doc comment, Kubernetes name and resolved facts; on a
// declaration or a rule, also the Kubernetes and Istio objects it lowers to
// (found by their `origins`), as YAML.
#include <algorithm>

#include <fmt/format.h>

#include "compiler/emit/yaml.h"
#include "compiler/lsp/handlers.h"
#include "compiler/lsp/server.h"

namespace stave::lsp {
namespace {

constexpr size_t kMaxObjects = 3;
constexpr size_t kMaxYamlLines = 40;
constexpr size_t kMaxPermissionLines = 12;
// Users write the Service's port where Istio matches the pod's (issue 14).
constexpr const char* kPodPorts =
    "\nPorts are the pod's ports (a Service's `targetPort`), not the Service's own `port`: "
    "Istio matches the destination workload's port.\n";

std::string CapLines(const std::string& text, size_t max_lines) {
  size_t pos = 0;
  for (size_t line = 0; line < max_lines; ++line) {
    pos = text.find('\n', pos);
    if (pos == std::string::npos) return text;
    ++pos;
  }
  return pos >= text.size() ? text : text.substr(0, pos) + "# …\n";
}

std::string NamespaceList(const sema::Program& p, const std::vector<sema::SymbolId>& ids) {
  std::string out;
  for (sema::SymbolId id : ids) {
    if (!out.empty()) out += ", ";
    out += fmt::format("`{}`", p.symbol(id).k8s_name);
  }
  return out;
}

// What the checker resolved about a symbol, one fact per line.
std::string Facts(const sema::Program& p, const sema::Symbol& s) {
  std::string out;
  if (auto* ns = std::get_if<sema::NamespaceInfo>(&s.info)) {
    if (ns->default_deny) out += "- `default deny`: mesh traffic no `allow … call` admits is denied\n";
    if (ns->mtls_strict) out += "- `mtls strict`: only mutual-TLS traffic is accepted\n";
  } else if (auto* sa = std::get_if<sema::ServiceAccountInfo>(&s.info)) {
    if (!sa->namespaces.empty()) out += "- in " + NamespaceList(p, sa->namespaces) + "\n";
    if (sa->external) out += "- `external`: not emitted by stave\n";
    if (sa->automount_off) out += "- `automount off`: pods get no token unless they mount one\n";
    for (const auto& [key, value] : sa->annotations) out += fmt::format("- `{}`: `{}`\n", key, value);
  } else if (auto* app = std::get_if<sema::AppInfo>(&s.info)) {
    if (!app->namespaces.empty()) out += "- in " + NamespaceList(p, app->namespaces) + "\n";
    if (app->serviceaccount != sema::kNoSymbol) {
      out += fmt::format("- serviceaccount `{}`\n", p.symbol(app->serviceaccount).qualified());
    }
    for (const auto& port : app->ports) out += fmt::format("- port {} ({})\n", port.number, port.protocol);
    if (!app->ports.empty()) out += kPodPorts;
  } else if (auto* pl = std::get_if<sema::PipelineInfo>(&s.info)) {
    if (pl->ns != sema::kNoSymbol) out += fmt::format("- in `{}`\n", p.symbol(pl->ns).k8s_name);
    if (pl->serviceaccount != sema::kNoSymbol) {
      out += fmt::format("- runs as `{}`\n", p.symbol(pl->serviceaccount).qualified());
    }
  } else if (auto* iss = std::get_if<sema::IssuerInfo>(&s.info)) {
    out += iss->jwks.empty() ? "- keys: OpenID discovery from the issuer\n"
                             : fmt::format("- keys: `{}`\n", iss->jwks);
    for (const auto& aud : iss->audiences) out += fmt::format("- audience `{}`\n", aud);
    out += iss->header ? fmt::format("- token in header `{}`{}\n", *iss->header,
                                     iss->prefix ? fmt::format(" after `{}`", *iss->prefix) : "")
                       : "- token in `Authorization: Bearer …`\n";
  } else if (auto* action = std::get_if<sema::ActionInfo>(&s.info)) {
    // One line per resource: `pods`: get, list, watch.
    std::vector<std::pair<std::string, std::string>> lines;
    for (const sema::Permission& perm : action->permissions) {
      std::string res = p.symbol(perm.resource).k8s_name;
      if (lines.empty() || lines.back().first != res) lines.push_back({res, perm.verb});
      else lines.back().second += ", " + perm.verb.str();
    }
    for (size_t i = 0; i < lines.size() && i < kMaxPermissionLines; ++i) {
      out += fmt::format("- `{}`: {}\n", lines[i].first, lines[i].second);
    }
    if (lines.size() > kMaxPermissionLines) {
      out += fmt::format("- … and {} more resources\n", lines.size() - kMaxPermissionLines);
    }
  }
  return out;
}

// The objects whose origins include `origin`, as YAML blocks.
std::string Objects(const Analysis& a, base::Span origin, bool may_lower) {
  const pipeline::Compilation& c = a.compilation();
  std::vector<const lower::Object*> found;
  for (const lower::Object& o : c.output.objects) {
    if (std::find(o.origins.begin(), o.origins.end(), origin) != o.origins.end()) found.push_back(&o);
  }
  // The admission policy is long CEL; the objects a reader scans for
  // (roles, bindings, mesh policies) go first.
  auto rank = [](const lower::Object* o) {
    return o->kind == lower::Kind::ValidatingAdmissionPolicy ? 100 : static_cast<int>(o->kind);
  };
  std::stable_sort(found.begin(), found.end(), [&](const lower::Object* x, const lower::Object* y) {
    return rank(x) < rank(y);
  });
  if (found.empty()) {
    if (may_lower && c.diagnostics.has_errors()) {
      return "\n---\n_The objects it lowers to are shown once the program has no errors._\n";
    }
    return "";
  }
  std::string out = fmt::format("\n---\nLowers to {} object{}:\n", found.size(),
                                found.size() == 1 ? "" : "s");
  for (size_t i = 0; i < found.size() && i < kMaxObjects; ++i) {
    out += "```yaml\n" + CapLines(emit::EmitObject(*found[i]), kMaxYamlLines) + "```\n";
  }
  if (found.size() > kMaxObjects) {
    out += fmt::format("… and {} more (see `stave build`)\n", found.size() - kMaxObjects);
  }
  return out;
}

std::string SymbolMarkdown(const Analysis& a, const sema::Symbol& s) {
  const sema::Program& p = a.program();
  std::string kind = syntax::DeclKindName(s.kind);
  std::string out = fmt::format("**{}** `{}`", kind, s.package + "." + s.name);
  if (s.builtin) out += " — standard library";
  out += "\n\n";
  if (s.kind == syntax::DeclKind::Resource) out += fmt::format("Resource: `{}`\n\n", s.k8s_name);
  else if (s.kind == syntax::DeclKind::Issuer) out += fmt::format("Issuer (`iss`): `{}`\n\n", s.k8s_name);
  else out += fmt::format("Kubernetes name: `{}`\n\n", s.k8s_name);
  if (!s.decl->doc.empty()) out += s.decl->doc + "\n\n";
  out += Facts(p, s);
  bool may_lower = s.kind == syntax::DeclKind::Namespace ||
                   s.kind == syntax::DeclKind::ServiceAccount ||
                   s.kind == syntax::DeclKind::Pipeline || s.kind == syntax::DeclKind::Issuer;
  if (!s.builtin) out += Objects(a, s.decl->span, may_lower);
  return out;
}

// An API audit rule's entries of the audit policy file (spec §14).
std::string AuditEntries(const Analysis& a, base::Span origin) {
  const pipeline::Compilation& c = a.compilation();
  if (!c.output.audit_policy) {
    return c.diagnostics.has_errors()
               ? "\n---\n_The audit policy entries are shown once the program has no errors._\n"
               : "";
  }
  lower::AuditPolicy mine;
  mine.omit_stages = c.output.audit_policy->omit_stages;
  for (const lower::AuditRule& r : c.output.audit_policy->rules) {
    if (std::find(r.origins.begin(), r.origins.end(), origin) != r.origins.end()) mine.rules.push_back(r);
  }
  if (mine.rules.empty()) return "";
  return fmt::format("\n---\nAdds {} entr{} to `audit-policy.yaml` (kube-apiserver "
                     "`--audit-policy-file`):\n```yaml\n{}```\n",
                     mine.rules.size(), mine.rules.size() == 1 ? "y" : "ies",
                     CapLines(emit::EmitAuditPolicy(mine), kMaxYamlLines));
}

std::string RuleMarkdown(const Analysis& a, const syntax::Rule& rule) {
  if (rule.effect == syntax::Effect::Audit) {
    bool api = std::holds_alternative<syntax::ApiRule>(rule.target);
    std::string out = fmt::format("**audit {}**\n\n```policy\n{}\n```\n",
                                  api ? "API rule (audit policy)" : "call rule (Istio AUDIT)",
                                  base::OneLineText(a.sources(), rule.span));
    if (!rule.doc.empty()) out += "\n" + rule.doc + "\n";
    out += "\nRecords requests; grants and refuses nothing.\n";
    return out + (api ? AuditEntries(a, rule.span) : Objects(a, rule.span, true));
  }
  bool allow = rule.effect == syntax::Effect::Allow;
  std::string what;
  if (std::holds_alternative<syntax::CallRule>(rule.target)) what = "call rule (Istio)";
  else if (std::holds_alternative<syntax::RunRule>(rule.target)) what = "run rule (RBAC and admission)";
  else what = "API rule (RBAC)";
  std::string out = fmt::format("**{} {}**\n\n```policy\n{}\n```\n", allow ? "allow" : "deny", what,
                                base::OneLineText(a.sources(), rule.span));
  if (!rule.doc.empty()) out += "\n" + rule.doc + "\n";
  if (const auto* call = std::get_if<syntax::CallRule>(&rule.target)) {
    for (const syntax::OpClause& op : call->ops) {
      if (op.field == syntax::OpField::Ports) {
        out += kPodPorts;
        break;
      }
    }
  }
  if (!allow && std::holds_alternative<syntax::ApiRule>(rule.target)) {
    out += "\nEmits nothing: Kubernetes RBAC only adds. It fails the build when an `allow` "
           "rule grants a listed subject what it denies.\n";
    return out;
  }
  return out + Objects(a, rule.span, true);
}

}  // namespace

llvm::Expected<json::Value> HandleHover(Server& s, const HoverParams& p) {
  const Analysis& a = s.analysis();
  std::optional<AnalyzedDocument> doc = a.DocumentAt(p.textDocument.uri);
  if (!doc) return json::Value(nullptr);
  const base::FileId file = doc->file;
  uint32_t offset = a.Offset(file, p.position);
  Hover hover;
  if (auto at = a.SymbolAtOffset(file, offset)) {
    hover.contents.value = SymbolMarkdown(a, a.program().symbol(at->id));
    hover.range = a.ToRange(at->span);
    return hover;
  }
  if (const syntax::Decl* decl = a.DeclAt(file, offset)) {
    // On the declaration's keyword or body: the declaration itself.
    sema::SymbolId id = a.SymbolOf(*decl);
    if (id == sema::kNoSymbol) return json::Value(nullptr);  // a duplicate, already reported
    hover.contents.value = SymbolMarkdown(a, a.program().symbol(id));
    if (decl->keyword_span.begin <= offset && offset <= decl->keyword_span.end) {
      hover.range = a.ToRange(decl->keyword_span);
    }
    return hover;
  }
  if (const syntax::Rule* rule = a.RuleAt(file, offset)) {
    hover.contents.value = RuleMarkdown(a, *rule);
    hover.range = a.ToRange(rule->span);
    return hover;
  }
  return json::Value(nullptr);
}

}  // namespace stave::lsp
