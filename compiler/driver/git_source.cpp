// Running git without a shell (llvm::sys::ExecuteAndWait), its output
// captured through temporary files.
#include "compiler/driver/git_source.h"

#include <filesystem>
#include <fstream>
#include <sstream>

#include <fmt/format.h>
#include <llvm/ADT/SmallString.h>
#include <llvm/Support/FileSystem.h>
#include <llvm/Support/Program.h>

namespace stave::driver {
namespace {

struct GitResult {
  int status = -1;
  std::string out;
  std::string err;
};

std::string ReadAndRemove(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  llvm::sys::fs::remove(path);
  return s.str();
}

GitResult Git(const std::vector<std::string>& args) {
  GitResult r;
  auto git = llvm::sys::findProgramByName("git");
  if (!git) {
    r.err = "git is not installed";
    return r;
  }
  llvm::SmallString<128> out_path, err_path;
  if (llvm::sys::fs::createTemporaryFile("stave-git", "out", out_path) ||
      llvm::sys::fs::createTemporaryFile("stave-git", "err", err_path)) {
    r.err = "cannot create a temporary file";
    return r;
  }
  std::vector<llvm::StringRef> argv{*git};
  for (const auto& a : args) argv.push_back(a);
  llvm::Optional<llvm::StringRef> redirects[] = {llvm::StringRef(""), llvm::StringRef(out_path),
                                                 llvm::StringRef(err_path)};
  r.status = llvm::sys::ExecuteAndWait(*git, argv, llvm::None, redirects);
  r.out = ReadAndRemove(std::string(out_path.str()));
  r.err = ReadAndRemove(std::string(err_path.str()));
  return r;
}

}  // namespace

bool IsGitRevision(const std::string& rev) {
  if (rev.empty() || rev[0] == '-' || std::filesystem::exists(rev)) return false;
  return Git({"rev-parse", "--verify", "--quiet", rev + "^{commit}"}).status == 0;
}

LoadResult LoadRevision(const std::string& rev, const std::vector<std::string>& paths) {
  LoadResult result;
  std::vector<std::string> args{"ls-tree", "-r", "--name-only", rev, "--"};
  args.insert(args.end(), paths.begin(), paths.end());
  GitResult list = Git(args);
  if (list.status != 0) {
    result.errors.push_back(fmt::format("cannot list `{}` at `{}`: {}", fmt::join(paths, " "), rev,
                                        list.err.empty() ? "git failed" : list.err));
    return result;
  }
  std::istringstream lines(list.out);
  std::string file;
  while (std::getline(lines, file)) {
    if (file.size() < 7 || file.compare(file.size() - 7, 7, ".policy") != 0) continue;
    GitResult show = Git({"show", rev + ":./" + file});
    if (show.status != 0) {
      result.errors.push_back(fmt::format("cannot read `{}` at `{}`: {}", file, rev, show.err));
      continue;
    }
    result.inputs.push_back({rev + ":" + file, show.out});
  }
  if (result.inputs.empty() && result.errors.empty()) {
    result.errors.push_back(fmt::format("no `.policy` files under `{}` at `{}`",
                                        fmt::join(paths, " "), rev));
  }
  return result;
}

}  // namespace stave::driver
