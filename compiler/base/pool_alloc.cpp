#include "compiler/base/pool_alloc.h"

#include <sys/mman.h>

#include <atomic>
#include <cstdint>
#include <cstdlib>
#include <cstring>

namespace stave::base {
namespace {

constexpr size_t kAlign = 16;
constexpr size_t kClasses = kPoolMaxBlock / kAlign;
// Address space only: pages are backed when first touched.
constexpr size_t kRegionBytes = size_t{1} << 30;
constexpr size_t kChunks = kRegionBytes / kPoolChunkBytes;

// Everything here is constant-initialized: operator new runs before any
// dynamic initializer (the C++ runtime allocates during its own start-up).
enum State : int { kUnset, kStarting, kReady, kOff };
constinit std::atomic<int> g_state{kUnset};
constinit std::atomic<char*> g_base{nullptr};
constinit std::atomic<size_t> g_next_chunk{0};
// The size class of each chunk, written once by the thread that claims it;
// a thread that frees a block got it through some synchronisation, which
// also orders this write before its read.
constinit uint8_t g_chunk_class[kChunks] = {};

struct Cache {
  void* free[kClasses];
  char* cursor[kClasses];
  char* end[kClasses];
  bool bypass;  // PoolBypassThisThread
};
constinit thread_local Cache t_cache{};

size_t ClassOf(size_t size) { return size == 0 ? 0 : (size - 1) / kAlign; }

// Reserves the range once. `STAVE_POOL=0` turns the pool off, for heap
// profilers that only see malloc (valgrind --tool=massif).
bool Ready() {
  int state = g_state.load(std::memory_order_acquire);
  if (state == kReady) return true;
  if (state == kOff) return false;
  int expected = kUnset;
  if (g_state.compare_exchange_strong(expected, kStarting, std::memory_order_acq_rel)) {
    const char* env = std::getenv("STAVE_POOL");
    void* base = MAP_FAILED;
    if (env == nullptr || std::strcmp(env, "0") != 0) {
      base = mmap(nullptr, kRegionBytes, PROT_READ | PROT_WRITE,
                  MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    }
    if (base != MAP_FAILED) g_base.store(static_cast<char*>(base), std::memory_order_relaxed);
    g_state.store(base != MAP_FAILED ? kReady : kOff, std::memory_order_release);
    return base != MAP_FAILED;
  }
  while ((state = g_state.load(std::memory_order_acquire)) == kStarting) {
  }
  return state == kReady;
}

void* Refill(size_t cls) {
  size_t bytes = (cls + 1) * kAlign;
  if (!Ready()) return std::malloc(bytes);
  size_t chunk = g_next_chunk.fetch_add(1, std::memory_order_relaxed);
  if (chunk >= kChunks) return std::malloc(bytes);  // range used up
  g_chunk_class[chunk] = static_cast<uint8_t>(cls);
  char* start = g_base.load(std::memory_order_relaxed) + chunk * kPoolChunkBytes;
  Cache& c = t_cache;
  c.cursor[cls] = start + bytes;
  c.end[cls] = start + kPoolChunkBytes;
  return start;
}

}  // namespace

void PoolBypassThisThread() noexcept { t_cache.bypass = true; }

void* PoolAllocate(size_t size) noexcept {
  Cache& c = t_cache;
  if (size > kPoolMaxBlock || c.bypass) return std::malloc(size);
  size_t cls = ClassOf(size);
  if (void* block = c.free[cls]) {
    c.free[cls] = *static_cast<void**>(block);
    return block;
  }
  size_t bytes = (cls + 1) * kAlign;
  if (static_cast<size_t>(c.end[cls] - c.cursor[cls]) >= bytes) {
    void* block = c.cursor[cls];
    c.cursor[cls] += bytes;
    return block;
  }
  return Refill(cls);
}

bool PoolOwns(const void* block) noexcept {
  const char* base = g_base.load(std::memory_order_relaxed);
  if (base == nullptr || block == nullptr) return false;
  auto offset = reinterpret_cast<uintptr_t>(block) - reinterpret_cast<uintptr_t>(base);
  return offset < kRegionBytes;
}

void PoolFree(void* block) noexcept {
  if (!PoolOwns(block)) {
    std::free(block);
    return;
  }
  auto offset = static_cast<size_t>(static_cast<char*>(block) - g_base.load(std::memory_order_relaxed));
  size_t cls = g_chunk_class[offset / kPoolChunkBytes];
  Cache& c = t_cache;
  *static_cast<void**>(block) = c.free[cls];
  c.free[cls] = block;
}

}  // namespace stave::base
