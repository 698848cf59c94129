// The small-object pool behind the `stave` binary's operator new (the test
// tree runs under ASan, where the binary keeps ASan's allocator, so the
// pool is tested here directly).
#include <catch2/catch.hpp>

#include <cstdint>
#include <cstring>
#include <set>
#include <thread>
#include <vector>

#include "compiler/base/pool_alloc.h"

using stave::base::PoolAllocate;
using stave::base::PoolFree;
using stave::base::PoolOwns;

TEST_CASE("pool blocks are aligned, distinct and keep what is written", "[pool]") {
  std::vector<std::pair<unsigned char*, size_t>> blocks;
  for (size_t round = 0; round < 3; ++round) {
    for (size_t size = 0; size <= 300; ++size) {
      auto* p = static_cast<unsigned char*>(PoolAllocate(size));
      REQUIRE(p != nullptr);
      CHECK(reinterpret_cast<uintptr_t>(p) % 16 == 0);
      std::memset(p, static_cast<int>(size & 0xff), size);
      blocks.emplace_back(p, size);
    }
  }
  std::set<unsigned char*> distinct;
  for (auto [p, size] : blocks) distinct.insert(p);
  CHECK(distinct.size() == blocks.size());
  // Nothing overlaps: every block still holds its own byte.
  for (auto [p, size] : blocks) {
    for (size_t i = 0; i < size; ++i) REQUIRE(p[i] == static_cast<unsigned char>(size & 0xff));
  }
  for (auto [p, size] : blocks) {
    // Small blocks are the pool's (unless the range could not be
    // reserved); large ones always malloc's.
    if (size > stave::base::kPoolMaxBlock) CHECK_FALSE(PoolOwns(p));
    PoolFree(p);
  }
  PoolFree(nullptr);
}

TEST_CASE("a freed block is reused for its size class only", "[pool]") {
  void* a = PoolAllocate(40);
  REQUIRE(PoolOwns(a));  // the test machine can reserve the range
  PoolFree(a);
  CHECK(PoolAllocate(48) == a);  // 40 and 48 share the 33..48 class
  void* b = PoolAllocate(40);
  CHECK(b != a);
  PoolFree(b);
  void* c = PoolAllocate(16);  // another class: not b
  CHECK(c != b);
  PoolFree(c);
  PoolFree(a);
}

TEST_CASE("a chunk's worth of blocks and more come out whole", "[pool]") {
  // More blocks than one 64 KiB chunk holds, so that refilling is crossed.
  std::vector<uint64_t*> blocks;
  for (uint64_t i = 0; i < 3 * stave::base::kPoolChunkBytes / 32; ++i) {
    auto* p = static_cast<uint64_t*>(PoolAllocate(32));
    p[0] = i;
    p[3] = ~i;
    blocks.push_back(p);
  }
  for (uint64_t i = 0; i < blocks.size(); ++i) {
    REQUIRE(blocks[i][0] == i);
    REQUIRE(blocks[i][3] == ~i);
  }
  for (auto* p : blocks) PoolFree(p);
}

TEST_CASE("blocks may be freed by another thread", "[pool]") {
  std::vector<void*> made, again;
  made.reserve(10000);
  again.reserve(10000);
  std::thread maker([&] {
    for (int i = 0; i < 10000; ++i) made.push_back(PoolAllocate(24 + i % 200));
  });
  maker.join();
  for (void* p : made) PoolFree(p);  // onto this thread's lists
  for (int i = 0; i < 10000; ++i) again.push_back(PoolAllocate(24 + i % 200));
  std::set<void*> reused(made.begin(), made.end());
  size_t hits = 0;
  for (void* p : again) hits += reused.count(p);
  CHECK(hits == again.size());  // every one came from the freed blocks
  for (void* p : again) PoolFree(p);
}

TEST_CASE("a thread that bypasses the pool gets malloc's blocks, freed anywhere", "[pool]") {
  std::vector<void*> made;
  std::thread producer([&] {
    void* before = PoolAllocate(64);
    stave::base::PoolBypassThisThread();
    for (int i = 0; i < 100; ++i) made.push_back(PoolAllocate(64));
    made.push_back(before);
  });
  producer.join();
  // The language server's reader hands its messages to the main thread:
  // after the call none of its blocks is the pool's, so none strands on
  // the main thread's free lists while the reader carves new chunks.
  void* before = made.back();
  made.pop_back();
  for (void* p : made) {
    CHECK_FALSE(PoolOwns(p));
    PoolFree(p);
  }
  if (PoolOwns(before)) PoolFree(before);  // the pool may be off (STAVE_POOL=0)
  // This thread still uses the pool.
  void* mine = PoolAllocate(64);
  PoolFree(mine);
}
