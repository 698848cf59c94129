// Reads policy files from disk. Only the driver touches the file system.
// Nothing here blocks on what is not a regular file (FIFOs, devices,
// /proc/kmsg), follows a link out of the tree, or reads more than the size
// limit of one file (docs/security.md).
#include "compiler/pipeline/load.h"

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <filesystem>
#include <map>
#include <optional>
#include <set>
#include <sys/stat.h>
#include <system_error>
#include <unistd.h>

#include <fmt/format.h>

#include "compiler/base/side_thread.h"
#include "compiler/pipeline/threads.h"
#include "compiler/syntax/parse.h"

namespace stave::pipeline {
namespace fs = std::filesystem;
namespace {

// Below this many files a second reading thread costs more than it saves.
constexpr size_t kParallelReadFiles = 256;

// Directories of generated or third-party files, never policy sources; the
// language server skips them so that a root like a home directory stays
// cheap to walk.
bool IsVendorDir(const std::string& name) {
  static const std::set<std::string> kNames = {"node_modules", "vendor", "target", "build",
                                               "dist", "out", "__pycache__"};
  return kNames.count(name) > 0;
}

class Walker {
 public:
  Walker(const WalkLimits& limits, WalkResult& out) : limits_(limits), out_(out) {}

  void Walk(const std::string& root, const fs::path& dir, size_t depth) {
    std::error_code ec;
    fs::directory_iterator it(dir, fs::directory_options::skip_permission_denied, ec);
    if (ec) {
      out_.errors.push_back(fmt::format("cannot read directory `{}`: {}", dir.string(), ec.message()));
      return;
    }
    // Sorted, so that a limit cuts the walk at the same place every time.
    std::vector<fs::directory_entry> entries;
    for (auto end = fs::directory_iterator(); it != end; it.increment(ec)) {
      if (ec) break;
      if (!Count()) break;
      entries.push_back(*it);
    }
    if (ec) {
      out_.errors.push_back(fmt::format("cannot read directory `{}`: {}", dir.string(), ec.message()));
    }
    std::sort(entries.begin(), entries.end(),
              [](const auto& a, const auto& b) { return a.path() < b.path(); });
    for (const fs::directory_entry& entry : entries) Visit(root, entry, depth);
  }

 private:
  bool Count() {
    if (out_.entries >= limits_.max_entries) {
      out_.truncated = true;
      return false;
    }
    ++out_.entries;
    return true;
  }

  void Visit(const std::string& root, const fs::directory_entry& entry, size_t depth) {
    std::error_code ec;
    const fs::path& p = entry.path();
    std::string name = p.filename().string();
    // The entry's own type as the directory listing gave it (d_type): a
    // walk of ten thousand packages stat-ed every entry once more here
    // and every file again in CheckTreeEntry, a third of reading them.
    // Where the file system does not say, these ask it.
    bool link = entry.is_symlink(ec);
    if (ec) return;
    bool directory = !link && entry.is_directory(ec);
    if (ec) return;
    if (directory) {
      if (!name.empty() && name[0] == '.') return;
      if (limits_.skip_vendor_dirs && IsVendorDir(name)) return;
      if (depth >= limits_.max_depth) {
        out_.truncated = true;
        return;
      }
      Walk(root, p, depth + 1);
      return;
    }
    std::string path = p.lexically_normal().string();
    if (p.extension() != ".policy") {
      if (link && !name.empty() && name[0] != '.' && fs::is_directory(fs::status(p, ec))) {
        out_.notes.push_back(fmt::format("skipped `{}`: links to directories are not followed", path));
      }
      return;
    }
    std::string target;
    // A regular file is read without following links (ReadRegularFile), so
    // one that turns into a link after this is refused there.
    bool regular = !link && entry.is_regular_file(ec);
    std::string why = regular ? (target = path, "") : CheckTreeEntry(root, path, target);
    if (!why.empty()) {
      out_.notes.push_back(fmt::format("skipped `{}`: {}", path, why));
      return;
    }
    if (out_.files.size() >= limits_.max_files) {
      out_.truncated = true;
      return;
    }
    out_.files.push_back({path, target});
  }

