// W0510: escalation paths. A subject that may create pods or workloads in a
// namespace can run them as any serviceaccount there and read its token, so
// it effectively holds that serviceaccount's grants; the same goes for
// minting serviceaccount tokens and impersonating serviceaccounts. This
// follows such chains (up to three hops) and warns at the rule that starts
// one when it reaches a permission the subject does not hold itself.
// PipelineRuns in a guarded namespace are not a path: the admission policy
// decides who runs what as which account (spec §5.3); `run` rules are
// explicit grants of exactly that, so they start no warning either.
#include <algorithm>
#include <deque>
#include <map>
#include <memory>
#include <optional>
#include <tuple>
#include <set>

#include <fmt/format.h>

#include "compiler/sema/checker.h"
#include "compiler/sema/grants.h"

namespace stave::sema {
namespace {

// A grant in a scope: a namespace's Kubernetes name, or "" for cluster-wide.
// It points into a Held, which outlives every walk: expanding a subject's
// grants copies no strings (copies were a third of `check`'s peak heap).
struct ScopedGrant {
  const std::string& ns;
  const Grant& grant;
  const syntax::Rule* rule;
};

// What one allow rule gives each of its subjects: its grants in its scopes.
// Grants are shared per rule, not copied per subject and scope.
struct Held {
  std::vector<std::string> scopes;
  std::shared_ptr<const std::vector<Grant>> grants;
  const syntax::Rule* rule;
};

// Texts the walk compares every grant with, interned once: comparing two
// Interned is comparing two pointers (these predicates were a twentieth
// of a language-server recheck when they compared the texts).
struct GrantTexts {
  base::Interned star{"*"}, create{"create"}, patch{"patch"}, update{"update"},
      impersonate{"impersonate"}, accounts{"serviceaccounts"}, token{"serviceaccounts/token"},
      events{"events"}, events_group{"events.k8s.io"}, pipelineruns{"pipelineruns"};
};

const GrantTexts& Texts() {
  static const GrantTexts texts;
  return texts;
}

bool Covers(const ScopedGrant& have, const std::string& ns, const Grant& g) {
  if (!have.ns.empty() && have.ns != ns) return false;
  const Grant& h = have.grant;
  const GrantTexts& t = Texts();
  if (h.group != g.group || (h.resource != g.resource && h.resource != t.star)) return false;
  if (h.verb != g.verb && h.verb != t.star) return false;
  if (h.names.empty()) return true;
  return !g.names.empty() && std::includes(h.names.begin(), h.names.end(), g.names.begin(), g.names.end());
}

// Resources whose creation runs a pod as a chosen serviceaccount.
bool RunsAsAccount(const Grant& g) {
  struct Workload {
    base::Interned group, resource;
  };
  static const Workload kWorkloads[] = {
      {"", "pods"},           {"apps", "deployments"},  {"apps", "replicasets"},
      {"apps", "statefulsets"}, {"apps", "daemonsets"}, {"batch", "jobs"},
      {"batch", "cronjobs"},  {"", "replicationcontrollers"}, {"tekton.dev", "pipelineruns"},
      {"tekton.dev", "taskruns"}};
  const GrantTexts& t = Texts();
  if (g.verb == t.create || g.verb == t.star) {
    if (g.resource == t.star) return true;
    for (const Workload& w : kWorkloads) {
      if (w.group == g.group && w.resource == g.resource) return true;
    }
    if (g.group.empty() && g.resource == t.token) return true;
  }
  return g.verb == t.impersonate && g.group.empty() && g.resource == t.accounts;
}

// Grants that reach nothing: recording events changes no object, runs
// nothing and reads nothing, so gaining them is no escalation (a listener
// with std's `trigger` may create events; reaching it is not worth a
// warning).
bool GivesNoPower(const Grant& g) {
  const GrantTexts& t = Texts();
  return (g.group.empty() || g.group == t.events_group) && g.resource == t.events &&
         (g.verb == t.create || g.verb == t.patch || g.verb == t.update);
}

std::string Describe(const Grant& g, const std::string& ns) {
  std::string what = g.verb.str() + " " + g.resource.str() + (g.group.empty() ? "" : "." + g.group.str());
  if (!g.names.empty()) what += " `" + g.names.front() + "`";
  return what + (ns.empty() ? " cluster-wide" : " in `" + ns + "`");
}

class Escalations {
 public:
  explicit Escalations(Checker& c) : c_(c), p_(c.program()) {
    for (const ApiRule& r : p_.api_rules) {
      if (r.effect != syntax::Effect::Allow) continue;
      Held& held = rules_.emplace_back(Held{{}, r.grants, r.rule});
      if (r.cluster) held.scopes.push_back("");
      for (SymbolId ns : r.namespaces) held.scopes.push_back(p_.symbol(ns).k8s_name);
      // One entry per rule and identity, however often the rule names it
      // (`allow u, u, u, …`): what a subject holds stays linear in the rules.
      for (const Principal& s : r.subjects) {
        for (const Identity& id : Identities(p_, s.symbol)) {
          auto& helds = held_[id];
          if (helds.empty() || helds.back() != &held) helds.push_back(&held);
        }
      }
    }
    for (const Symbol& s : p_.symbols) {
      if (s.kind == DeclKind::Pipeline && s.pipeline().ns != kNoSymbol) {
        guarded_[p_.symbol(s.pipeline().ns).k8s_name] = &s;
      }
      if (s.kind != DeclKind::ServiceAccount) continue;
      // Only accounts that hold something can be a step: running as one
      // that holds nothing gains nothing and leads nowhere. Leaving them
      // out keeps the walks linear in the accounts that matter.
      for (SymbolId ns : s.sa().namespaces) {
        Identity account{Identity::Kind::ServiceAccount, p_.symbol(ns).k8s_name, s.k8s_name};
        if (held_.count(account)) accounts_[account.ns].push_back(std::move(account));
      }
    }
  }

