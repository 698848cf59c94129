// Turns each expectation into its concrete requests (spec §6) and asks the
// evaluators. An expectation passes when every one of its requests comes
// out as expected; each request that does not is reported with what
// decided it.
#include "compiler/eval/expectations.h"

#include <fmt/format.h>

#include "compiler/eval/admission_eval.h"
#include "compiler/eval/app_request.h"
#include "compiler/eval/audit_eval.h"
#include "compiler/eval/describe.h"
#include "compiler/eval/istio_eval.h"
#include "compiler/eval/rbac_eval.h"
#include "compiler/sema/grants.h"

namespace stave::eval {
namespace {

using sema::Expectation;
using sema::Identity;

struct Who {
  UserInfo user;
  std::string description;  // "group `payments-devs`"
};

std::vector<Who> Subjects(const sema::Program& p, const sema::Principal& subject) {
  std::vector<Who> out;
  for (const Identity& id : sema::Identities(p, subject.symbol)) {
    switch (id.kind) {
      case Identity::Kind::User: out.push_back({PlainUser(id.name), id.ToString()}); break;
      case Identity::Kind::Group: out.push_back({GroupMember(id.name), "a member of " + id.ToString()}); break;
      case Identity::Kind::ServiceAccount:
        out.push_back({ServiceAccountUser(id.ns, id.name), id.ToString()});
        break;
    }
  }
  return out;
}

std::string Origins(const base::SourceSet& sources, const std::vector<base::Span>& spans) {
  std::string out;
  for (const auto& s : spans) out += (out.empty() ? "" : ", ") + base::Location(sources, s);
  return out.empty() ? "" : " (" + out + ")";
}

class Runner {
 public:
  Runner(const sema::Program& p, const lower::Output& out, const std::string& trust_domain)
      : p_(p), rbac_(out), mesh_(out), admission_(out), output_(out), trust_domain_(trust_domain) {}

  std::vector<Failure> Run(const Expectation& e) {
    failures_.clear();
    expect_allow_ = e.effect == syntax::Effect::Allow;
    current_ = &e;
    switch (e.form) {
      case Expectation::Form::Verb:
      case Expectation::Form::Action: RunApi(e); break;
      case Expectation::Form::Call: RunCall(e); break;
      case Expectation::Form::Run: RunPipeline(e); break;
    }
    return failures_;
  }

 private:
  // `request` and `decided` describe a failure: they are called only when
  // the outcome is not the expected one (formatting them for every request
  // that passed was a sixth of `stave test`).
  template <typename Request, typename Decided>
  void Record(bool allowed, Request request, Decided decided) {
    if (allowed == expect_allow_) return;
    failures_.push_back({base::OneLineText(*p_.sources, current_->source->span),
                         base::Location(*p_.sources, current_->source->span),
                         current_->source->span, request(), decided()});
  }

  std::string DescribeRbac(const RbacDecision& d) {
    if (!d.allowed) return "denied: no role bound to the subject grants it";
    return fmt::format("allowed by {} (role {}, rule {}){}", ObjectName(*d.binding), d.role->meta.name,
                       d.rule_index + 1, Origins(*p_.sources, d.binding->origins));
  }

  // "group `payments-devs` update deployments.apps `payments-api` in payments-prod"
  static std::string RequestText(const Who& who, const RbacRequest& r) {
    std::string what = r.resource + (r.group.empty() ? "" : "." + r.group) +
                       (r.name.empty() ? "" : " `" + r.name + "`");
    return fmt::format("{} {} {} {}", who.description, r.verb, what,
                       r.ns.empty() ? "cluster-wide" : "in " + r.ns);
  }

  // `expect audited … [level L]`: logged at L or more detail; `unaudited`
  // is the opposite (spec §14).
  void AskAudit(const Who& who, const RbacRequest& request) {
    static constexpr const char* kLevels[] = {"Metadata", "Request", "RequestResponse"};
    const char* want = kLevels[static_cast<int>(current_->level)];
    AuditDecision d = EvaluateAuditPolicy(output_.audit_policy, request);
    Record(
        AuditLevelRank(d.level) >= AuditLevelRank(want), [&] { return RequestText(who, request); },
        [&] {
          if (!d.rule_index) return std::string("not logged: no rule of the audit policy matches");
          const auto& rule = output_.audit_policy->rules[*d.rule_index];
          return fmt::format("logged at {} by audit policy rule {}{}", d.level, *d.rule_index + 1,
                             Origins(*p_.sources, rule.origins));
        });
  }

