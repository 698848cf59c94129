// The human diagnostic format of spec §7: rustc/clang style, with the source
// line, carets under the primary span and dashes under secondary ones.
#pragma once

#include <string>

#include "compiler/base/source.h"
#include "compiler/diag/diagnostic.h"

namespace stave::diag {

struct HumanStyle {
  bool color = false;
};

std::string RenderHuman(const Diagnostic& d, const base::SourceSet& sources,
                        const HumanStyle& style = {});

}  // namespace stave::diag