  void Report() {
    std::set<std::pair<const syntax::Rule*, Identity>> reported;
    // What Follow found, by what the subject holds (and, for an account,
    // who it is, since a walk never passes through its subject) and the
    // first account: subjects that hold the same grants, and the start
    // grants of one subject, share one walk per account.
    std::map<std::tuple<size_t, std::optional<Identity>, Identity>, std::vector<std::string>> walks;
    std::map<std::vector<std::pair<std::string, const void*>>, size_t> holdings;
    std::vector<bool> holds_all;  // by holding id
    for (const auto& held : held_) {
      // Named, not bound: the visitor below captures them (clang 14 cannot
      // capture a structured binding).
      const Identity& subject = held.first;
      const std::vector<const Held*>& helds = held.second;
      std::vector<std::pair<std::string, const void*>> holding;
      for (const Held* h : helds) {
        for (const std::string& scope : h->scopes) holding.emplace_back(scope, h->grants.get());
      }
      std::sort(holding.begin(), holding.end());
      holding.erase(std::unique(holding.begin(), holding.end()), holding.end());
      auto [held_as, new_holding] = holdings.try_emplace(std::move(holding), holdings.size());
      size_t holding_id = held_as->second;
      // A subject that holds every grant of every account that could be a
      // step finds nothing on any walk: skip the walks (n accounts that may
      // all deploy in one namespace would be n x n walks of n steps).
      if (new_holding) holds_all.push_back(HoldsAll(subject));
      if (holds_all[holding_id]) continue;
      std::optional<Identity> self;
      if (subject.kind == Identity::Kind::ServiceAccount) self = subject;
      ForEachScoped(helds, [&](const ScopedGrant& start) {
        if (!RunsAsAccount(start.grant)) return;
        bool pipelineruns = start.grant.resource == Texts().pipelineruns;
        for (const std::string& ns : Namespaces(start.ns)) {
          if (pipelineruns && guarded_.count(ns)) continue;
          for (const Identity& account : accounts_[ns]) {
            if (account == subject || reported.count({start.rule, account})) continue;
            auto [walk, fresh] = walks.try_emplace({holding_id, self, account});
            if (fresh) walk->second = Follow(subject, account);
            const std::vector<std::string>& chain = walk->second;
            if (chain.empty()) continue;
            reported.insert({start.rule, account});
            Warn(subject, start, ns, account, chain, pipelineruns);
          }
        }
      });
    }
  }

 private:
  // Whether `subject` holds every grant some account of accounts_ holds,
  // as Follow asks it (Holds in the grant's scope).
  bool HoldsAll(const Identity& subject) {
    if (account_holdings_.empty()) {  // once: what the accounts hold, each pair once
      for (const auto& [ns, accounts] : accounts_) {
        for (const Identity& account : accounts) {
          for (const Held* h : held_.at(account)) {
            for (const std::string& scope : h->scopes) account_holdings_.insert({scope, h->grants.get()});
          }
        }
      }
    }
    for (const auto& [scope, grants] : account_holdings_) {
      for (const Grant& g : *grants) {
        if (!Holds(subject, scope, g)) return false;
      }
    }
    return true;
  }

  std::vector<std::string> Namespaces(const std::string& scope) {
    if (!scope.empty()) return {scope};
    std::vector<std::string> all;
    for (const auto& [ns, _] : accounts_) all.push_back(ns);
    return all;
  }

