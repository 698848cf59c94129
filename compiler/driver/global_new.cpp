// The `stave` binary's global operator new and delete: small blocks from
// base/pool_alloc.h, the rest from malloc. Only the executable links this
// file, so that libraries embedding the stages keep their own allocator.
// Under AddressSanitizer the replacement is left out: ASan's allocator is
// what finds use-after-free and overflows (the pool itself is unit-tested).
#include <cstddef>
#include <new>

#include "compiler/base/pool_alloc.h"

#if defined(__has_feature)
#if __has_feature(address_sanitizer)
#define STAVE_ASAN 1
#endif
#endif
#if defined(__SANITIZE_ADDRESS__)
#define STAVE_ASAN 1
#endif

#ifndef STAVE_ASAN

namespace {

void* Allocate(std::size_t size) {
  if (void* block = stave::base::PoolAllocate(size)) return block;
  throw std::bad_alloc();
}

}  // namespace

void* operator new(std::size_t size) { return Allocate(size); }
void* operator new[](std::size_t size) { return Allocate(size); }
void* operator new(std::size_t size, const std::nothrow_t&) noexcept {
  return stave::base::PoolAllocate(size);
}
void* operator new[](std::size_t size, const std::nothrow_t&) noexcept {
  return stave::base::PoolAllocate(size);
}
void operator delete(void* block) noexcept { stave::base::PoolFree(block); }
void operator delete[](void* block) noexcept { stave::base::PoolFree(block); }
void operator delete(void* block, std::size_t) noexcept { stave::base::PoolFree(block); }
void operator delete[](void* block, std::size_t) noexcept { stave::base::PoolFree(block); }
void operator delete(void* block, const std::nothrow_t&) noexcept { stave::base::PoolFree(block); }
void operator delete[](void* block, const std::nothrow_t&) noexcept {
  stave::base::PoolFree(block);
}

#endif  // STAVE_ASAN
