// Output directory writing (write_output.h). The steps, each under an
// exclusive flock on DIR itself, so concurrent builds take turns:
//   1. recover: complete a committed journal, drop uncommitted staging;
//   2. plan: compare every target with the manifest; refuse edited,
//      foreign or non-regular files before anything changes;
//   3. stage the changed files (and the new manifest) in a fresh
//      `.stave-staging-*` directory, each written and closed, then all
//      made durable with one syncfs;
//   4. commit: rename the journal into DIR (the one atomic step);
//   5. apply: rename staged files into place, remove stale ones, drop the
//      journal and the staging directory.
// A kill before 4 leaves DIR as it was (the next build removes the staging
// directory); after 4 the next build finishes 5. Files DIR holds that no
// manifest lists are never removed. docs/security.md states the promises.
#include "compiler/driver/write_output.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <optional>
#include <system_error>
#include <vector>

#include "compiler/base/sha256.h"
#include "compiler/base/side_thread.h"
#include "compiler/driver/output_journal.h"
#include "compiler/driver/safe_write.h"
#include "compiler/driver/test_hooks.h"
#include "compiler/pipeline/threads.h"

namespace stave::driver {
namespace fs = std::filesystem;
namespace {

constexpr size_t kMaxManifest = 64 << 20;

struct Plan {
  std::vector<std::string> writes;                           // content changes
  std::vector<std::pair<std::string, std::string>> removes;  // stale: name, hash
  Manifest manifest;                                         // DIR's files afterwards
};

// What planning needs to know of one target. Finding it only reads, so
// the targets are inspected on two threads when there are many bytes:
// hashing was most of the write stage of a large build.
struct Inspected {
  FileState state;     // of the file DIR holds under the name
  std::string sha256;  // of the text the build writes there
};

Inspected InspectTarget(int dir_fd, const std::string& name, const std::string& text) {
  Inspected out{InspectFile(dir_fd, name, &text), {}};
  // Equal content has the hash InspectFile computed: one pass over the
  // bytes of an unchanged file, not two.
  bool same = out.state.kind == FileState::kRegular && out.state.equals;
  out.sha256 = same ? out.state.sha256 : base::Sha256Hex(text);
  return out;
}

// Below this the second thread would save a millisecond or two.
constexpr size_t kTwoThreadBytes = 1 << 20;

std::vector<Inspected> InspectTargets(int dir_fd, const std::map<std::string, std::string>& files) {
  std::vector<const std::pair<const std::string, std::string>*> targets;
  size_t bytes = 0;
  for (const auto& entry : files) {
    targets.push_back(&entry);
    bytes += entry.second.size();
  }
  std::vector<Inspected> out(targets.size());
  auto inspect = [&](size_t begin, size_t end) {
    for (size_t i = begin; i < end; ++i)
      out[i] = InspectTarget(dir_fd, targets[i]->first, targets[i]->second);
  };
  if (bytes < kTwoThreadBytes || pipeline::Threads() < 2) {
    inspect(0, targets.size());
    return out;
  }
  // Halves of equal bytes, not of equal counts: one namespace's file can
  // be most of the output.
  size_t half = 0;
  for (size_t seen = 0; half < targets.size() && seen < bytes / 2; ++half)
    seen += targets[half]->second.size();
  base::SideThread helper([&] { inspect(half, targets.size()); });
  inspect(0, half);
  helper.Join();
  return out;
}

// Whether `name`, which the build writes, may be replaced; adds it to the
// plan when its content changes.
void PlanTarget(const std::string& dir, const std::string& name, const Inspected& inspected,
                const Manifest& old, Plan& plan, std::vector<std::string>& errors) {
  std::string shown = (fs::path(dir) / name).string();
  const FileState& state = inspected.state;
  plan.manifest[name] = inspected.sha256;
  switch (state.kind) {
    case FileState::kMissing:
      plan.writes.push_back(name);
      return;
    case FileState::kError:
      errors.push_back(fmt::format("cannot read `{}`: {}", shown, state.what));
      return;
    case FileState::kOther:
      errors.push_back(
          fmt::format("refusing to replace `{}`: it is {}, and stave writes only regular "
                      "files",
                      shown, state.what));
      return;
    case FileState::kRegular:
      break;
  }
  auto recorded = old.find(name);
  if (recorded != old.end() && recorded->second != state.sha256) {
    errors.push_back(
        fmt::format("refusing to overwrite `{}`: it was edited since stave wrote it (its "
                    "content differs from `{}`); move the change into the policy, then "
                    "delete the file and build again",
                    shown, kManifestName));
    return;
  }
  if (recorded == old.end() && !state.generated_header) {
    errors.push_back(
        fmt::format("refusing to overwrite `{}`: it was not generated by stave (its first "
                    "line is not the generated-file header)",
                    shown));
    return;
  }
  if (!state.equals) plan.writes.push_back(name);  // unchanged: keep its mtime
}

// Stale files: listed in the manifest, no longer produced. Only an
// unchanged regular file is removed; an edited one stops the build.
void PlanRemovals(int dir_fd, const std::string& dir,
                  const std::map<std::string, std::string>& files, const Manifest& old, Plan& plan,
                  std::vector<std::string>& errors) {
  for (const auto& [name, sha] : old) {
    if (files.count(name)) continue;
    std::string shown = (fs::path(dir) / name).string();
    FileState state = InspectFile(dir_fd, name, nullptr);
    if (state.kind == FileState::kMissing) continue;
    if (state.kind == FileState::kRegular && state.sha256 == sha) {
      plan.removes.emplace_back(name, sha);
    } else if (state.kind == FileState::kRegular || state.kind == FileState::kOther) {
      errors.push_back(
          fmt::format("refusing to remove `{}`, which an earlier build wrote and this one "
                      "no longer produces: {} since; delete it yourself if it is not "
                      "needed",
                      shown,
                      state.kind == FileState::kOther ? "it became " + state.what
                                                      : std::string("it was edited")));
    } else {
      errors.push_back(fmt::format("cannot read `{}`: {}", shown, state.what));
    }
  }
}

std::optional<std::string> ReadManifest(int dir_fd, const std::string& dir, Manifest& manifest,
                                        std::string& text) {
  struct stat st {};
  if (::fstatat(dir_fd, kManifestName, &st, AT_SYMLINK_NOFOLLOW) != 0 && errno == ENOENT)
    return std::nullopt;
  std::optional<std::string> error = ReadRegularFile(dir_fd, kManifestName, kMaxManifest, text);
  if (!error) error = ParseManifest(text, manifest);
  if (!error) return std::nullopt;
  return fmt::format(
      "cannot read `{}`: {}; it lists the files an earlier build wrote: restore it, or "
      "remove it (stale files are then left for you to delete)",
      (fs::path(dir) / kManifestName).string(), *error);
}

// Steps 3 to 5 of the file comment.
std::optional<std::string> StageAndCommit(int dir_fd, const std::string& dir,
                                          const std::map<std::string, std::string>& files,
                                          const Plan& plan, const std::string* manifest_text) {
  Journal journal;
  for (int attempt = 0; attempt < 100 && journal.staging.empty(); ++attempt) {
    std::string name = kStagingPrefix + UniqueSuffix();
    if (::mkdirat(dir_fd, name.c_str(), 0700) == 0)
      journal.staging = name;
    else if (errno != EEXIST)
      return fmt::format("cannot write in `{}`: {}", dir, std::strerror(errno));
  }
  UniqueFd staging(
      ::openat(dir_fd, journal.staging.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
  auto fail = [&](const std::string& what, const std::string& why) {
    RemoveStaging(dir_fd, journal.staging, dir);
    return fmt::format("cannot write `{}`: {}; `{}` was left as it was", what, why, dir);
  };
  if (!staging.valid()) return fail(journal.staging, std::strerror(errno));
  for (const std::string& name : plan.writes) {
    TestStopPoint("build-stage");
    if (auto error = WriteExclusive(staging.get(), name, files.at(name), 0666, Sync::kByCaller)) {
      return fail((fs::path(dir) / name).string(), *error);
    }
    journal.writes.push_back(name);
  }
  if (manifest_text) {
    if (auto error =
            WriteExclusive(staging.get(), kManifestName, *manifest_text, 0644, Sync::kByCaller)) {
      return fail((fs::path(dir) / kManifestName).string(), *error);
    }
    journal.writes.push_back(kManifestName);
  }
  journal.removes = plan.removes;
  // The staged files and their directory, durable before the journal
  // that commits them exists.
  if (auto error = SyncFileSystem(staging.get(), journal.staging)) {
    return fail(journal.staging, *error);
  }
  if (auto error = WriteExclusive(staging.get(), "journal", RenderJournal(journal), 0644)) {
    return fail((fs::path(dir) / kJournalName).string(), *error);
  }
  TestStopPoint("build-commit");
  if (int err = RenameAt(staging.get(), "journal", dir_fd, kJournalName); err != 0) {
    return fail((fs::path(dir) / kJournalName).string(), std::strerror(err));
  }
  if (auto error = ApplyJournal(dir_fd, journal, dir)) {
    return *error +
           fmt::format("; the build was committed, and the next `stave build -o {}` completes it",
                       dir);
  }
  return std::nullopt;
}

// Takes the exclusive lock on DIR, saying so when another build holds it.
std::optional<std::string> LockDir(int dir_fd, const std::string& dir) {
  if (::flock(dir_fd, LOCK_EX | LOCK_NB) == 0) return std::nullopt;
  if (errno == EWOULDBLOCK) {
    fmt::print(stderr, "stave: waiting for another `stave build` to finish writing `{}`\n", dir);
    int rc;
    do rc = ::flock(dir_fd, LOCK_EX);
    while (rc != 0 && errno == EINTR);
    if (rc == 0) return std::nullopt;
  }
  return fmt::format("cannot lock `{}`: {}", dir, std::strerror(errno));
}

}  // namespace

WriteResult WriteOutputDir(const std::string& dir,
                           const std::map<std::string, std::string>& files) {
  WriteResult result;
  for (const auto& [name, text] : files) {
    if (!IsOutputName(name))
      result.errors.push_back(fmt::format("cannot write `{}`: not a file name `-o` writes", name));
  }
  std::error_code ec;
  fs::file_status status = fs::status(dir, ec);
  if (fs::exists(status) && !fs::is_directory(status)) {
    result.errors.push_back(fmt::format("`{}` exists and is not a directory", dir));
  }
  if (!result.errors.empty()) return result;
  bool created = !fs::exists(status) && fs::create_directories(dir, ec);
  UniqueFd dir_fd = OpenDir(dir);
  if (ec || !dir_fd.valid()) {
    result.errors.push_back(
        fmt::format("cannot create `{}`: {}", dir, ec ? ec.message() : std::strerror(errno)));
    return result;
  }
  auto finish = [&](std::optional<std::string> error) {
    if (error) result.errors.push_back(*error);
    if (!result.errors.empty() && created) ::rmdir(dir.c_str());  // only if still empty
    return result;
  };
  if (auto error = LockDir(dir_fd.get(), dir)) return finish(error);
  bool completed = false;
  if (auto error = RecoverOutputDir(dir_fd.get(), dir, completed)) return finish(error);
  if (completed)
    result.notes.push_back(fmt::format("completed the interrupted build in `{}` first", dir));
  Manifest old;
  std::string old_text;
  if (auto error = ReadManifest(dir_fd.get(), dir, old, old_text)) return finish(error);

  Plan plan;
  std::vector<Inspected> inspected = InspectTargets(dir_fd.get(), files);
  size_t i = 0;
  for (const auto& [name, text] : files) PlanTarget(dir, name, inspected[i++], old, plan, result.errors);
  PlanRemovals(dir_fd.get(), dir, files, old, plan, result.errors);
  if (!result.errors.empty()) return finish(std::nullopt);
  std::string manifest_text = RenderManifest(plan.manifest);
  bool manifest_changed = manifest_text != old_text;
  if (plan.writes.empty() && plan.removes.empty() && !manifest_changed) return result;
  if (auto error = StageAndCommit(dir_fd.get(), dir, files, plan,
                                  manifest_changed ? &manifest_text : nullptr)) {
    return finish(error);
  }
  for (const std::string& name : plan.writes)
    result.written.push_back((fs::path(dir) / name).string());
  for (const auto& [name, sha] : plan.removes)
    result.removed.push_back((fs::path(dir) / name).string());
  return result;
}

}  // namespace stave::driver
