// The bookkeeping of `build -o` read back strictly: a manifest or journal
// that was edited, truncated or points outside DIR is rejected, so it can
// never make a build remove or move a file that is not its own.
#include "compiler/driver/output_journal.h"

#include <catch2/catch.hpp>

#include "compiler/base/sha256.h"
#include "compiler/driver/safe_write.h"

using namespace stave::driver;

namespace {
const std::string kSha(64, 'a');
}

TEST_CASE("output names are single, visible .yaml components", "[output]") {
  CHECK(IsOutputName("payments-prod.yaml"));
  CHECK(IsOutputName("cluster.yaml"));
  CHECK_FALSE(IsOutputName(".hidden.yaml"));
  CHECK_FALSE(IsOutputName("../victim.yaml"));
  CHECK_FALSE(IsOutputName("sub/x.yaml"));
  CHECK_FALSE(IsOutputName("x.yml"));
  CHECK_FALSE(IsOutputName(".yaml"));
  CHECK_FALSE(IsOutputName(std::string("a\0b.yaml", 8)));
}

TEST_CASE("a manifest round-trips and rejects what stave never writes", "[output]") {
  Manifest m{{"cluster.yaml", kSha}, {"prod.yaml", std::string(64, 'b')}};
  Manifest back;
  REQUIRE_FALSE(ParseManifest(RenderManifest(m), back));
  CHECK(back == m);
  std::string header = RenderManifest({});
  Manifest out;
  CHECK(ParseManifest("", out));
  CHECK(ParseManifest("cluster.yaml\n", out));                                // no header
  CHECK(ParseManifest(header + kSha + " ../victim.yaml\n", out));             // outside DIR
  CHECK(ParseManifest(header + kSha + " .stave-manifest\n", out));            // hidden
  CHECK(ParseManifest(header + "abc prod.yaml\n", out));                      // not a SHA-256
  CHECK(ParseManifest(header + std::string(64, 'A') + " prod.yaml\n", out));  // not lowercase
}

TEST_CASE("a journal round-trips and must be complete", "[output]") {
  Journal j;
  j.staging = ".stave-staging-0123456789ab";
  j.writes = {"prod.yaml", ".stave-manifest"};
  j.removes = {{"dev.yaml", kSha}};
  std::string text = RenderJournal(j);
  Journal back;
  REQUIRE_FALSE(ParseJournal(text, back));
  CHECK(back.staging == j.staging);
  CHECK(back.writes == j.writes);
  CHECK(back.removes == j.removes);
  // Cut anywhere before its last line, it is refused: nothing half-read is replayed.
  for (size_t cut = 0; cut + 1 < text.size(); ++cut) {
    Journal partial;
    CHECK(ParseJournal(text.substr(0, cut), partial));
  }
  auto with = [&](const std::string& from, const std::string& to) {
    std::string t = text;
    t.replace(t.find(from), from.size(), to);
    Journal out;
    return ParseJournal(t, out).has_value();
  };
  CHECK(with("staging .stave-staging-0123456789ab", "staging ../elsewhere"));
  CHECK(with("staging .stave-staging-0123456789ab", "staging .stave-staging-/x"));
  CHECK(with("write prod.yaml", "write ../prod.yaml"));
  CHECK(with("write .stave-manifest", "write .bashrc"));
  CHECK(with("remove " + kSha + " dev.yaml", "remove " + kSha + " /etc/dev.yaml"));
  CHECK(with("remove " + kSha, "remove 1234"));
}

TEST_CASE("SHA-256 of known texts", "[output]") {
  CHECK(stave::base::Sha256Hex("") == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  CHECK(stave::base::Sha256Hex("abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}
