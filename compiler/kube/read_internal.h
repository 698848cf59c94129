// Shared between the reader's two files: building the permission model of
// one parsed object.
#pragma once

#include <vector>

#include "compiler/kube/objects.h"
#include "compiler/kube/yaml_tree.h"

namespace stave::kube {

// Fills `o.model`, `o.unsupported` and `o.selector` from the
// document; shape errors (a list where a string belongs) go to `errors`.
void BuildModel(const YamlNode& doc, ClusterObject& o, std::vector<Problem>& errors);

}  // namespace stave::kube
