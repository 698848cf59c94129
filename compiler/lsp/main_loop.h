// The server process's loop: a reader thread frames messages from the input
// and queues them; the calling thread handles them in order and runs the
// debounced recheck when no message arrives before its deadline.
#pragma once

#include "compiler/lsp/server.h"

namespace stave::lsp {

// Serves until `exit` or the end of input; returns the exit code.
int RunServer(int in_fd, int out_fd, const Server::Options& options);

}  // namespace stave::lsp
