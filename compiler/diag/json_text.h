// JSON documents as stave prints them: indented by two spaces, keys sorted
// (llvm::json does), ending with a newline. Used by every `--format json`
// and SARIF output, so they all look alike. Needs llvm::json, which stays out
// of stave-core (see compiler/meson.build).
#pragma once

#include <string>

#include <llvm/Support/JSON.h>

namespace stave::diag {

std::string JsonText(llvm::json::Value value);

}  // namespace stave::diag
