// The request that `stave test` and `who-can call` put to an app, before
// each adds what its caller said (method, path, host, headers).
#pragma once

#include <cstdint>
#include <optional>

#include "compiler/eval/istio_eval.h"
#include "compiler/sema/program.h"

namespace stave::eval {

// The app's selector labels as the callee's pod labels, and `port` or,
// without one, the app's first HTTP port; HTTP when that port is declared
// so (an undeclared port is taken as HTTP, Istio's view of an unknown one).
MeshRequest RequestToApp(const sema::AppInfo& app, std::optional<uint32_t> port);

}  // namespace stave::eval
