#include "compiler/eval/app_request.h"

namespace stave::eval {

MeshRequest RequestToApp(const sema::AppInfo& app, std::optional<uint32_t> port) {
  MeshRequest r;
  for (const auto& [k, v] : app.selector) r.labels[k] = v;
  r.port = port;
  if (!r.port) {
    for (const auto& p : app.ports) {
      if (p.http) {
        r.port = p.number;
        break;
      }
    }
  }
  for (const auto& p : app.ports) {
    if (r.port && p.number == *r.port) r.http = p.http;
  }
  return r;
}

}  // namespace stave::eval
