// `stave import [FILE|DIR|-…] [-o DIR] [--package NAME]`: existing RBAC and
// Istio YAML as `.policy` files (spec §15). Warnings name what could not be
// expressed (kept as comments); the import still exits 0. Exit 1 on
// malformed input, 2 on unreadable input or an unwritable directory.
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <filesystem>
#include <fstream>

#include <fmt/format.h>

#include "compiler/driver/commands.h"
#include "compiler/driver/import_program.h"
#include "compiler/driver/kube_load.h"
#include "compiler/driver/render.h"

namespace stave::driver {
namespace {

constexpr std::string_view kImportHeader = "// Imported by `stave import`";

// One file through a temporary in the same directory and a rename:
// created with O_EXCL|O_NOFOLLOW (never through a planted symlink), every
// write, fsync and close checked. TODO: the shared write helper of the
// atomic-writes work replaces this at merge.
std::string WriteAtomically(const std::string& path, const std::string& text) {
  std::string temp = fmt::format("{}.stave-import-{}", path, ::getpid());
  int fd = ::open(temp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644);
  if (fd < 0) return fmt::format("cannot create `{}`: {}", temp, std::strerror(errno));
  const char* p = text.data();
  size_t left = text.size();
  std::string error;
  while (left > 0 && error.empty()) {
    ssize_t n = ::write(fd, p, left);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) error = fmt::format("cannot write `{}`: {}", temp, std::strerror(errno));
    else p += n, left -= static_cast<size_t>(n);
  }
  if (error.empty() && ::fsync(fd) != 0) error = fmt::format("cannot write `{}`: {}", temp, std::strerror(errno));
  if (::close(fd) != 0 && error.empty()) error = fmt::format("cannot write `{}`: {}", temp, std::strerror(errno));
  if (error.empty() && ::rename(temp.c_str(), path.c_str()) != 0) {
    error = fmt::format("cannot write `{}`: {}", path, std::strerror(errno));
  }
  if (!error.empty()) ::unlink(temp.c_str());
  return error;
}

// A file may be replaced only if an earlier import wrote it.
std::string CheckReplaceable(const std::string& path) {
  struct stat st;
  if (::lstat(path.c_str(), &st) != 0) return errno == ENOENT ? "" : fmt::format("cannot read `{}`", path);
  if (!S_ISREG(st.st_mode)) return fmt::format("`{}` exists and is not a regular file; not replacing it", path);
  std::ifstream in(path, std::ios::binary);
  std::string first;
  std::getline(in, first);
  if (first.rfind(kImportHeader, 0) != 0) {
    return fmt::format("`{}` exists and was not written by `stave import`; not replacing it", path);
  }
  return "";
}

}  // namespace

int RunImport(const Options& options) {
  std::vector<std::string> inputs = options.args.empty() ? std::vector<std::string>{"-"} : options.args;
  auto start = std::chrono::steady_clock::now();
  kube::ReadResult read;
  int code = ReadKube(inputs, options.default_namespace, read, stderr);
  if (code != kExitOk) return code;
  double read_ms = MillisecondsSince(start);
  ImportedProgram imported = ImportProgram(read.objects, options.package, options.trust_domain);
  double import_ms = MillisecondsSince(start) - read_ms;
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
  for (const auto& [name, text] : imported.files) {
    std::string problem = CheckReplaceable((std::filesystem::path(dir) / name).string());
    if (!problem.empty()) {
      fmt::print(stderr, "stave: error: {}\n", problem);
      return kExitUsage;
    }
  }
  for (const auto& [name, text] : imported.files) {
    std::string path = (std::filesystem::path(dir) / name).string();
    std::string error = WriteAtomically(path, text);
    if (!error.empty()) {
      fmt::print(stderr, "stave: error: {}\n", error);
      return kExitUsage;
    }
    fmt::print("wrote {}\n", path);
  }
  if (options.timings) {
    fmt::print(stderr, "read {:.1f} ms, import+format+check {:.1f} ms, write {:.1f} ms\n", read_ms, import_ms,
               MillisecondsSince(start) - read_ms - import_ms);
  }
  fmt::print(stderr, "imported {} object{} into {} file{}, {} warning{}\n", read.objects.size(),
             read.objects.size() == 1 ? "" : "s", imported.files.size(), imported.files.size() == 1 ? "" : "s",
             imported.warnings.size(), imported.warnings.size() == 1 ? "" : "s");
  return kExitOk;
}

}  // namespace stave::driver