  void AskRbac(const Who& who, const RbacRequest& request) {
    if (current_->audit) {
      AskAudit(who, request);
      return;
    }
    RbacDecision d = rbac_.Authorize(request);
    Record(d.allowed, [&] { return RequestText(who, request); }, [&] { return DescribeRbac(d); });
  }

  void RunApi(const Expectation& e) {
    std::vector<RbacRequest> requests = ApiRequests(p_, e);
    for (const Who& who : Subjects(p_, e.subject)) {
      for (RbacRequest& r : requests) {
        r.user = who.user;
        AskRbac(who, r);
      }
    }
  }

  std::string DescribeMesh(const MeshDecision& d) {
    std::string verdict = current_->audit ? (d.allowed ? "audited" : "not audited")
                                          : d.allowed ? "allowed" : "denied";
    if (d.object == nullptr) return fmt::format("{}: {}", verdict, d.reason);
    std::string origin;
    if (d.rule_index) {
      const auto& ap = std::get<lower::AuthorizationPolicy>(d.object->spec);
      origin = fmt::format(", rule {}{}", *d.rule_index + 1,
                           Origins(*p_.sources, ap.rule_origins[*d.rule_index]));
    } else {
      origin = Origins(*p_.sources, d.object->origins);
    }
    return fmt::format("{} by {}: {}{}", verdict, ObjectName(*d.object), d.reason, origin);
  }

  void RunCall(const Expectation& e) {
    // A token request's peer is `via`, else plaintext (spec §12).
    std::optional<Token> token;
    std::optional<sema::Principal> peer = e.subject;
    if (e.subject.kind == sema::Principal::Kind::Issuer) {
      token = TokenFor(e);
      peer = e.via;
    }
    std::string token_text = token ? TokenDescription(*token) : "";
    std::vector<MeshCaller> callers;
    std::vector<std::string> descriptions;
    if (!peer || peer->kind == sema::Principal::Kind::Plaintext) {
      callers.push_back({"", "", token});
      descriptions.push_back(token_text + "a plaintext caller");
    } else {
      for (const Identity& id : sema::Identities(p_, peer->symbol)) {
        callers.push_back({fmt::format("{}/ns/{}/sa/{}", trust_domain_, id.ns, id.name), id.ns, token});
        descriptions.push_back(token_text + id.ToString());
      }
    }
    const std::string& app = p_.symbol(e.app).name;
    AskCalls(p_, mesh_, e, callers, [&](size_t i, const MeshRequest& r, const MeshDecision& d) {
      Record(
          d.allowed,
          [&] {
            return fmt::format("{} calling {} in {}{}{}", descriptions[i], app, r.ns,
                               r.port ? fmt::format(" port {}", *r.port) : "",
                               r.http ? fmt::format(" {} {}", r.method, r.path) : " (TCP)");
          },
          [&] { return DescribeMesh(d); });
    });
  }

  // Spec §12: a valid token of the issuer with `sub` (default
  // `test-subject`), the claims given, and the first declared audience as
  // `aud`. `claim sub`/`claim aud` set those claims instead.
  Token TokenFor(const Expectation& e) {
    const sema::Symbol& issuer = p_.symbol(e.subject.symbol);
    Token t;
    t.issuer = issuer.k8s_name;
    t.subject = e.subject.token_subject.value_or("test-subject");
    if (!issuer.issuer().audiences.empty()) t.audiences = {issuer.issuer().audiences.front()};
    t.claims = e.claims;
    if (auto sub = t.claims.find("sub"); sub != t.claims.end()) {
      t.subject = sub->second.front();
      t.claims.erase(sub);
    }
    if (auto aud = t.claims.find("aud"); aud != t.claims.end()) {
      t.audiences = aud->second;
      t.claims.erase(aud);
    }
    t.claims.erase("iss");  // the issuer is the one named
    return t;
  }

  static std::string TokenDescription(const Token& t) {
    return fmt::format("a token of `{}` (sub `{}`) from ", t.issuer, t.subject);
  }

