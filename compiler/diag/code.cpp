// The registry table built from codes.def.
#include "compiler/diag/code.h"

#include <array>

namespace stave::diag {
namespace {

constexpr CodeInfo kCodes[] = {
#define DIAG(code, severity, summary) {Code::code, #code, Severity::severity, summary},
#include "compiler/diag/codes.def"
#undef DIAG
};

}  // namespace

const CodeInfo& Info(Code code) { return kCodes[static_cast<size_t>(code)]; }

std::span<const CodeInfo> AllCodes() { return kCodes; }

std::optional<Code> ParseCode(std::string_view name) {
  for (const CodeInfo& info : kCodes) {
    if (info.name == name) return info.code;
  }
  return std::nullopt;
}

std::string_view SeverityName(Severity s) {
  switch (s) {
    case Severity::Error: return "error";
    case Severity::Warning: return "warning";
    case Severity::Note: return "note";
  }
  return "error";
}

}  // namespace stave::diag
