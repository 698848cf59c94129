// `stave import [FILE|DIR|-…] [-o DIR] [--package NAME]`: existing RBAC and
// Istio YAML as `.policy` files (spec §15). Warnings name what could not be
// expressed (kept as comments); the import still exits 0. Exit 1 on
// malformed input, 2 on unreadable input or an unwritable directory (and
// then nothing is written).
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <filesystem>
#include <optional>

#include <fmt/format.h>

#include "compiler/driver/commands.h"
#include "compiler/driver/import_program.h"
#include "compiler/driver/kube_load.h"
#include "compiler/driver/render.h"
#include "compiler/driver/safe_write.h"

namespace stave::driver {
namespace {

constexpr std::string_view kImportHeader = "// Imported by `stave import`";

struct ImportWrite {
  std::vector<std::string> written, unchanged;  // file names, sorted
};

// Writes the files into `dir`, all or none: each changed file goes to a
// temporary (created O_EXCL|O_NOFOLLOW, written, fsynced and closed, every
// step checked, safe_write.h); only when every one is complete are they
// renamed into place, and the directory synced. A file may be replaced
// only if an earlier import wrote it (its first line says so); a link or
// anything else at a name is refused, never followed. Files whose text is
// already there are left alone.
std::optional<std::string> WriteImport(const std::string& dir, const std::map<std::string, std::string>& files,
                                       ImportWrite& out) {
  UniqueFd dir_fd = OpenDir(dir);
  if (!dir_fd.valid()) return fmt::format("cannot open directory `{}`: {}", dir, std::strerror(errno));
  auto shown = [&](const std::string& name) { return (std::filesystem::path(dir) / name).string(); };
  std::vector<std::pair<std::string, bool>> changed;  // name, exists
  for (const auto& [name, text] : files) {
    FileState state = InspectFile(dir_fd.get(), name, &text);
    switch (state.kind) {
      case FileState::kMissing: changed.push_back({name, false}); break;
      case FileState::kRegular:
        if (state.equals) {
          out.unchanged.push_back(name);
          break;
        }
        {
          std::string first;
          if (ReadRegularFile(dir_fd.get(), name, size_t{1} << 30, first)) {
            return fmt::format("cannot read `{}`", shown(name));
          }
          if (first.rfind(kImportHeader, 0) != 0) {
            return fmt::format("`{}` exists and was not written by `stave import`; not replacing it", shown(name));
          }
        }
        changed.push_back({name, true});
        break;
      case FileState::kOther:
        return fmt::format("`{}` exists and is {}; not replacing it", shown(name), state.what);
      case FileState::kError: return fmt::format("cannot read `{}`: {}", shown(name), state.what);
    }
  }
  std::vector<std::string> temps;
  auto remove_temps = [&] {
    for (const std::string& t : temps) ::unlinkat(dir_fd.get(), t.c_str(), 0);
  };
  for (const auto& [name, exists] : changed) {
    std::string temp;
    if (auto error = WriteNewFile(dir_fd.get(), name, files.at(name), 0644, temp)) {
      remove_temps();
      return fmt::format("cannot write `{}`: {}", shown(name), *error);
    }
    temps.push_back(temp);
  }
  for (size_t i = 0; i < changed.size(); ++i) {
    const auto& [name, exists] = changed[i];
    // A new name must still be free: renameat2 does not replace what
    // appeared there meanwhile (link(2) where the file system lacks it).
    int err = exists ? RenameAt(dir_fd.get(), temps[i], dir_fd.get(), name)
                     : RenameNoReplace(dir_fd.get(), temps[i], name);
    if (err == 0 && !exists) ::unlinkat(dir_fd.get(), temps[i].c_str(), 0);  // left by link(2)
    if (err != 0) {
      // Files renamed so far stay (each complete); the rest are removed.
      for (size_t j = i; j < temps.size(); ++j) ::unlinkat(dir_fd.get(), temps[j].c_str(), 0);
      return fmt::format("cannot write `{}`: {}", shown(name), err == EEXIST ? "it appeared meanwhile" : std::strerror(err));
    }
    out.written.push_back(name);
  }
  return SyncDir(dir_fd.get(), dir);
}

}  // namespace

int RunImport(const Options& options) {
  std::vector<std::string> inputs = options.args.empty() ? std::vector<std::string>{"-"} : options.args;
  auto start = std::chrono::steady_clock::now();
  kube::ReadResult read;
  int code = ReadKube(inputs, options.default_namespace, read, stderr);
  if (code != kExitOk) return code;
  double read_ms = pipeline::MillisecondsSince(start);
  ImportedProgram imported = ImportProgram(read.objects, options.package, options.trust_domain);
  double import_ms = pipeline::MillisecondsSince(start) - read_ms;
  if (imported.compilation->diagnostics.has_errors()) {
    Options human = options;
    human.format = Format::Human;
    PrintDiagnostics(imported.compilation->diagnostics, imported.compilation->sources, human, stderr);
    fmt::print(stderr, "stave: internal error: the imported program does not check\n"
                       "please report this with the input that caused it\n");
    return kExitInternal;
  }
  for (const kube::Problem& w : imported.warnings) PrintProblem(stderr, "warning", w);
  std::string dir = options.output_dir.empty() ? "." : options.output_dir;
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) {
    fmt::print(stderr, "stave: error: cannot create directory `{}`: {}\n", dir, ec.message());
    return kExitUsage;
  }
  ImportWrite write;
  if (auto error = WriteImport(dir, imported.files, write)) {
    fmt::print(stderr, "stave: error: {}\n", *error);
    return kExitUsage;
  }
  for (const std::string& name : write.written) fmt::print("wrote {}\n", (std::filesystem::path(dir) / name).string());
  if (options.timings) {
    fmt::print(stderr, "timings: read {:.1f} ms, import {:.1f} ms, write {:.1f} ms\n", read_ms, import_ms,
               pipeline::MillisecondsSince(start) - read_ms - import_ms);
  }
  fmt::print(stderr, "imported {} object{} into {} file{}{}, {} warning{}\n", read.objects.size(),
             read.objects.size() == 1 ? "" : "s", imported.files.size(), imported.files.size() == 1 ? "" : "s",
             write.unchanged.empty() ? "" : fmt::format(" ({} unchanged)", write.unchanged.size()),
             imported.warnings.size(), imported.warnings.size() == 1 ? "" : "s");
  return kExitOk;
}

}  // namespace stave::driver
