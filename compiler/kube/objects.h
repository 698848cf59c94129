// Kubernetes objects read from a cluster dump or hand-written YAML (spec
// §15): each keeps where it was read, its content for comparison, and, for
// the kinds the permission model holds, the same plain struct lowering
// makes, so that the evaluators of `stave test` decide over both alike.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "compiler/lower/objects.h"

namespace stave::kube {

struct Origin {
  std::string file;  // as given; `-` for standard input
  int line = 0;      // 1-based line of the object's first key
  int column = 0;    // 1-based, 0 when unknown
};

struct ClusterObject {
  std::string api_version;
  std::string kind;  // as written: "Role", "AuthorizationPolicy", ...
  std::string ns;    // resolved (`--namespace` when absent); empty when cluster-scoped
  std::string name;
  Origin origin;
  // Every scalar by path (`spec.rules[0].verbs[1]` -> `get`), empty maps,
  // lists and nulls left out, server-added metadata removed: two objects
  // with equal content mean the same to the API server.
  std::map<std::string, std::string> content;
  // What the permission model holds of it (absent for kinds it has no
  // part in, or when nothing of it can be modelled).
  std::optional<lower::Object> model;
  // Parts the model leaves out, worded for a warning: "`nonResourceURLs`
  // in rule 2". Where a part is left out the model errs towards granting
  // (an ALLOW source field dropped, a DENY rule dropped), so drift reports
  // access that may exist rather than hide it; import warns.
  std::vector<std::string> unsupported;
  std::map<std::string, std::string> selector;  // RequestAuthentication, PeerAuthentication
};

struct Problem {
  Origin origin;
  std::string message;
};

struct ReadResult {
  std::vector<ClusterObject> objects;  // in input order
  std::vector<Problem> errors;         // malformed documents: exit 1
  std::vector<Problem> notes;          // kinds skipped, one per kind
};

struct InputFile {
  std::string path;
  std::string text;
};

// The kinds §15 reads, and the admission kinds stave emits (read for
// drift's comparison only).
bool IsReadKind(const std::string& kind);
bool IsNamespacedKind(const std::string& kind);

// Multi-document YAML or JSON, `kind: List` (and `*List`) unwrapped.
// Never throws: malformed input becomes `errors`.
ReadResult ReadObjects(const std::vector<InputFile>& files, const std::string& default_ns);

// The model objects, sorted as lowering sorts its output (cluster-scoped
// first, then namespace, kind, name), for the evaluators.
// With `sources`, `(*sources)[i]` is the object `objects[i]` was read as.
lower::Output ModelOutput(const std::vector<ClusterObject>& objects,
                          std::vector<const ClusterObject*>* sources = nullptr);

// `NS/NAME`, or `NAME` when cluster-scoped.
std::string Qualified(const ClusterObject& object);

// A dump's content of one emitted object, for comparing with the cluster:
// what reading its emitted YAML back would give.
std::map<std::string, std::string> ContentOf(const lower::Object& object);

}  // namespace stave::kube
