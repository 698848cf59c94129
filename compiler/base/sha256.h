// SHA-256 (FIPS 180-4), for the manifest `build -o` keeps of what it wrote.
//
// Ours rather than llvm::SHA256 for speed: LLVM's runs at about 400 MB/s,
// and hashing every file a large build writes was 14% of `build -o` on the
// one-package shape (84 MB; perf). On a CPU with the x86 SHA extensions
// the blocks go through them (several times faster); elsewhere through the
// portable rounds. A unit test holds both to llvm::SHA256 and to the
// standard's test vectors.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace stave::base {

class Sha256 {
 public:
  void Update(std::string_view data);
  std::array<uint8_t, 32> Final();
  std::string FinalHex();  // lowercase

 private:
  uint32_t state_[8] = {0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a,
                        0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19};
  uint8_t block_[64] = {};
  size_t used_ = 0;     // bytes in block_
  uint64_t length_ = 0;  // bytes hashed
};

std::string Sha256Hex(std::string_view data);

namespace sha256_internal {
// The compression of `blocks` 64-byte blocks into `state`, each way, for
// the unit test; HasShaExtensions says whether the second may run here.
void CompressPortable(uint32_t state[8], const uint8_t* data, size_t blocks);
void CompressShaExtensions(uint32_t state[8], const uint8_t* data, size_t blocks);
bool HasShaExtensions();
}  // namespace sha256_internal

}  // namespace stave::base
