// `stave import`: placeholder until the importer lands.
#include <fmt/format.h>

#include "compiler/driver/commands.h"

namespace stave::driver {

int RunImport(const Options&) {
  fmt::print(stderr, "stave: error: `stave import` is not implemented yet\n");
  return kExitUsage;
}

}  // namespace stave::driver
