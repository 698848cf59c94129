// `stave explain CODE`: the long explanation of a diagnostic code, and
// `stave explain --catalog`: every code as markdown (docs/diagnostics.md).
#include <algorithm>
#include <cctype>

#include <fmt/format.h>

#include "compiler/diag/did_you_mean.h"
#include "compiler/diag/explain.h"
#include "compiler/driver/commands.h"

namespace stave::driver {

int RunExplain(const Options& options) {
  if (options.catalog) {
    fmt::print("{}", diag::Catalog());
    return kExitOk;
  }
  if (options.args.size() != 1) {
    fmt::print(stderr, "stave: error: `stave explain` takes one code, e.g. `stave explain E0202`\n");
    return kExitUsage;
  }
  std::string name = options.args.front();
  std::transform(name.begin(), name.end(), name.begin(),
                 [](unsigned char c) { return std::toupper(c); });
  auto code = diag::ParseCode(name);
  if (!code) {
    std::vector<std::string> names;
    for (const auto& info : diag::AllCodes()) names.emplace_back(info.name);
    auto guess = diag::ClosestMatch(name, names);
    fmt::print(stderr, "stave: error: unknown diagnostic code `{}`{}\n", options.args.front(),
               guess ? fmt::format("; did you mean `{}`?", *guess) : "");
    return kExitUsage;
  }
  fmt::print("{}", diag::ExplainText(*code));
  return kExitOk;
}

}  // namespace stave::driver
