// base::SideThread: work beside the calling thread, joined, with what it
// throws rethrown where it is joined.
#include <atomic>
#include <stdexcept>

#include <catch2/catch.hpp>

#include "compiler/base/pool_alloc.h"
#include "compiler/base/side_thread.h"

using stave::base::SideThread;

TEST_CASE("a side thread runs its work and is joined", "[threads]") {
  std::atomic<int> ran{0};
  {
    SideThread side([&] { ran = 1; });
    REQUIRE(side.started());  // the test machine can start a thread
    side.Join();
    CHECK(ran == 1);
  }
  {
    SideThread side([&] { ran = 2; });
  }  // not joined by hand: the destructor waits
  CHECK(ran == 2);
}

TEST_CASE("what the work throws is rethrown by Join, once", "[threads]") {
  SideThread side([] { throw std::runtime_error("out of memory, say"); });
  CHECK_THROWS_WITH(side.Join(), "out of memory, say");
  CHECK_NOTHROW(side.Join());
}

TEST_CASE("a side thread's memory is malloc's, not the pool's", "[threads]") {
  // Its frees would strand blocks in the lists of a thread that ends.
  void* block = nullptr;
  SideThread side([&] { block = stave::base::PoolAllocate(32); });
  side.Join();
  CHECK_FALSE(stave::base::PoolOwns(block));
  stave::base::PoolFree(block);
}
