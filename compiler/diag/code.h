// Diagnostic codes as an enum generated from codes.def, with their registry
// data (severity, summary) for the catalog and `stave explain`.
#pragma once

#include <optional>
#include <span>
#include <string_view>

namespace stave::diag {

enum class Severity { Error, Warning, Note };

enum class Code {
#define DIAG(code, severity, summary) code,
#include "compiler/diag/codes.def"
#undef DIAG
};

struct CodeInfo {
  Code code;
  std::string_view name;  // "E0101"
  Severity severity;
  std::string_view summary;
};

const CodeInfo& Info(Code code);
std::span<const CodeInfo> AllCodes();
std::optional<Code> ParseCode(std::string_view name);
std::string_view SeverityName(Severity s);

}  // namespace stave::diag
