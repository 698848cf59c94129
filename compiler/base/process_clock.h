// When the process started running its own code, for `--timings`: the
// first static initializer of the binary records it (before the generated
// lexer and parser deserialize their grammars), so start-up is a stage
// like the others instead of time no stage accounts for.
#pragma once

#include <chrono>

namespace stave::base {

std::chrono::steady_clock::time_point ProcessStart();

}  // namespace stave::base