  void RunPipeline(const Expectation& e) {
    const sema::Symbol& pipeline = p_.symbol(e.pipeline);
    std::string ns = p_.symbol(pipeline.pipeline().ns).k8s_name;
    std::string sa = p_.symbol(e.run_as).k8s_name;
    for (const Who& who : Subjects(p_, e.subject)) {
      auto request = [&] {
        return fmt::format("{} running Pipeline {} as {} in {}", who.description,
                           pipeline.k8s_name, sa, ns);
      };
      RbacDecision rbac = rbac_.Authorize({who.user, "create", "tekton.dev", "pipelineruns", "", ns});
      if (!rbac.allowed) {
        Record(false, request, [] {
          return std::string("denied: RBAC does not let the subject create PipelineRuns there");
        });
        continue;
      }
      AdmissionDecision admission =
          admission_.Admit({who.user, ns, "CREATE", PipelineRunV1(ns, pipeline.k8s_name, sa), {}});
      if (!admission.allowed) {
        Record(false, request, [&] {
          return fmt::format("refused by {}: {}", ObjectName(*admission.policy), admission.message);
        });
        continue;
      }
      Record(true, request, [&] {
        return std::string(admission.matched
                               ? "allowed by RBAC and admitted by the pipeline policy"
                               : "allowed by RBAC; no admission policy guards the namespace");
      });
    }
  }

  const sema::Program& p_;
  RbacAuthorizer rbac_;
  MeshAuthorizer mesh_;
  AdmissionIndex admission_;
  const lower::Output& output_;
  std::string trust_domain_;
  bool expect_allow_ = true;
  const Expectation* current_ = nullptr;
  std::vector<Failure> failures_;
};

}  // namespace

std::vector<RbacRequest> ApiRequests(const sema::Program& p, const sema::Expectation& e) {
  std::string ns = e.cluster || e.ns == sema::kNoSymbol ? "" : p.symbol(e.ns).k8s_name;
  std::vector<RbacRequest> out;
  if (e.form == Expectation::Form::Verb) {
    const sema::ResourceInfo& r = p.symbol(e.resource).resource();
    out.push_back({{}, e.verb, r.group, r.rbac_name(), e.object.value_or(""), ns});
    return out;
  }
  for (const sema::Grant& g : sema::ActionGrants(p, e.action, e.app)) {
    if (g.names.empty()) out.push_back({{}, g.verb, g.group, g.resource, "", ns});
    for (const std::string& n : g.names) out.push_back({{}, g.verb, g.group, g.resource, n, ns});
  }
  return out;
}

MeshRequest CallRequest(const sema::Program& p, const sema::Expectation& e) {
  const syntax::ExpectCall& call = std::get<syntax::ExpectCall>(e.source->target);
  const sema::AppInfo& app = p.symbol(e.app).app();
  std::optional<uint32_t> port;
  if (call.port) port = static_cast<uint32_t>(call.port->value);
  MeshRequest base = RequestToApp(app, port);
  // A target names one request: an app without HTTP ports is asked on its
  // first port.
  if (!base.port && !app.ports.empty()) {
    base.port = app.ports.front().number;
    base.http = app.ports.front().http;
  }
  if (base.http) {
    base.method = call.method ? call.method->text : "GET";
    base.path = call.path ? call.path->value : "/";
    if (call.host) base.host = call.host->value;
    for (const auto& h : call.headers) {
      std::string name = h.name;
      for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      base.headers[name] = h.value.value;
    }
  }
  return base;
}

void AskCalls(const sema::Program& p, MeshAuthorizer& mesh, const sema::Expectation& e,
              const std::vector<MeshCaller>& callers,
              llvm::function_ref<void(size_t, const MeshRequest&, const MeshDecision&)> decided) {
  MeshRequest base = CallRequest(p, e);
  std::vector<sema::SymbolId> namespaces =
      e.ns != sema::kNoSymbol ? std::vector<sema::SymbolId>{e.ns} : p.symbol(e.app).app().namespaces;
  for (sema::SymbolId ns : namespaces) {
    for (size_t i = 0; i < callers.size(); ++i) {
      MeshRequest r = base;
      r.ns = p.symbol(ns).k8s_name;
      r.principal = callers[i].principal;
      r.source_ns = callers[i].ns;
      r.token = callers[i].token;
      decided(i, r, e.audit ? mesh.Audit(r) : mesh.Authorize(r));
    }
  }
}

std::vector<TestResult> RunTests(const sema::Program& program, const lower::Output& output,
                                 const std::string& trust_domain) {
  Runner runner(program, output, trust_domain);
  std::vector<TestResult> results;
  for (const sema::Test& test : program.tests) {
    TestResult r;
    r.name = test.source->name.value;
    r.location = base::Location(*program.sources, test.source->span);
    r.expectations = test.expectations.size();
    for (const Expectation& e : test.expectations) {
      auto failures = runner.Run(e);
      r.failures.insert(r.failures.end(), failures.begin(), failures.end());
    }
    results.push_back(std::move(r));
  }
  return results;
}

}  // namespace stave::eval
