// How evaluator answers name objects and rules in their output:
// `RoleBinding payments-prod/stave:view`, `payments.policy:40: allow …`.
#pragma once

#include <string>

#include <fmt/format.h>

#include "compiler/lower/objects.h"
#include "compiler/sema/program.h"

namespace stave::eval {

inline std::string ObjectName(const lower::Object& o) {
  return fmt::format("{} {}{}", lower::KindName(o.kind), o.meta.ns.empty() ? "" : o.meta.ns + "/",
                     o.meta.name);
}

inline std::string RuleText(const sema::Program& p, base::Span span) {
  return base::Location(*p.sources, span) + ": " + base::OneLineText(*p.sources, span);
}

}  // namespace stave::eval
