// `stave lsp`: the language server on stdin/stdout (spec §11). The server
// itself lives in compiler/lsp; this only sets up the process.
#include <csignal>

#include "compiler/driver/commands.h"
#include "compiler/lsp/main_loop.h"

namespace stave::driver {

int RunLsp(const Options& options) {
  // A client that goes away must not kill the server mid-write; the write
  // fails instead and the server ends at the end of its input.
  std::signal(SIGPIPE, SIG_IGN);
  lsp::Server::Options server_options;
  server_options.lower = {options.trust_domain, options.istio_dry_run};
  server_options.walk_in_background = true;
  return lsp::RunServer(0, 1, server_options);
}

}  // namespace stave::driver
