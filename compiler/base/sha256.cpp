#include "compiler/base/sha256.h"

#include <algorithm>
#include <cstring>

#include <llvm/ADT/StringRef.h>

#if defined(__x86_64__)
#include <cpuid.h>
#include <immintrin.h>
#endif

namespace stave::base {
namespace {

#if defined(__x86_64__)

// The first 32 bits of the fractional parts of the cube roots of the
// first 64 primes (FIPS 180-4, 4.2.2).
alignas(16) constexpr uint32_t kRound[64] = {
    0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
    0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
    0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
    0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
    0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
    0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
    0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
    0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
};

// The SHA extensions keep the state as two registers, ABEF and CDGH, and
// run two rounds per instruction; the message schedule takes msg1, an
// add of W[t-7] and msg2 per four words.
__attribute__((target("sha,sse4.1,ssse3"))) void Compress(uint32_t state[8], const uint8_t* data,
                                                          size_t blocks) {
  const __m128i kBigEndian = _mm_set_epi64x(0x0c0d0e0f08090a0bULL, 0x0405060700010203ULL);
  __m128i tmp = _mm_loadu_si128(reinterpret_cast<const __m128i*>(&state[0]));   // DCBA
  __m128i cdgh = _mm_loadu_si128(reinterpret_cast<const __m128i*>(&state[4]));  // HGFE
  tmp = _mm_shuffle_epi32(tmp, 0xB1);                                           // CDAB
  cdgh = _mm_shuffle_epi32(cdgh, 0x1B);                                         // EFGH
  __m128i abef = _mm_alignr_epi8(tmp, cdgh, 8);                                 // ABEF
  cdgh = _mm_blend_epi16(cdgh, tmp, 0xF0);                                      // CDGH

  for (; blocks > 0; --blocks, data += 64) {
    const __m128i abef_in = abef, cdgh_in = cdgh;
    __m128i w[4];
    for (int i = 0; i < 4; ++i) {
      w[i] = _mm_shuffle_epi8(_mm_loadu_si128(reinterpret_cast<const __m128i*>(data + 16 * i)),
                              kBigEndian);
    }
    for (int group = 0; group < 16; ++group) {
      __m128i& x = w[group & 3];  // W[t..t+3]; before this, W[t-16..t-13]
      if (group >= 4) {
        const __m128i& x1 = w[(group + 1) & 3];  // W[t-12..t-9]
        const __m128i& x2 = w[(group + 2) & 3];  // W[t-8..t-5]
        const __m128i& x3 = w[(group + 3) & 3];  // W[t-4..t-1]
        __m128i sum = _mm_add_epi32(_mm_sha256msg1_epu32(x, x1), _mm_alignr_epi8(x3, x2, 4));
        x = _mm_sha256msg2_epu32(sum, x3);
      }
      __m128i msg = _mm_add_epi32(
          x, _mm_load_si128(reinterpret_cast<const __m128i*>(&kRound[4 * group])));
      cdgh = _mm_sha256rnds2_epu32(cdgh, abef, msg);
      abef = _mm_sha256rnds2_epu32(abef, cdgh, _mm_shuffle_epi32(msg, 0x0E));
    }
    abef = _mm_add_epi32(abef, abef_in);
    cdgh = _mm_add_epi32(cdgh, cdgh_in);
  }

  tmp = _mm_shuffle_epi32(abef, 0x1B);        // FEBA
  cdgh = _mm_shuffle_epi32(cdgh, 0xB1);       // DCHG
  abef = _mm_blend_epi16(tmp, cdgh, 0xF0);    // DCBA
  cdgh = _mm_alignr_epi8(cdgh, tmp, 8);       // HGFE
  _mm_storeu_si128(reinterpret_cast<__m128i*>(&state[0]), abef);
  _mm_storeu_si128(reinterpret_cast<__m128i*>(&state[4]), cdgh);
}

#else

void Compress(uint32_t*, const uint8_t*, size_t) {}  // never called: no extensions here

#endif

bool DetectShaExtensions() {
#if defined(__x86_64__)
  // CPUID leaf 7: EBX bit 29 is SHA; leaf 1: ECX bits 19 and 9 are SSE4.1
  // and SSSE3, which the rounds use too.
  unsigned eax, ebx, ecx, edx;
  if (!__get_cpuid(1, &eax, &ebx, &ecx, &edx)) return false;
  bool sse = (ecx & (1u << 19)) && (ecx & (1u << 9));
  if (!__get_cpuid_count(7, 0, &eax, &ebx, &ecx, &edx)) return false;
  return sse && (ebx & (1u << 29));
#else
  return false;
#endif
}

}  // namespace

bool HasShaExtensions() {
  static const bool has = DetectShaExtensions();
  return has;
}

Sha256::Sha256() : extensions_(HasShaExtensions()) {}
Sha256::Sha256(bool extensions) : extensions_(extensions && HasShaExtensions()) {}

void Sha256::Update(std::string_view data) {
  if (data.empty()) return;  // an empty view's data() may be null, which memcpy must not get
  if (!extensions_) {
    llvm_.update(llvm::StringRef(data.data(), data.size()));
    return;
  }
  const auto* p = reinterpret_cast<const uint8_t*>(data.data());
  size_t n = data.size();
  length_ += n;
  if (used_ > 0) {
    size_t take = std::min(n, sizeof block_ - used_);
    std::memcpy(block_ + used_, p, take);
    used_ += take;
    p += take;
    n -= take;
    if (used_ < sizeof block_) return;
    Compress(state_, block_, 1);
    used_ = 0;
  }
  if (n >= 64) {
    Compress(state_, p, n / 64);
    p += n / 64 * 64;
    n %= 64;
  }
  if (n > 0) std::memcpy(block_, p, n);
  used_ = n;
}

std::array<uint8_t, 32> Sha256::Final() {
  std::array<uint8_t, 32> out;
  if (!extensions_) {
    auto digest = llvm_.final();
    std::copy(digest.begin(), digest.end(), out.begin());
    return out;
  }
  // The message, a 1 bit, zeros, and its length in bits as 64 bits, to a
  // multiple of 64 bytes.
  uint64_t bits = length_ * 8;
  uint8_t pad[72] = {0x80};
  size_t zeros = (used_ < 56 ? 56 : 120) - used_;
  for (int i = 0; i < 8; ++i) pad[zeros + i] = static_cast<uint8_t>(bits >> (56 - 8 * i));
  Update(std::string_view(reinterpret_cast<const char*>(pad), zeros + 8));
  for (int i = 0; i < 8; ++i) {
    out[4 * i] = static_cast<uint8_t>(state_[i] >> 24);
    out[4 * i + 1] = static_cast<uint8_t>(state_[i] >> 16);
    out[4 * i + 2] = static_cast<uint8_t>(state_[i] >> 8);
    out[4 * i + 3] = static_cast<uint8_t>(state_[i]);
  }
  return out;
}

std::string Sha256::FinalHex() {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  out.reserve(64);
  for (uint8_t byte : Final()) {
    out += kHex[byte >> 4];
    out += kHex[byte & 15];
  }
  return out;
}

std::string Sha256Hex(std::string_view data) {
  Sha256 hash;
  hash.Update(data);
  return hash.FinalHex();
}

}  // namespace stave::base
