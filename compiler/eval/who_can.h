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
  std::string error;     // a usage problem: unknown name, bad query
  std::string question;  // the query, normalised
  std::vector<Grantee> grantees;
};

// `words` are the query: `VERB RESOURCE [NAME] in NS|cluster`,
// `ACTION [APP] in NS|cluster`, or `call APP [in NS] [method M] [path P]
// [port N]`. Names may be qualified (`pkg.name`); bare ones are looked up
// in std, then in the program's packages.
WhoCanResult WhoCan(const sema::Program& program, const lower::Output& output,
                    const std::vector<std::string>& words, const std::string& trust_domain);

}  // namespace stave::eval
