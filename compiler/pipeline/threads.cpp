#include "compiler/pipeline/threads.h"

#include <algorithm>
#include <cstdlib>
#include <thread>

namespace stave::pipeline {

unsigned Threads() {
  if (const char* env = std::getenv("STAVE_THREADS")) {
    int n = std::atoi(env);
    if (n >= 1) return static_cast<unsigned>(std::min(n, 64));
  }
  return std::clamp(std::thread::hardware_concurrency(), 1u, 4u);
}

}  // namespace stave::pipeline
