// RewriteFile (rewrite_file.h). The file's identity (device, inode, size,
// mtime, ctime) is taken when it is re-read, and checked again just before
// the rename; an edit made in between is kept and the rewrite refused.
// POSIX has no compare-and-rename, so an edit landing between that last
// check and the rename (microseconds) is the one window left.
#include "compiler/driver/rewrite_file.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <limits.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>

#include "compiler/driver/safe_write.h"
#include "compiler/driver/test_hooks.h"

namespace stave::driver {
namespace {

bool SameFile(const struct stat& a, const struct stat& b) {
  return a.st_dev == b.st_dev && a.st_ino == b.st_ino && a.st_size == b.st_size &&
         a.st_mtim.tv_sec == b.st_mtim.tv_sec && a.st_mtim.tv_nsec == b.st_mtim.tv_nsec &&
         a.st_ctim.tv_sec == b.st_ctim.tv_sec && a.st_ctim.tv_nsec == b.st_ctim.tv_nsec;
}

// The file a path names after following symlinks; the path itself otherwise.
std::optional<std::string> ResolveTarget(const std::string& path, std::string& target) {
  struct stat st {};
  if (::lstat(path.c_str(), &st) != 0)
    return fmt::format("cannot write `{}`: {}", path, std::strerror(errno));
  target = path;
  if (!S_ISLNK(st.st_mode)) return std::nullopt;
  char* real = ::realpath(path.c_str(), nullptr);
  if (real == nullptr) {
    return fmt::format("cannot write `{}`: cannot follow its symbolic link: {}", path,
                       std::strerror(errno));
  }
  target = real;
  std::free(real);
  return std::nullopt;
}

std::string Changed(const std::string& path) {
  return fmt::format(
      "refusing to rewrite `{}`: it changed since stave read it; run `stave fmt` again", path);
}

// Reads the file again: it must be a writable regular file with one link
// that still holds `expected`; `st` is then its identity.
std::optional<std::string> CheckRewritable(int dir_fd, const std::string& base,
                                           const std::string& path, const std::string& expected,
                                           struct stat& st) {
  if (::fstatat(dir_fd, base.c_str(), &st, AT_SYMLINK_NOFOLLOW) != 0) {
    return fmt::format("cannot write `{}`: {}", path, std::strerror(errno));
  }
  if (S_ISREG(st.st_mode) && st.st_nlink > 1) {
    return fmt::format(
        "refusing to rewrite `{}`: it has {} hard links, and replacing it would leave "
        "the others with the old text; format it with `stave fmt -` instead",
        path, st.st_nlink);
  }
  if (S_ISREG(st.st_mode) && ((st.st_mode & 0222) == 0 ||
                              ::faccessat(dir_fd, base.c_str(), W_OK, AT_EACCESS) != 0)) {
    return fmt::format("refusing to rewrite `{}`: it is read-only", path);
  }
  if (static_cast<size_t>(st.st_size) != expected.size()) return Changed(path);
  std::string current;
  if (auto error = ReadRegularFile(dir_fd, base, expected.size(), current, &st)) {
    return error->rfind("it is larger", 0) == 0 ? Changed(path)
                                                 : fmt::format("cannot write `{}`: {}", path, *error);
  }
  if (current != expected) return Changed(path);
  return std::nullopt;
}

}  // namespace

std::optional<std::string> RewriteFile(const std::string& path, const std::string& expected,
                                       const std::string& text) {
  std::string target;
  if (auto error = ResolveTarget(path, target)) return error;
  std::filesystem::path p(target);
  std::string dir = p.has_parent_path() ? p.parent_path().string() : ".";
  std::string base = p.filename().string();
  UniqueFd dir_fd = OpenDir(dir);
  if (!dir_fd.valid()) return fmt::format("cannot write `{}`: {}", path, std::strerror(errno));

  TestStopPoint("fmt-read");
  struct stat st {};
  if (auto error = CheckRewritable(dir_fd.get(), base, path, expected, st)) return error;
  std::string temp;
  if (auto error = WriteNewFile(dir_fd.get(), base, text, 0600, temp, &st)) {
    return fmt::format("cannot write `{}`: {}; the file was left as it was", path, *error);
  }
  TestStopPoint("fmt-rename");
  struct stat now {};
  if (::fstatat(dir_fd.get(), base.c_str(), &now, AT_SYMLINK_NOFOLLOW) != 0 || !SameFile(st, now)) {
    ::unlinkat(dir_fd.get(), temp.c_str(), 0);
    return Changed(path);
  }
  if (int err = RenameAt(dir_fd.get(), temp, dir_fd.get(), base); err != 0) {
    ::unlinkat(dir_fd.get(), temp.c_str(), 0);
    return fmt::format("cannot write `{}`: {}; the file was left as it was", path,
                       std::strerror(err));
  }
  if (auto error = SyncDir(dir_fd.get(), dir)) return error;
  return std::nullopt;
}

}  // namespace stave::driver
