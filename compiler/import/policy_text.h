// Policy-language text the importer writes: string literals and readable
// identifiers made from Kubernetes names.
#pragma once

#include <string>
#include <vector>

namespace stave::import {

// A readable identifier from a Kubernetes name: lowercase, `-` for what an
// identifier cannot hold, `x-` before a leading digit.
std::string Identifier(const std::string& text);

std::string Join(const std::vector<std::string>& items, const std::string& sep = ", ");

}  // namespace stave::import
