// The one way stave writes and inspects files: temporary files created
// exclusively (O_EXCL|O_NOFOLLOW, unique names) and checked through write,
// fsync and close before a rename puts them in place; existing files read
// without following links or blocking on FIFOs and devices. Used by `fmt`,
// `build -o` and `import`. Errors are messages for the user.
#pragma once

#include <sys/stat.h>

#include <optional>
#include <string>
#include <string_view>

namespace stave::driver {

// An open file descriptor, closed (unchecked) when it goes out of scope;
// writers close theirs through CloseChecked first.
class UniqueFd {
 public:
  explicit UniqueFd(int fd = -1) : fd_(fd) {}
  UniqueFd(UniqueFd&& other) noexcept : fd_(other.release()) {}
  UniqueFd& operator=(UniqueFd&& other) noexcept;
  UniqueFd(const UniqueFd&) = delete;
  UniqueFd& operator=(const UniqueFd&) = delete;
  ~UniqueFd();
  int get() const { return fd_; }
  int release() {
    int fd = fd_;
    fd_ = -1;
    return fd;
  }
  bool valid() const { return fd_ >= 0; }

 private:
  int fd_;
};

// What an entry in a directory is, seen without following a link.
struct FileState {
  enum Kind { kMissing, kRegular, kOther, kError } kind = kMissing;
  std::string what;               // kOther: "a symbolic link", "a FIFO", …; kError: the reason
  std::string sha256;             // kRegular: lowercase hex of the content
  bool equals = false;            // kRegular: the content is exactly `compare_with`
  bool generated_header = false;  // kRegular: the first line is stave's header
  struct stat st {};
};

// Inspects `name` in the directory `dir_fd` (a single path component):
// opens it O_RDONLY|O_NONBLOCK|O_NOFOLLOW, accepts only a regular file, and
// streams it through SHA-256 in bounded chunks (never holding it whole).
FileState InspectFile(int dir_fd, const std::string& name, const std::string* compare_with);

// Reads a regular file whole, without following a final symlink or blocking;
// fails when it is larger than `limit` bytes.
std::optional<std::string> ReadRegularFile(int dir_fd, const std::string& name, size_t limit,
                                           std::string& out, struct stat* st = nullptr);

// Creates a new file in `dir_fd` under a unique name `.BASE.stave-tmp-RANDOM`
// (O_CREAT|O_EXCL|O_NOFOLLOW, mode `mode` before the umask), writes `text`,
// fsyncs and closes it, checking each step. On failure the file is removed
// and the error returned; on success `temp_name` names it.
std::optional<std::string> WriteNewFile(int dir_fd, const std::string& base, std::string_view text,
                                        mode_t mode, std::string& temp_name,
                                        const struct stat* keep = nullptr);

// When a written file is made durable: at once (fsync before close), or
// by the caller, who writes many files and then syncs them all with one
// SyncFileSystem (an fsync each was most of `build -o` for a repository
// of a thousand namespaces: a journal commit per file).
enum class Sync { kNow, kByCaller };

// Writes `text` to exactly `name` in `dir_fd`, which must not exist yet.
std::optional<std::string> WriteExclusive(int dir_fd, const std::string& name,
                                          std::string_view text, mode_t mode,
                                          Sync sync = Sync::kNow);

// Creates the new file `path` atomically (a complete temporary file,
// renamed into place only if nothing exists at `path`); for `import`.
std::optional<std::string> CreateFile(const std::string& path, std::string_view text, mode_t mode);

// Renames `from` to `to` in `dir_fd` unless something exists at `to`
// (renameat2 RENAME_NOREPLACE, or link(2) where the file system lacks it,
// after which `from` is still there for the caller to remove), never
// replacing or following it; with the rename fault hook; 0 or the errno
// (EEXIST when `to` exists).
int RenameNoReplace(int dir_fd, const std::string& from, const std::string& to);

// renameat with the rename fault hook; errno-style: 0 or the error.
int RenameAt(int from_dir, const std::string& from, int to_dir, const std::string& to);

// fsync of a directory, so that renames and unlinks in it are durable.
std::optional<std::string> SyncDir(int dir_fd, const std::string& shown);
// Makes everything written on the file system that holds `dir_fd` durable
// (syncfs(2), which also reports a write-back error of any file written
// since `dir_fd` was opened); the fault hook counts it as an `fsync`.
std::optional<std::string> SyncFileSystem(int dir_fd, const std::string& shown);

// Opens a directory for the *at() calls (following a symlink to it: the
// user named it).
UniqueFd OpenDir(const std::string& path);

// 12 random hex digits, for names no one can guess in advance.
std::string UniqueSuffix();

// "a symbolic link", "a FIFO", "a directory", … for messages.
std::string DescribeFileType(mode_t mode);

}  // namespace stave::driver
