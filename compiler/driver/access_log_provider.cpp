// `--access-log-provider NAME` (spec §14): the MeshConfig extension
// provider that the Telemetry of call audit rules sends access logs to.
#include <string>

#include "compiler/driver/options.h"

namespace stave::driver {

std::string CheckAccessLogProvider(const std::string& name) {
  // MeshConfig names providers freely; refuse only what no one means:
  // nothing, blanks and control characters.
  bool ok = !name.empty() && name.size() <= 253;
  for (unsigned char c : name) ok = ok && c > ' ' && c != 0x7f;
  if (ok) return "";
  return "`--access-log-provider` takes the name of a MeshConfig extension provider, such as "
         "envoy, not `" + name + "`";
}

}  // namespace stave::driver
