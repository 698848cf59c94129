// Identity declarations (spec §12, §13): issuers and their values, the
// credential clauses of serviceaccounts, and `request.auth` conditions on
// apps that no issuer rule names (nothing validates their tokens).
#include <map>
#include <set>

#include <fmt/format.h>

#include "compiler/sema/checker.h"
#include "compiler/sema/values.h"

namespace stave::sema {
namespace {

bool StartsWith(std::string_view s, std::string_view prefix) {
  return s.substr(0, prefix.size()) == prefix;
}

}  // namespace

void FillIssuer(Checker& c, Symbol& s) {
  const auto& body = std::get<syntax::IssuerBody>(s.decl->body);
  IssuerInfo info;
  const syntax::StringLit& url = *s.decl->value;
  if (url.value.empty()) {
    c.diags().report(diag::Code::E0301, url.span, "the issuer must not be empty", "empty issuer")
        .with_help("write the token's `iss` claim exactly, e.g. `\"https://accounts.google.com\"`");
  } else if (StartsWith(url.value, "http://")) {
    c.diags().report(diag::Code::W0320, url.span,
                     fmt::format("issuer `{}` is a plain `http://` URL", url.value),
                     "not https")
        .note("an OpenID provider that Istio discovers over http:// can be impersonated by "
              "anyone on the path")
        .with_help("use the provider's https:// issuer, or give its keys with `jwks \"https://…\"`");
  }
  if (body.jwks) {
    info.jwks = body.jwks->value;
    if (!StartsWith(info.jwks, "https://") || info.jwks.size() == 8) {
      c.diags().report(diag::Code::E0320, body.jwks->span,
                       fmt::format("`{}` is not an https:// URL", info.jwks),
                       "the key set must be fetched over https")
          .note("Istio trusts every key in the set: a key set fetched without TLS lets anyone "
                "on the path mint valid tokens")
          .with_help("give the provider's https:// JWKS URL, or drop `jwks` to use OpenID "
                     "discovery from the issuer");
    }
  }
  std::set<std::string> audiences;
  for (const syntax::StringLit& a : body.audiences) {
    if (!audiences.insert(a.value).second) {
      c.diags().report(diag::Code::E0312, a.span,
                       fmt::format("audience `{}` is listed twice", a.value), "listed again");
      continue;
    }
    if (a.value.empty()) {
      c.diags().report(diag::Code::E0301, a.span, "an audience must not be empty", "empty");
      continue;
    }
    info.audiences.push_back(a.value);
  }
  if (body.header) {
    if (!IsHeaderName(body.header->value)) {
      c.diags().report(diag::Code::E0321, body.header->span,
                       fmt::format("`{}` is not an HTTP header name", body.header->value),
                       "not a header name")
          .note("header names are letters, digits and any of `!#$%&'*+-.^_|~` (and the backtick), with no spaces or `:`")
          .with_help("name the header only, e.g. `header \"x-jwt-assertion\"`; a text before "
                     "the token goes in `prefix \"…\"`");
    }
    info.header = body.header->value;
    if (body.prefix) info.prefix = body.prefix->value;
  }
  s.info = std::move(info);
}

void CheckServiceAccountCredentials(Checker& c, Symbol& s) {
  const auto& body = std::get<syntax::ServiceAccountBody>(s.decl->body);
  auto& info = std::get<ServiceAccountInfo>(s.info);
  auto with_external = [&](base::Span at, std::string_view clause) {
    c.diags().report(diag::Code::E0220, at,
                     fmt::format("`{}` cannot be given for an `external` serviceaccount", clause),
                     "stave does not emit this ServiceAccount")
        .label(*body.external, "marked external here")
        .with_help(fmt::format("set `{}` where the ServiceAccount is made (its Helm chart or "
                               "manifest), or drop `external` so that stave emits it",
                               clause));
  };
  if (body.automount_off) {
    if (body.external) with_external(*body.automount_off, "automount off");
    info.automount_off = true;
  }
  if (!body.annotations_span) return;
  if (body.external) with_external(*body.annotations_span, "annotations");
  std::map<std::string, base::Span> seen;
  for (const syntax::LabelPair& pair : body.annotations) {
    if (Problem p = CheckLabelKey(pair.key)) {
      c.diags().report(diag::Code::E0322, pair.key_span,
                       fmt::format("`{}` is not a valid annotation key", pair.key), *p)
          .with_help("annotation keys are Kubernetes qualified names: an optional DNS prefix "
                     "and `/`, then up to 63 letters, digits, `-`, `_` and `.`, e.g. "
                     "`eks.amazonaws.com/role-arn`");
      continue;
    }
    if (auto [it, inserted] = seen.emplace(pair.key, pair.key_span); !inserted) {
      c.diags().report(diag::Code::E0312, pair.key_span,
                       fmt::format("annotation `{}` is given twice", pair.key), "given again here")
          .note("first given here", it->second);
      continue;
    }
    info.annotations[pair.key] = pair.value.value;
  }
}

// Spec §12: without a RequestAuthentication nothing validates tokens, so
// Istio's request.auth attributes are never set.
void CheckRequestAuthConditions(Checker& c) {
  const Program& p = c.program();
  std::set<std::pair<SymbolId, SymbolId>> validated;  // (app, namespace)
  for (const CallRule& rule : p.call_rules) {
    bool issuer = false;
    for (const Principal& s : rule.sources) issuer = issuer || s.kind == Principal::Kind::Issuer;
    if (!issuer) continue;
    for (SymbolId ns : rule.namespaces) validated.insert({rule.app, ns});
  }
  for (const CallRule& rule : p.call_rules) {
    for (const syntax::Condition& cond : rule.call->conditions) {
      if (!StartsWith(cond.key.text, "request.auth.")) continue;
      for (SymbolId ns : rule.namespaces) {
        if (validated.count({rule.app, ns})) continue;
        const Symbol& app = p.symbol(rule.app);
        bool deny = rule.effect == syntax::Effect::Deny;
        c.diags().report(diag::Code::W0420, cond.key.span,
                         fmt::format("no issuer rule names app `{}` in namespace `{}`, so `{}` "
                                     "is never set",
                                     app.name, p.symbol(ns).name, cond.key.text),
                         "a token attribute nothing validates")
            .label(app.name_span(), "no call rule with an `issuer` source names this app")
            .note(deny ? "without a RequestAuthentication this DENY rule never fires"
                       : "without a RequestAuthentication this ALLOW rule never matches")
            .with_help(fmt::format("add a call rule on `{}` with an `issuer NAME` source, so "
                                   "that stave emits the RequestAuthentication that validates "
                                   "its tokens",
                                   app.name));
        break;
      }
    }
  }
}

}  // namespace stave::sema
