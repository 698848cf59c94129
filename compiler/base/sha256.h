// SHA-256 (FIPS 180-4), for the manifest `build -o` keeps of what it wrote.
//
// llvm::SHA256 hashes about 160 MB/s on the project's machine, and
// hashing every file a large build writes was 14% of `build -o` on the
// one-package shape (84 MB; perf). On a CPU with the x86 SHA extensions
// the blocks go through them instead (about 670 MB/s, measured in the same
// run on 64 MiB); elsewhere this is llvm::SHA256. A unit test holds the
// extensions' path to LLVM's on every length and to the standard's test
// vectors.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include <llvm/Support/SHA256.h>

namespace stave::base {

class Sha256 {
 public:
  // With the SHA extensions when this CPU has them; `extensions` false
  // always takes LLVM's (for the test).
  Sha256();
  explicit Sha256(bool extensions);

  void Update(std::string_view data);
  std::array<uint8_t, 32> Final();
  std::string FinalHex();  // lowercase

 private:
  bool extensions_;
  llvm::SHA256 llvm_;  // when !extensions_
  uint32_t state_[8] = {0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a,
                        0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19};
  uint8_t block_[64] = {};
  size_t used_ = 0;      // bytes in block_
  uint64_t length_ = 0;  // bytes hashed
};

std::string Sha256Hex(std::string_view data);

// Whether this CPU has the SHA extensions (and the SSE levels the rounds
// use with them).
bool HasShaExtensions();

}  // namespace stave::base
