// `stave who-can`: every declared subject or mesh source granted a
// permission, computed by asking the evaluators about each one over the
// lowered objects, with the objects and source rules that grant it.
#pragma once

#include <string>
#include <vector>

#include "compiler/lower/objects.h"
#include "compiler/sema/program.h"

namespace stave::eval {

struct Grantee {
  std::string subject;      // "group payments-devs", "serviceaccount prod/frontend", "plaintext callers"
  std::string declared_as;  // "payments.devs" (empty for synthetic callers)
  std::vector<std::string> objects;  // "RoleBinding payments-prod/stave:view"
  std::vector<std::string> rules;    // "payments.policy:40: allow sre to view in staging, prod"
  // Set when the query names no object and the grant is limited to named
  // objects (`resourceNames`): the names it covers, sorted.
  std::vector<std::string> only_names;
};

struct WhoCanResult {
  std::string question;  // the query, normalised
  std::vector<Grantee> grantees;
};

// Why who-can does not answer `target`, or "": it asks who is allowed an
// API request or a call, so neither `run PIPELINE` nor `level` fits.
std::string UnsupportedQuery(const syntax::ExpectTarget& target);

// `target` is the query, an expectation target (`VERB RESOURCE ["OBJECT"]
// in NS|cluster`, `ACTION [APP] in NS|cluster`, `call APP [in NS] …`)
// resolved by sema::ResolveQuery exactly as in a test. Its requests are
// the ones `stave test` asks (expectations.h), put to every declared
// user, group and serviceaccount, or for a call to every mesh caller.
WhoCanResult WhoCan(const sema::Program& program, const lower::Output& output,
                    const sema::Expectation& target, const std::string& trust_domain);

}  // namespace stave::eval
