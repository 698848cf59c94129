// The bookkeeping files of `build -o DIR`: the manifest (`.stave-manifest`,
// the names and SHA-256 of the files the last build wrote: the only files a
// later build may remove) and the journal (`.stave-journal`, the renames and
// removals of a build that committed; a build killed after the commit is
// completed by the next one). docs/security.md describes both.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace stave::driver {

inline constexpr char kManifestName[] = ".stave-manifest";
inline constexpr char kJournalName[] = ".stave-journal";
inline constexpr char kStagingPrefix[] = ".stave-staging-";

// A name `build -o` may write or remove: one path component, not hidden,
// ending in `.yaml`. Names read back from the manifest or journal are
// checked with it, so an edited manifest cannot point outside DIR.
bool IsOutputName(std::string_view name);

using Manifest = std::map<std::string, std::string>;  // name -> SHA-256 (hex)

std::string RenderManifest(const Manifest& manifest);
std::optional<std::string> ParseManifest(std::string_view text, Manifest& out);

struct Journal {
  std::string staging;                                       // `.stave-staging-…` in DIR
  std::vector<std::string> writes;                           // staged names, renamed into DIR
  std::vector<std::pair<std::string, std::string>> removes;  // name, SHA-256 it must still have
};

std::string RenderJournal(const Journal& journal);
std::optional<std::string> ParseJournal(std::string_view text, Journal& out);

// Carries out a committed journal in `dir_fd`: each staged file still in
// the staging directory is renamed into place, each removal is done when
// the file still has its recorded hash; then the journal and the staging
// directory go. Every step can be repeated, so a run killed here is
// completed by the next.
std::optional<std::string> ApplyJournal(int dir_fd, const Journal& journal,
                                        const std::string& shown);

// Unlinks the entries of the staging directory `name` and the directory.
std::optional<std::string> RemoveStaging(int dir_fd, const std::string& name,
                                         const std::string& shown);

// Before a build writes DIR: completes a journal left by a killed build
// (`completed` is then true) and removes staging directories of builds
// killed before their commit.
std::optional<std::string> RecoverOutputDir(int dir_fd, const std::string& shown, bool& completed);

}  // namespace stave::driver
