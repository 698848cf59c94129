// Audit rules (spec §14): their level, `level` where it does not belong,
// `audit … to run`, and W0520, an audit level that writes Secret values
// (or other credentials) into the API server's audit log.
#include <algorithm>
#include <cctype>
#include <set>

#include <fmt/format.h>

#include "compiler/diag/did_you_mean.h"
#include "compiler/sema/checker.h"
#include "compiler/sema/rule_checks.h"

namespace stave::sema {
namespace {

struct LevelName {
  std::string_view word;
  AuditLevel level;
};

constexpr LevelName kLevels[] = {{"metadata", AuditLevel::Metadata},
                                 {"request", AuditLevel::Request},
                                 {"request-response", AuditLevel::RequestResponse}};

std::string_view LevelWord(AuditLevel level) {
  for (const LevelName& l : kLevels) {
    if (l.level == level) return l.word;
  }
  return "metadata";
}

// What a level writes of a request on a resource that holds credentials:
// the request body (Request: the values a write sends), and the response
// body too (RequestResponse: the values any read returns).
bool Leaks(const ResourceInfo& r, const std::string& verb, AuditLevel level) {
  bool write = verb == "create" || verb == "update" || verb == "patch" || verb == "*";
  bool core = r.group.empty() || r.group == "*";
  bool any_resource = r.resource == "*";
  if (core && (r.resource == "secrets" || r.resource == "configmaps" || any_resource) &&
      r.subresource.empty()) {
    return level == AuditLevel::RequestResponse || write;
  }
  // A TokenRequest's response is a serviceaccount token.
  if (core && (r.resource == "serviceaccounts" || any_resource) && r.subresource == "token") {
    return level == AuditLevel::RequestResponse && (verb == "create" || verb == "*");
  }
  // A TokenReview's request body is the token under review.
  if ((r.group == "authentication.k8s.io" || r.group == "*") &&
      (r.resource == "tokenreviews" || any_resource)) {
    return write;
  }
  return false;
}

}  // namespace

AuditLevel CheckAuditLevel(Checker& c, const std::optional<syntax::Ident>& level) {
  if (!level) return AuditLevel::Metadata;
  for (const LevelName& l : kLevels) {
    if (l.word == level->text) return l.level;
  }
  std::vector<std::string> words;
  for (const LevelName& l : kLevels) words.emplace_back(l.word);
  // kube-apiserver spells them `RequestResponse`; the language, in lower case.
  std::string lower;
  for (char ch : level->text) {
    if (ch >= 'A' && ch <= 'Z' && !lower.empty()) lower += '-';
    lower += static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
  }
  auto& d = c.diags().report(diag::Code::E0330, level->span,
                             fmt::format("unknown audit level `{}`", level->text),
                             "not an audit level");
  auto guess = std::find(words.begin(), words.end(), lower) != words.end()
                   ? std::optional<std::string>(lower)
                   : diag::ClosestMatch(lower, words);
  if (guess) d.with_help(fmt::format("did you mean `{}`?", *guess)).fix(level->span, *guess);
  else d.with_help("the levels are `metadata` (the default), `request` and `request-response`");
  return AuditLevel::Metadata;
}

void ReportMisplacedLevel(Checker& c, const syntax::Ident& level, std::string_view rule_kind) {
  auto& d = c.diags().report(diag::Code::E0230, level.span,
                             fmt::format("{} {} rule takes no `level`",
                                         rule_kind == "allow" ? "an" : "a", rule_kind),
                             "only API audit rules have a level");
  if (rule_kind == "call") {
    d.note("the mesh writes one access-log line per request; there is no level to choose")
        .with_help("remove `level …`; to record request bodies, configure the access-log "
                   "provider's format in Istio's MeshConfig");
  } else {
    d.with_help(fmt::format("to record these requests, write `audit` instead of `{}`; `level` "
                            "says how much of each request the API server's audit log keeps",
                            rule_kind));
  }
}

void ReportAuditRun(Checker& c, const syntax::Rule& rule) {
  c.diags().report(diag::Code::E0231, rule.effect_span, "`audit … to run` is not supported",
                   "audit rules name an action or `call`")
      .note("starting a pipeline is creating a PipelineRun; refused PipelineRuns are already in "
            "the audit log through the admission policy's `Audit` action")
      .with_help("audit the requests themselves, e.g. `audit devs to run-pipeline in ci`");
}

void CheckAuditedSecrets(Checker& c) {
  const Program& p = c.program();
  for (const ApiRule& rule : p.audit_api_rules) {
    if (rule.level == AuditLevel::Metadata) continue;
    const auto& api = std::get<syntax::ApiRule>(rule.rule->target);
    std::set<std::string> resources;
    base::Span verb_span;
    for (const Permission& perm : p.symbol(rule.action).action().permissions) {
      const ResourceInfo& r = p.symbol(perm.resource).resource();
      if (!Leaks(r, perm.verb, rule.level)) continue;
      if (rule.app != kNoSymbol && !AppHasObjectsOf(p, rule.app, r)) continue;
      if (resources.empty()) verb_span = perm.verb_span;
      resources.insert(p.symbol(perm.resource).k8s_name);
    }
    if (resources.empty()) continue;
    std::string list;
    for (const auto& r : resources) list += (list.empty() ? "`" : ", `") + r + "`";
    c.diags()
        .report(diag::Code::W0520, api.level ? api.level->span : rule.rule->span,
                fmt::format("auditing {} at level `{}` writes {} into the audit log", list,
                            LevelWord(rule.level),
                            resources == std::set<std::string>{"secrets"} ? "secret values"
                                                                          : "their contents"),
                "records request bodies" +
                    std::string(rule.level == AuditLevel::RequestResponse ? " and responses" : ""))
        .label(verb_span, "granted on a resource that holds credentials")
        .note("whoever can read the audit log (its files, the webhook's backend) then reads "
              "those credentials")
        .with_help("use an action without these resources at this level, and audit them at "
                   "`metadata` (the default) in a rule of its own");
  }
}

}  // namespace stave::sema
