// Shared between the reader's two files: building the permission model of
// one parsed object. Includes yaml-cpp, so only compiler/kube includes it.
#pragma once

#include <vector>

#include <yaml-cpp/yaml.h>

#include "compiler/kube/objects.h"

namespace stave::kube {

// Fills `o.model`, `o.unsupported` and `o.selector` from the
// document; shape errors (a list where a string belongs) go to `errors`.
void BuildModel(const YAML::Node& doc, ClusterObject& o, std::vector<Problem>& errors);

}  // namespace stave::kube