  const WalkLimits& limits_;
  WalkResult& out_;
};

std::string Canonical(const std::string& path) {
  std::error_code ec;
  fs::path c = fs::canonical(path, ec);
  return ec ? fs::absolute(path, ec).lexically_normal().string() : c.string();
}

}  // namespace

bool PathIsUnder(const std::string& dir, const std::string& path) {
  if (dir == "/") return path.size() > 1 && path[0] == '/';
  return path.size() > dir.size() && path.compare(0, dir.size(), dir) == 0 && path[dir.size()] == '/';
}

std::string CheckTreeEntry(const std::string& root, const std::string& path, std::string& target) {
  std::error_code ec;
  fs::file_status own = fs::symlink_status(path, ec);
  if (ec) return ec.message();
  if (fs::is_regular_file(own)) {
    target = path;
    return "";
  }
  if (!fs::is_symlink(own)) return "not a regular file";
  fs::path resolved = fs::canonical(path, ec);
  if (ec) {
    if (ec == std::errc::too_many_symbolic_link_levels) return "a link loop";
    if (ec == std::errc::no_such_file_or_directory) return "a dangling link";
    return fmt::format("a link that cannot be resolved ({})", ec.message());
  }
  if (!PathIsUnder(root, resolved.string())) return fmt::format("a link out of `{}`", root);
  if (!fs::is_regular_file(fs::symlink_status(resolved, ec))) {
    return "a link to something that is not a regular file";
  }
  target = resolved.string();
  return "";
}

std::string ReadRegularFile(const std::string& path, bool follow_link, std::string& out) {
  int flags = O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY | (follow_link ? 0 : O_NOFOLLOW);
  int fd = ::open(path.c_str(), flags);
  if (fd < 0) return errno == ELOOP ? "it became a link" : std::strerror(errno);
  struct stat st {};
  if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
    ::close(fd);
    return "not a regular file";
  }
  // Never more than the limit plus one byte, whatever the file's size (the
  // size of /proc files is 0, of a growing file out of date).
  const size_t cap = syntax::kMaxFileBytes + 1;
  out.clear();
  // One byte past the size, so that the read that finds the end needs no
  // larger buffer (doubling, then shrinking back, copied every file twice).
  out.resize(std::min<size_t>(st.st_size > 0 ? static_cast<size_t>(st.st_size) + 1 : 4096, cap));
  size_t have = 0;
  std::string error;
  while (have < cap) {
    if (have == out.size()) out.resize(std::min(cap, out.size() * 2));
    ssize_t got = ::read(fd, out.data() + have, out.size() - have);
    if (got == 0) break;
    if (got < 0) {
      if (errno == EINTR) continue;
      error = errno == EAGAIN ? "reading it would block" : std::strerror(errno);
      break;
    }
    have += static_cast<size_t>(got);
  }
  ::close(fd);
  out.resize(have);
  if (out.capacity() - have > 4096) out.shrink_to_fit();
  return error;
}

WalkResult WalkPolicyTree(const std::string& dir, const WalkLimits& limits) {
  WalkResult result;
  Walker(limits, result).Walk(Canonical(dir), fs::path(dir), 0);
  std::sort(result.files.begin(), result.files.end(),
            [](const TreeFile& a, const TreeFile& b) { return a.path < b.path; });
  return result;
}

LoadResult LoadPaths(const std::vector<std::string>& paths) {
  LoadResult result;
  std::map<std::string, std::pair<std::string, bool>> files;  // path -> (target, follow)
  for (const std::string& arg : paths) {
    fs::path path(arg);
    std::error_code ec;
    fs::file_status status = fs::status(path, ec);
    if (ec || !fs::exists(status)) {
      result.errors.push_back(fmt::format("path `{}` does not exist", arg));
      continue;
    }
    if (fs::is_directory(status)) {
      WalkResult walk = WalkPolicyTree(arg);
      for (std::string& e : walk.errors) result.errors.push_back(std::move(e));
      for (std::string& n : walk.notes) result.notes.push_back(std::move(n));
      for (TreeFile& f : walk.files) files.emplace(f.path, std::make_pair(f.target, false));
      if (walk.files.empty() && walk.errors.empty()) {
        result.errors.push_back(fmt::format("no `.policy` files under `{}`", arg));
      }
    } else if (fs::is_regular_file(status)) {
      std::string normal = path.lexically_normal().string();
      files.emplace(normal, std::make_pair(normal, true));
    } else {
      // A FIFO or device would block or never end: refuse before reading.
      result.errors.push_back(fmt::format("cannot read `{}`: not a regular file or directory", arg));
    }
  }
  // Each file into its own slot, on two threads when there are many:
  // reading is a system call or three per file, and a repository of ten
  // thousand packages spent 150 ms in them on one thread.
  struct Slot {
    const std::string* path;
    const std::pair<std::string, bool>* how;
    std::string text;
    std::string why;
  };
  std::vector<Slot> slots;
  slots.reserve(files.size());
  for (const auto& [file, how] : files) slots.push_back({&file, &how, {}, {}});
  std::atomic<size_t> next{0};
  auto read = [&] {
    for (size_t i; (i = next.fetch_add(1)) < slots.size();) {
      Slot& s = slots[i];
      s.why = ReadRegularFile(s.how->first, s.how->second, s.text);
    }
  };
  std::optional<base::SideThread> helper;
  if (slots.size() >= kParallelReadFiles && Threads() > 1) helper.emplace(read);
  read();
  if (helper) helper->Join();
  for (Slot& s : slots) {
    if (!s.why.empty()) {
      result.errors.push_back(fmt::format("cannot read `{}`: {}", *s.path, s.why));
      continue;
    }
    result.inputs.push_back({*s.path, std::move(s.text)});
  }
  return result;
}

}  // namespace stave::pipeline
