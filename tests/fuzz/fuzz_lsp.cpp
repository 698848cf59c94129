// libFuzzer target: the language server's message handling, in-process.
// The bytes are a client's output stream: framed by the transport
// (MessageReader) and handed to the Server, with the debounced recheck run
// after each message, until `exit`, end of input, or 64 messages.
// Invariants: no crash, no hang (libFuzzer's -timeout), and everything the
// server sends is one JSON value.
#include <llvm/Support/JSON.h>

#include "compiler/lsp/server.h"
#include "compiler/lsp/transport.h"
#include "tests/fuzz/fuzz_util.h"

using namespace stave;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  lsp::Server::Options options;
  options.debounce = std::chrono::milliseconds(0);
  options.max_delay = std::chrono::milliseconds(0);
  lsp::Server server(
      [](std::string text) {
        auto parsed = llvm::json::parse(text);
        if (!parsed) {
          llvm::consumeError(parsed.takeError());
          fuzz::Fail("the server sent text that is not JSON");
        }
      },
      options);
  lsp::StringSource source(std::string(reinterpret_cast<const char*>(data), size));
  lsp::MessageReader reader(source);
  for (int i = 0; i < 64 && !server.ExitRequested(); ++i) {
    lsp::ReadEvent event = reader.Next();
    if (event.kind == lsp::ReadEvent::Kind::Eof) break;
    if (event.kind == lsp::ReadEvent::Kind::Error) server.HandleFramingError(event.error);
    else server.HandleMessage(event.body);
    server.RecheckIfPending();
  }
  return 0;
}
