#include "compiler/base/process_clock.h"

namespace stave::base {
namespace {

std::chrono::steady_clock::time_point g_start;

// Priority 101, the first a program may use: before every initializer of
// default priority, the ANTLR grammar's included.
[[gnu::constructor(101)]] void MarkProcessStart() { g_start = std::chrono::steady_clock::now(); }

}  // namespace

std::chrono::steady_clock::time_point ProcessStart() { return g_start; }

}  // namespace stave::base
