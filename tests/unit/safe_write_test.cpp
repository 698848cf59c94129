// safe_write in-process: each checked step's failure (injected through
// STAVE_TEST_FAULT) removes the temporary file and reports why; nothing is
// opened through a planted link; FIFOs and devices are described, never read.
#include "compiler/driver/safe_write.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "compiler/base/sha256.h"
#include "compiler/driver/test_hooks.h"

using namespace stave::driver;
namespace fs = std::filesystem;

namespace {

struct WriteTestDir {
  fs::path path;
  WriteTestDir() {
    std::string templ = (fs::temp_directory_path() / "stave-safe-write-XXXXXX").string();
    path = ::mkdtemp(templ.data());
  }
  ~WriteTestDir() {
    std::error_code ec;
    fs::remove_all(path, ec);
  }
  size_t entries() const {
    return static_cast<size_t>(
        std::distance(fs::directory_iterator(path), fs::directory_iterator()));
  }
};

struct Fault {
  explicit Fault(const char* spec) {
    ::setenv("STAVE_TEST_FAULT", spec, 1);
    ResetTestHookCounts();
  }
  ~Fault() { ::unsetenv("STAVE_TEST_FAULT"); }
};

std::string Read(const fs::path& p) {
  std::ifstream in(p);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

}  // namespace

TEST_CASE("a failed write, fsync or close leaves no temporary file", "[safe_write]") {
  for (const char* spec : {"open:1", "write:1", "fsync:1", "close:1"}) {
    WriteTestDir dir;
    UniqueFd fd = OpenDir(dir.path.string());
    std::string temp;
    Fault fault(spec);
    auto error = WriteNewFile(fd.get(), "a.yaml", "text\n", 0644, temp);
    INFO(spec);
    REQUIRE(error);
    CHECK(!error->empty());
    CHECK(dir.entries() == 0);
  }
  WriteTestDir dir;
  UniqueFd fd = OpenDir(dir.path.string());
  std::string temp;
  REQUIRE_FALSE(WriteNewFile(fd.get(), "a.yaml", "text\n", 0644, temp));
  CHECK(temp.rfind(".a.yaml.stave-tmp-", 0) == 0);
  CHECK(Read(dir.path / temp) == "text\n");
}

TEST_CASE("CreateFile never replaces or follows what is already there", "[safe_write]") {
  WriteTestDir dir;
  fs::path victim = dir.path / "victim";
  std::ofstream(victim) << "precious\n";
  fs::create_symlink(victim, dir.path / "new.policy");
  auto error = CreateFile((dir.path / "new.policy").string(), "x\n", 0644);
  REQUIRE(error);
  CHECK(error->find("already exists") != std::string::npos);
  CHECK(Read(victim) == "precious\n");
  CHECK(dir.entries() == 2);
  REQUIRE_FALSE(CreateFile((dir.path / "b.policy").string(), "b\n", 0600));
  CHECK(Read(dir.path / "b.policy") == "b\n");
  {
    Fault fault("rename:1");
    CHECK(CreateFile((dir.path / "c.policy").string(), "c\n", 0600));
  }
  CHECK(dir.entries() == 3);  // no c.policy, no temporary
}

TEST_CASE("InspectFile describes links, FIFOs and directories without opening them",
          "[safe_write]") {
  WriteTestDir dir;
  UniqueFd fd = OpenDir(dir.path.string());
  REQUIRE(::mkfifo((dir.path / "fifo.yaml").c_str(), 0644) == 0);
  fs::create_symlink("/dev/zero", dir.path / "zero.yaml");
  fs::create_directory(dir.path / "dir.yaml");
  CHECK(InspectFile(fd.get(), "fifo.yaml", nullptr).what == "a FIFO");
  CHECK(InspectFile(fd.get(), "zero.yaml", nullptr).what == "a symbolic link");
  CHECK(InspectFile(fd.get(), "dir.yaml", nullptr).what == "a directory");
  CHECK(InspectFile(fd.get(), "missing.yaml", nullptr).kind == FileState::kMissing);
  std::string out;
  CHECK(ReadRegularFile(fd.get(), "fifo.yaml", 100, out));  // refused, and did not block
  CHECK(ReadRegularFile(fd.get(), "zero.yaml", 100, out));

  std::string text(200000, 'x');  // several read chunks
  std::ofstream(dir.path / "big.yaml") << text;
  FileState same = InspectFile(fd.get(), "big.yaml", &text);
  CHECK(same.kind == FileState::kRegular);
  CHECK(same.equals);
  CHECK(same.sha256 == stave::base::Sha256Hex(text));
  std::string longer = text + "y";
  CHECK_FALSE(InspectFile(fd.get(), "big.yaml", &longer).equals);
  std::string shorter = text.substr(1);
  CHECK_FALSE(InspectFile(fd.get(), "big.yaml", &shorter).equals);
  CHECK(ReadRegularFile(fd.get(), "big.yaml", 1000, out)->find("larger than") != std::string::npos);
}
