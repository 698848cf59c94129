// Manifest and journal of `build -o` (output_journal.h): line formats,
// their strict parsers, and the idempotent replay a killed build relies on.
#include "compiler/driver/output_journal.h"

#include <dirent.h>
#include <fcntl.h>
#include <fmt/format.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "compiler/driver/safe_write.h"
#include "compiler/driver/test_hooks.h"

namespace stave::driver {
namespace {

constexpr std::string_view kManifestHeader =
    "# stave build -o manifest v1: files the last build wrote";
constexpr std::string_view kJournalHeader = "# stave build -o journal v1";
constexpr size_t kMaxBookkeeping = 64 << 20;

bool IsSha256(std::string_view s) {
  return s.size() == 64 && s.find_first_not_of("0123456789abcdef") == std::string_view::npos;
}

bool IsStagingName(std::string_view s) {
  return s.size() > std::strlen(kStagingPrefix) && s.rfind(kStagingPrefix, 0) == 0 &&
         s.find('/') == std::string_view::npos;
}

std::vector<std::string_view> Lines(std::string_view text) {
  std::vector<std::string_view> lines;
  while (!text.empty()) {
    size_t end = text.find('\n');
    lines.push_back(text.substr(0, end));
    text.remove_prefix(end == std::string_view::npos ? text.size() : end + 1);
  }
  return lines;
}

// Splits "WORD REST" at the first space.
std::pair<std::string_view, std::string_view> Word(std::string_view line) {
  size_t space = line.find(' ');
  if (space == std::string_view::npos) return {line, {}};
  return {line.substr(0, space), line.substr(space + 1)};
}

}  // namespace

bool IsOutputName(std::string_view name) {
  return name.size() > 5 && name[0] != '.' && name.find('/') == std::string_view::npos &&
         name.find('\0') == std::string_view::npos && name.find('\n') == std::string_view::npos &&
         name.substr(name.size() - 5) == ".yaml";
}

std::string RenderManifest(const Manifest& manifest) {
  std::string text(kManifestHeader);
  text += '\n';
  for (const auto& [name, sha] : manifest) text += sha + " " + name + "\n";
  return text;
}

std::optional<std::string> ParseManifest(std::string_view text, Manifest& out) {
  std::vector<std::string_view> lines = Lines(text);
  if (lines.empty() || lines[0] != kManifestHeader)
    return "its first line is not the manifest header";
  for (size_t i = 1; i < lines.size(); ++i) {
    auto [sha, name] = Word(lines[i]);
    if (!IsSha256(sha) || !IsOutputName(name))
      return fmt::format("line {} is not `SHA256 NAME.yaml`", i + 1);
    out[std::string(name)] = std::string(sha);
  }
  return std::nullopt;
}

std::string RenderJournal(const Journal& journal) {
  std::string text(kJournalHeader);
  text += "\nstaging " + journal.staging + "\n";
  for (const std::string& name : journal.writes) text += "write " + name + "\n";
  for (const auto& [name, sha] : journal.removes) text += "remove " + sha + " " + name + "\n";
  text += "end\n";  // a journal without it was not written whole
  return text;
}

std::optional<std::string> ParseJournal(std::string_view text, Journal& out) {
  std::vector<std::string_view> lines = Lines(text);
  if (lines.size() < 3 || lines[0] != kJournalHeader || lines.back() != "end") {
    return "it is not a complete journal";
  }
  auto [key, staging] = Word(lines[1]);
  if (key != "staging" || !IsStagingName(staging))
    return "line 2 does not name a staging directory";
  out.staging = std::string(staging);
  for (size_t i = 2; i + 1 < lines.size(); ++i) {
    auto [op, rest] = Word(lines[i]);
    if (op == "write" && (IsOutputName(rest) || rest == kManifestName)) {
      out.writes.emplace_back(rest);
      continue;
    }
    auto [sha, name] = Word(rest);
    if (op == "remove" && IsSha256(sha) && IsOutputName(name)) {
      out.removes.emplace_back(std::string(name), std::string(sha));
      continue;
    }
    return fmt::format("line {} is not an operation stave writes", i + 1);
  }
  return std::nullopt;
}

std::optional<std::string> ApplyJournal(int dir_fd, const Journal& journal,
                                        const std::string& shown) {
  UniqueFd staging(
      ::openat(dir_fd, journal.staging.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
  if (!staging.valid() && errno != ENOENT) {
    return fmt::format("cannot open `{}/{}`: {}", shown, journal.staging, std::strerror(errno));
  }
  for (const std::string& name : journal.writes) {
    TestStopPoint("build-rename");
    if (!staging.valid()) break;  // every rename was done before the staging directory went
    int err = RenameAt(staging.get(), name, dir_fd, name);
    if (err != 0 && err != ENOENT) {
      return fmt::format("cannot move `{}` into `{}`: {}", name, shown, std::strerror(err));
    }
  }
  for (const auto& [name, sha] : journal.removes) {
    FileState state = InspectFile(dir_fd, name, nullptr);
    if (state.kind == FileState::kRegular && state.sha256 == sha)
      ::unlinkat(dir_fd, name.c_str(), 0);
  }
  if (auto error = SyncDir(dir_fd, shown)) return error;
  if (::unlinkat(dir_fd, kJournalName, 0) != 0 && errno != ENOENT) {
    return fmt::format("cannot remove `{}/{}`: {}", shown, kJournalName, std::strerror(errno));
  }
  if (staging.valid()) return RemoveStaging(dir_fd, journal.staging, shown);
  return std::nullopt;
}

std::optional<std::string> RemoveStaging(int dir_fd, const std::string& name,
                                         const std::string& shown) {
  int fd = ::openat(dir_fd, name.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  if (fd < 0 && errno == ENOENT) return std::nullopt;
  if (fd < 0) return fmt::format("cannot open `{}/{}`: {}", shown, name, std::strerror(errno));
  DIR* d = ::fdopendir(fd);
  if (d == nullptr) {
    ::close(fd);
    return fmt::format("cannot read `{}/{}`: {}", shown, name, std::strerror(errno));
  }
  while (dirent* e = ::readdir(d)) {
    if (std::strcmp(e->d_name, ".") == 0 || std::strcmp(e->d_name, "..") == 0) continue;
    ::unlinkat(fd, e->d_name, 0);  // a link is removed, never followed
  }
  ::closedir(d);
  if (::unlinkat(dir_fd, name.c_str(), AT_REMOVEDIR) != 0) {
    return fmt::format("cannot remove `{}/{}`: {}", shown, name, std::strerror(errno));
  }
  return std::nullopt;
}

std::optional<std::string> RecoverOutputDir(int dir_fd, const std::string& shown, bool& completed) {
  completed = false;
  std::string text;
  struct stat st {};
  if (::fstatat(dir_fd, kJournalName, &st, AT_SYMLINK_NOFOLLOW) == 0) {
    Journal journal;
    std::optional<std::string> error = ReadRegularFile(dir_fd, kJournalName, kMaxBookkeeping, text);
    if (!error) error = ParseJournal(text, journal);
    if (error) {
      return fmt::format(
          "cannot complete the build interrupted in `{}`: `{}` is unusable ({}); remove it "
          "and any `{}*` directory, then build again",
          shown, kJournalName, *error, kStagingPrefix);
    }
    if (auto applied = ApplyJournal(dir_fd, journal, shown)) return applied;
    completed = true;
  }
  int fd = ::dup(dir_fd);
  DIR* d = fd < 0 ? nullptr : ::fdopendir(fd);
  if (d == nullptr) {
    if (fd >= 0) ::close(fd);
    return fmt::format("cannot read `{}`: {}", shown, std::strerror(errno));
  }
  ::rewinddir(d);
  std::vector<std::string> leftovers;
  while (dirent* e = ::readdir(d)) {
    if (IsStagingName(e->d_name)) leftovers.emplace_back(e->d_name);
  }
  ::closedir(d);
  for (const std::string& name : leftovers) {
    if (::fstatat(dir_fd, name.c_str(), &st, AT_SYMLINK_NOFOLLOW) != 0 || !S_ISDIR(st.st_mode))
      continue;
    if (auto error = RemoveStaging(dir_fd, name, shown)) return error;
  }
  return std::nullopt;
}

}  // namespace stave::driver
