// base::Sha256 against the standard's test vectors and llvm::SHA256, by
// the x86 SHA extensions where this CPU has them and by LLVM's own path.
#include <catch2/catch.hpp>

#include <llvm/ADT/StringExtras.h>
#include <llvm/Support/SHA256.h>

#include <random>
#include <string>

#include "compiler/base/sha256.h"

using namespace stave;

namespace {

std::string Llvm(const std::string& text) {
  llvm::SHA256 hash;
  hash.update(llvm::StringRef(text));
  return llvm::toHex(llvm::arrayRefFromStringRef(hash.final()), /*LowerCase=*/true);
}

std::string Random(std::mt19937& rng, size_t n) {
  std::string s(n, '\0');
  for (char& c : s) c = static_cast<char>(rng());
  return s;
}

std::string Whole(bool extensions, std::string_view text) {
  base::Sha256 hash(extensions);
  hash.Update(text);
  return hash.FinalHex();
}

}  // namespace

TEST_CASE("SHA-256 of the standard's test messages, both ways", "[sha256]") {
  if (!base::HasShaExtensions()) WARN("no SHA extensions on this CPU: LLVM's path only");
  for (bool extensions : {true, false}) {
    INFO("extensions " << extensions);
    CHECK(Whole(extensions, "") ==
          "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    CHECK(Whole(extensions, "abc") ==
          "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    CHECK(Whole(extensions, "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq") ==
          "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
    CHECK(Whole(extensions, std::string(1000000, 'a')) ==
          "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
  }
  CHECK(base::Sha256Hex("abc") == Whole(true, "abc"));
}

TEST_CASE("SHA-256 agrees with LLVM's on every length and chunking", "[sha256]") {
  std::mt19937 rng(19);
  // Every length across the padding boundaries (55, 56, 63, 64, 119, 120)
  // and a few thousand more, whole and fed in random pieces.
  for (size_t n = 0; n < 4200; n += (n < 300 ? 1 : 37)) {
    std::string text = Random(rng, n);
    INFO("length " << n);
    std::string want = Llvm(text);
    CHECK(Whole(true, text) == want);
    base::Sha256 pieces(true);
    for (size_t at = 0; at < n;) {
      size_t take = std::min<size_t>(n - at, rng() % 150);
      pieces.Update(std::string_view(text).substr(at, take));
      at += take;
    }
    CHECK(pieces.FinalHex() == want);
  }
}

TEST_CASE("SHA-256 takes an empty view, null data included", "[sha256]") {
  for (bool extensions : {true, false}) {
    base::Sha256 hash(extensions);
    hash.Update(std::string_view());
    hash.Update("abc");
    hash.Update(std::string_view());
    CHECK(hash.FinalHex() == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  }
}
