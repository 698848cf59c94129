// File writing and inspection with every step checked (safe_write.h). A
// temporary file is never opened through an existing name, so a link planted
// at a temporary name is never followed; a write, fsync or close that fails
// removes the temporary file and says why.
#include "compiler/driver/safe_write.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <random>

#include "compiler/base/sha256.h"
#include "compiler/driver/test_hooks.h"
#include "compiler/emit/yaml.h"

namespace stave::driver {
namespace {

constexpr size_t kChunk = 64 * 1024;

std::string Reason(int err) { return std::strerror(err); }

std::optional<std::string> WriteAll(int fd, std::string_view text) {
  while (!text.empty()) {
    size_t n = std::min(text.size(), size_t{1} << 20);
    ssize_t written = InjectedFault("write") ? -1 : ::write(fd, text.data(), n);
    if (written < 0) {
      if (errno == EINTR) continue;
      return Reason(errno);
    }
    text.remove_prefix(static_cast<size_t>(written));
  }
  return std::nullopt;
}

// close, checked: where a network file system may report a lost write.
std::optional<std::string> CloseChecked(UniqueFd& fd) {
  int raw = fd.release();
  if (InjectedFault("close")) {
    int err = errno;
    ::close(raw);
    return Reason(err);
  }
  if (::close(raw) != 0 && errno != EINTR) return Reason(errno);
  return std::nullopt;
}

// fsync and close, either of which is where a full disk or a failing
// network file system reports a lost write.
std::optional<std::string> SyncAndClose(UniqueFd& fd) {
  if (InjectedFault("fsync") || ::fsync(fd.get()) != 0) return Reason(errno);
  return CloseChecked(fd);
}

// Gives a new file the owner and mode of the one it replaces (in that
// order: fchown clears the set-user-ID and set-group-ID bits).
std::optional<std::string> CopyMetadata(int fd, const struct stat& keep) {
  if ((keep.st_uid != ::geteuid() || keep.st_gid != ::getegid()) &&
      ::fchown(fd, keep.st_uid, keep.st_gid) != 0) {
    return "cannot keep its owner and group: " + Reason(errno);
  }
  if (::fchmod(fd, keep.st_mode & 07777) != 0) return "cannot keep its mode: " + Reason(errno);
  return std::nullopt;
}

}  // namespace

std::string UniqueSuffix() {
  static std::mt19937_64 rng{(static_cast<uint64_t>(std::random_device{}()) << 32) ^
                             std::random_device{}() ^ static_cast<uint64_t>(getpid())};
  return fmt::format("{:012x}", rng() & 0xffffffffffffULL);
}

UniqueFd& UniqueFd::operator=(UniqueFd&& other) noexcept {
  if (this != &other) {
    if (fd_ >= 0) ::close(fd_);
    fd_ = other.release();
  }
  return *this;
}

UniqueFd::~UniqueFd() {
  if (fd_ >= 0) ::close(fd_);
}


std::string DescribeFileType(mode_t mode) {
  if (S_ISLNK(mode)) return "a symbolic link";
  if (S_ISFIFO(mode)) return "a FIFO";
  if (S_ISDIR(mode)) return "a directory";
  if (S_ISCHR(mode) || S_ISBLK(mode)) return "a device";
  if (S_ISSOCK(mode)) return "a socket";
  return "not a regular file";
}

FileState InspectFile(int dir_fd, const std::string& name, const std::string* compare_with) {
  FileState state;
  // lstat first: opening a device can have effects of its own.
  if (::fstatat(dir_fd, name.c_str(), &state.st, AT_SYMLINK_NOFOLLOW) != 0) {
    state.kind = errno == ENOENT ? FileState::kMissing : FileState::kError;
    state.what = Reason(errno);
    return state;
  }
  if (!S_ISREG(state.st.st_mode)) {
    state.kind = FileState::kOther;
    state.what = DescribeFileType(state.st.st_mode);
    return state;
  }
  UniqueFd fd(
      ::openat(dir_fd, name.c_str(), O_RDONLY | O_NONBLOCK | O_NOFOLLOW | O_CLOEXEC | O_NOCTTY));
  if (!fd.valid() || ::fstat(fd.get(), &state.st) != 0 || !S_ISREG(state.st.st_mode)) {
    state.kind = fd.valid() && !S_ISREG(state.st.st_mode) ? FileState::kOther : FileState::kError;
    state.what = fd.valid() && !S_ISREG(state.st.st_mode) ? DescribeFileType(state.st.st_mode)
                                                          : Reason(errno);
    return state;
  }
  base::Sha256 hash;
  std::string head;
  size_t offset = 0;
  bool equal = compare_with != nullptr;
  std::string buffer(kChunk, '\0');
  for (;;) {
    ssize_t n = ::read(fd.get(), buffer.data(), buffer.size());
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      state.kind = FileState::kError;
      state.what = Reason(errno);
      return state;
    }
    if (n == 0) break;
    std::string_view chunk(buffer.data(), static_cast<size_t>(n));
    hash.Update(chunk);
    if (head.size() <= emit::kGeneratedHeader.size()) {
      head.append(chunk.substr(0, emit::kGeneratedHeader.size() + 1));
    }
    if (equal) {
      equal = offset + chunk.size() <= compare_with->size() &&
              std::string_view(*compare_with).substr(offset, chunk.size()) == chunk;
    }
    offset += chunk.size();
  }
  state.kind = FileState::kRegular;
  state.equals = equal && offset == compare_with->size();
  state.sha256 = hash.FinalHex();
  std::string_view first(head);
  first = first.substr(0, first.find('\n'));
  state.generated_header = first == emit::kGeneratedHeader;
  return state;
}

