// A small-object allocator behind the `stave` binary's `operator new`.
//
// Parsing allocates and frees a token, a parse-tree node and a child list
// per token and rule (ANTLR's runtime does, with `new`), and glibc's malloc
// and free took over a quarter of `stave check` (bench/, docs/performance.md).
// Here a block of up to 256 bytes comes from a per-thread free list of its
// 16-byte size class, or is carved from a 64 KiB chunk of that class: a few
// instructions each way, and no per-block header (glibc adds 8 bytes and
// rounds to 32).
//
// The chunks are cut from one address range reserved at first use, so
// whether a pointer is the pool's is a range check and its size class is
// looked up by chunk. Freed blocks go back to the freeing thread's list and
// are never returned to the system: a run keeps its peak, and the language
// server's next recheck reuses it. Larger blocks, and every block when the
// range cannot be reserved or is used up, come from malloc.
#pragma once

#include <cstddef>

namespace stave::base {

// 16-byte aligned; nullptr only when malloc fails.
void* PoolAllocate(size_t size) noexcept;
// Takes blocks from PoolAllocate (any thread) and nullptr.
void PoolFree(void* block) noexcept;
// Whether `block` is one of the pool's, not malloc's.
bool PoolOwns(const void* block) noexcept;

// For a thread whose blocks another thread frees for as long as the
// process runs (the language server's reader hands every message to the
// main thread): its allocations come from malloc from now on. A freed
// block joins the freeing thread's list, so a producer that only
// allocates would otherwise carve new chunks forever.
void PoolBypassThisThread() noexcept;

inline constexpr size_t kPoolMaxBlock = 256;
inline constexpr size_t kPoolChunkBytes = 64 * 1024;

}  // namespace stave::base