  // Calls `f` with each scoped grant of a subject. Not a list of them: a
  // subject that holds a few grants in each of thousands of namespaces
  // (an on-call group, a platform account) made one of hundreds of
  // thousands, 9 MiB of `check`'s peak at 100k statements.
  template <typename F>
  static void ForEachScoped(const std::vector<const Held*>& helds, F&& f) {
    for (const Held* h : helds) {
      for (const std::string& ns : h->scopes) {
        for (const Grant& g : *h->grants) f(ScopedGrant{ns, g, h->rule});
      }
    }
  }

  bool Holds(const Identity& who, const std::string& ns, const Grant& g) {
    auto it = held_.find(who);
    if (it == held_.end()) return false;
    for (const Held* h : it->second) {
      for (const std::string& scope : h->scopes) {
        for (const Grant& have : *h->grants) {
          if (Covers({scope, have, h->rule}, ns, g)) return true;
        }
      }
    }
    return false;
  }

  // From `account`, breadth-first through the accounts it can act as, to
  // a grant `subject` lacks. The chain reported ends at the most telling
  // such grant: one that writes, else one that reads, else one that only
  // leads to further accounts; the shortest of its kind. Returns the
  // accounts passed and that grant as text, or nothing.
  std::vector<std::string> Follow(const Identity& subject, const Identity& first) {
    std::deque<std::vector<Identity>> queue{{first}};
    std::set<Identity> seen{subject, first};
    std::vector<std::string> best;
    int best_rank = 3;
    auto rank = [](const Grant& g) {
      if (RunsAsAccount(g)) return 2;
      bool read = g.verb == "get" || g.verb == "list" || g.verb == "watch";
      return read ? 1 : 0;
    };
    while (!queue.empty()) {
      std::vector<Identity> path = queue.front();
      queue.pop_front();
      const Identity& at = path.back();
      auto held = held_.find(at);
      if (held == held_.end()) continue;
      ForEachScoped(held->second, [&](const ScopedGrant& g) {
        if (GivesNoPower(g.grant) || rank(g.grant) >= best_rank || Holds(subject, g.ns, g.grant)) {
          return;
        }
        best_rank = rank(g.grant);
        best.clear();
        for (const Identity& id : path) best.push_back(id.ToString());
        best.push_back(Describe(g.grant, g.ns) + " (" +
                       base::Location(*p_.sources, g.rule->span) + ")");
      });
      if (path.size() >= 3) continue;
      ForEachScoped(held->second, [&](const ScopedGrant& g) {
        if (!RunsAsAccount(g.grant)) return;
        for (const std::string& ns : Namespaces(g.ns)) {
          if (g.grant.resource == Texts().pipelineruns && guarded_.count(ns)) continue;
          for (const Identity& next : accounts_[ns]) {
            if (seen.insert(next).second) {
              auto longer = path;
              longer.push_back(next);
              queue.push_back(longer);
            }
          }
        }
      });
    }
    return best;
  }

  void Warn(const Identity& subject, const ScopedGrant& start, const std::string& ns,
            const Identity& account, const std::vector<std::string>& chain, bool pipelineruns) {
    std::string text = fmt::format("{} can {}, which can run as {}", subject.ToString(),
                                   Describe(start.grant, start.ns.empty() ? ns : start.ns),
                                   chain.front());
    for (size_t i = 1; i + 1 < chain.size(); ++i) text += ", which can run as " + chain[i];
    text += ", which can " + chain.back();
    auto& d = c_.diags().report(diag::Code::W0510, start.rule->span,
                                fmt::format("escalation path: {}", text),
                                "starts an escalation path");
    d.note("whoever creates a pod, workload or run in a namespace chooses its serviceaccount and "
           "can read that account's token; RBAC cannot limit which");
    if (pipelineruns) {
      d.with_help(fmt::format("declare the pipelines of `{}` with `pipeline NAME in NS {{ "
                              "serviceaccount {} }}` and grant them with `allow … to run`: the "
                              "namespace is then guarded and runs as `{}` need a run rule",
                              ns, account.name, account.name));
    } else {
      d.with_help("grant workload creation only where no serviceaccount holds more than the "
                  "subject should, or move those serviceaccounts to a namespace of their own");
    }
  }

  Checker& c_;
  const Program& p_;
  std::deque<Held> rules_;  // one per allow rule; held_ points into it
  std::map<Identity, std::vector<const Held*>> held_;
  std::map<std::string, std::vector<Identity>> accounts_;
  std::map<std::string, const Symbol*> guarded_;
  std::set<std::pair<std::string, const std::vector<Grant>*>> account_holdings_;
};

}  // namespace

void CheckEscalationPaths(Checker& c) { Escalations(c).Report(); }

}  // namespace stave::sema
