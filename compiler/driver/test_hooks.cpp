// The environment-variable hooks of test_hooks.h. Counters are per process
// and per name; a malformed variable injects nothing.
#include "compiler/driver/test_hooks.h"

#include <signal.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <map>
#include <string>

namespace stave::driver {
namespace {

// Whether `spec` (a comma-separated `NAME[:N]` list) names `name` for its
// `count`th occurrence; a missing N means 1.
bool SpecMatches(const char* spec, const char* name, long count) {
  std::string all(spec);
  size_t start = 0;
  while (start <= all.size()) {
    size_t end = all.find(',', start);
    if (end == std::string::npos) end = all.size();
    std::string item = all.substr(start, end - start);
    size_t colon = item.find(':');
    long n = colon == std::string::npos ? 1 : std::strtol(item.c_str() + colon + 1, nullptr, 10);
    if (item.substr(0, colon) == name && n == count) return true;
    start = end + 1;
  }
  return false;
}

std::map<std::string, long>& Counts() {
  static std::map<std::string, long> counts;
  return counts;
}

long NextCount(const char* name) { return ++Counts()[name]; }

}  // namespace

bool InjectedFault(const char* op) {
  const char* spec = std::getenv("STAVE_TEST_FAULT");
  if (spec == nullptr) return false;
  if (!SpecMatches(spec, op, NextCount(op))) return false;
  errno = std::strcmp(op, "write") == 0 ? ENOSPC : EIO;
  return true;
}

void ResetTestHookCounts() { Counts().clear(); }

void TestStopPoint(const char* point) {
  const char* spec = std::getenv("STAVE_TEST_STOP");
  if (spec == nullptr) return;
  if (SpecMatches(spec, point, NextCount(point))) raise(SIGSTOP);
}

}  // namespace stave::driver
