// Running git without a shell (llvm::sys::ExecuteAndWait), its output
// captured through temporary files. Every listing is read with `-z`: git
// quotes names with non-ASCII bytes, tabs or quotes in its line output.
#include "compiler/driver/git_source.h"

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include <fmt/format.h>
#include <llvm/ADT/SmallString.h>
#include <llvm/Support/FileSystem.h>
#include <llvm/Support/Program.h>

#include "compiler/syntax/parse.h"

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

namespace {

// One entry of `git ls-tree -r -z -l`: "MODE TYPE HASH SIZE\tPATH", NUL
// terminated, the path verbatim (never quoted, whatever bytes it holds).
struct TreeEntry {
  std::string mode, type, hash, path;
  unsigned long long size = 0;
};

std::vector<TreeEntry> ParseTree(std::string_view out) {
  std::vector<TreeEntry> entries;
  while (!out.empty()) {
    size_t nul = out.find('\0');
    std::string_view record = out.substr(0, nul);
    out = nul == std::string_view::npos ? std::string_view() : out.substr(nul + 1);
    size_t tab = record.find('\t');
    if (tab == std::string_view::npos) continue;
    std::istringstream meta{std::string(record.substr(0, tab))};
    TreeEntry e;
    std::string size;
    meta >> e.mode >> e.type >> e.hash >> size;
    e.size = std::strtoull(size.c_str(), nullptr, 10);
    e.path = std::string(record.substr(tab + 1));
    entries.push_back(std::move(e));
  }
  return entries;
}

bool EndsWithPolicy(const std::string& path) {
  return path.size() >= 7 && path.compare(path.size() - 7, 7, ".policy") == 0;
}

}  // namespace

pipeline::LoadResult LoadRevision(const std::string& rev, const std::vector<std::string>& paths) {
  pipeline::LoadResult result;
  // Paths are paths, never pathspec magic (`:(exclude)x`, `*`).
  std::vector<std::string> args{"--literal-pathspecs", "ls-tree", "-r", "-z", "-l", rev, "--"};
  args.insert(args.end(), paths.begin(), paths.end());
  GitResult list = Git(args);
  if (list.status != 0) {
    result.errors.push_back(fmt::format("cannot list `{}` at `{}`: {}", fmt::join(paths, " "), rev,
                                        list.err.empty() ? "git failed" : list.err));
    return result;
  }
  for (const TreeEntry& e : ParseTree(list.out)) {
    if (!EndsWithPolicy(e.path)) continue;
    if (e.mode == "120000") {
      result.notes.push_back(fmt::format("skipped `{}:{}`: links are not followed", rev, e.path));
      continue;
    }
    if (e.type != "blob") continue;  // a submodule named `x.policy`
    if (e.size > syntax::kMaxFileBytes) {
      result.errors.push_back(fmt::format("`{}:{}` is {:.1f} MiB; policy files may be at most {} MiB",
                                          rev, e.path, e.size / 1048576.0,
                                          syntax::kMaxFileBytes >> 20));
      continue;
    }
    // By object name: the bytes as committed, no path lookup, no textconv.
    GitResult show = Git({"cat-file", "blob", e.hash});
    if (show.status != 0) {
      result.errors.push_back(fmt::format("cannot read `{}` at `{}`: {}", e.path, rev, show.err));
      continue;
    }
    result.inputs.push_back({rev + ":" + e.path, show.out});
  }
  std::sort(result.inputs.begin(), result.inputs.end(),
            [](const pipeline::SourceInput& a, const pipeline::SourceInput& b) { return a.path < b.path; });
  if (result.inputs.empty() && result.errors.empty()) {
    result.errors.push_back(fmt::format("no `.policy` files under `{}` at `{}`",
                                        fmt::join(paths, " "), rev));
  }
  return result;
}

}  // namespace stave::driver
