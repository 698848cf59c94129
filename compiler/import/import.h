// `stave import` (spec §15): Kubernetes RBAC and Istio objects as a Stave
// program that grants what they grant. Pure: the driver reads the objects,
// formats and checks the files, and writes them.
#pragma once

#include <map>
#include <set>
#include <string>
#include <tuple>
#include <vector>

#include "compiler/kube/objects.h"

namespace stave::import {

// One RBAC permission as an action holds it: (API group, resource as RBAC
// lists it, verb).
using Atom = std::tuple<std::string, std::string, std::string>;

// What the std library offers, read from its compiled symbols: each
// action's permissions, and each resource's name by its resource string.
struct StdLibrary {
  std::map<std::string, std::set<Atom>> actions;    // name -> permissions
  std::map<std::string, std::string> resources;     // "deployments.apps" -> name
  std::set<std::string> names;                      // every std name (not to shadow)
};

struct ImportResult {
  std::map<std::string, std::string> files;  // "NS.policy", "cluster.policy" -> text
  std::vector<kube::Problem> warnings;        // what is kept as a comment, naming the object
};

ImportResult Import(const std::vector<kube::ClusterObject>& objects, const std::string& package,
                    const StdLibrary& std_library);

}  // namespace stave::import