std::optional<std::string> ReadRegularFile(int dir_fd, const std::string& name, size_t limit,
                                           std::string& out, struct stat* st) {
  struct stat local {};
  struct stat& info = st ? *st : local;
  UniqueFd fd(
      ::openat(dir_fd, name.c_str(), O_RDONLY | O_NONBLOCK | O_NOFOLLOW | O_CLOEXEC | O_NOCTTY));
  if (!fd.valid()) return errno == ELOOP ? "it is a symbolic link" : Reason(errno);
  if (::fstat(fd.get(), &info) != 0) return Reason(errno);
  if (!S_ISREG(info.st_mode)) return "it is " + DescribeFileType(info.st_mode);
  out.clear();
  std::string buffer(kChunk, '\0');
  for (;;) {
    ssize_t n = ::read(fd.get(), buffer.data(), buffer.size());
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return Reason(errno);
    if (n == 0) return std::nullopt;
    if (out.size() + static_cast<size_t>(n) > limit)
      return fmt::format("it is larger than {} bytes", limit);
    out.append(buffer.data(), static_cast<size_t>(n));
  }
}

std::optional<std::string> WriteNewFile(int dir_fd, const std::string& base, std::string_view text,
                                        mode_t mode, std::string& temp_name,
                                        const struct stat* keep) {
  UniqueFd fd;
  for (int attempt = 0; attempt < 100 && !fd.valid(); ++attempt) {
    temp_name = "." + base + ".stave-tmp-" + UniqueSuffix();
    if (InjectedFault("open")) return Reason(errno);
    fd = UniqueFd(::openat(dir_fd, temp_name.c_str(),
                           O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC | O_NOCTTY, mode));
    if (!fd.valid() && errno != EEXIST) return Reason(errno);
  }
  if (!fd.valid()) return "no unused temporary file name";
  std::optional<std::string> error;
  if (keep) error = CopyMetadata(fd.get(), *keep);
  if (!error) error = WriteAll(fd.get(), text);
  if (!error) error = SyncAndClose(fd);
  if (error) {
    fd = UniqueFd();
    ::unlinkat(dir_fd, temp_name.c_str(), 0);
  }
  return error;
}

std::optional<std::string> WriteExclusive(int dir_fd, const std::string& name,
                                          std::string_view text, mode_t mode, Sync sync) {
  if (InjectedFault("open")) return Reason(errno);
  UniqueFd fd(::openat(dir_fd, name.c_str(),
                       O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC | O_NOCTTY, mode));
  if (!fd.valid()) return Reason(errno);
  std::optional<std::string> error = WriteAll(fd.get(), text);
  if (!error) error = sync == Sync::kNow ? SyncAndClose(fd) : CloseChecked(fd);
  if (error) {
    fd = UniqueFd();
    ::unlinkat(dir_fd, name.c_str(), 0);
  }
  return error;
}

std::optional<std::string> CreateFile(const std::string& path, std::string_view text, mode_t mode) {
  std::filesystem::path p(path);
  std::string dir = p.has_parent_path() ? p.parent_path().string() : ".";
  std::string base = p.filename().string();
  UniqueFd dir_fd = OpenDir(dir);
  if (!dir_fd.valid()) return fmt::format("cannot write `{}`: {}", path, Reason(errno));
  std::string temp;
  if (auto error = WriteNewFile(dir_fd.get(), base, text, mode, temp)) {
    return fmt::format("cannot write `{}`: {}", path, *error);
  }
  int err = RenameNoReplace(dir_fd.get(), temp, base);
  ::unlinkat(dir_fd.get(), temp.c_str(), 0);  // fails harmlessly once renamed
  if (err != 0) {
    return fmt::format("cannot write `{}`: {}", path,
                       err == EEXIST ? "it already exists" : Reason(err));
  }
  return SyncDir(dir_fd.get(), dir);
}

int RenameNoReplace(int dir_fd, const std::string& from, const std::string& to) {
  if (InjectedFault("rename")) return errno;
  if (::renameat2(dir_fd, from.c_str(), dir_fd, to.c_str(), RENAME_NOREPLACE) == 0) return 0;
  if (errno != EINVAL) return errno;
  // A file system without renameat2: link(2) does not replace either; the
  // caller removes `from` afterwards.
  return ::linkat(dir_fd, from.c_str(), dir_fd, to.c_str(), 0) == 0 ? 0 : errno;
}

int RenameAt(int from_dir, const std::string& from, int to_dir, const std::string& to) {
  if (InjectedFault("rename")) return errno;
  return ::renameat(from_dir, from.c_str(), to_dir, to.c_str()) == 0 ? 0 : errno;
}

std::optional<std::string> SyncDir(int dir_fd, const std::string& shown) {
  if (InjectedFault("fsync") || ::fsync(dir_fd) != 0) {
    return fmt::format("cannot sync directory `{}`: {}", shown, Reason(errno));
  }
  return std::nullopt;
}

std::optional<std::string> SyncFileSystem(int dir_fd, const std::string& shown) {
  if (InjectedFault("fsync") || ::syncfs(dir_fd) != 0) {
    return fmt::format("cannot sync the files written in `{}`: {}", shown, Reason(errno));
  }
  return std::nullopt;
}

UniqueFd OpenDir(const std::string& path) {
  return UniqueFd(::open(path.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
}

}  // namespace stave::driver
