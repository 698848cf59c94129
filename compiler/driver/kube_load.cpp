// Reads cluster dumps and YAML trees from disk or standard input, bounded
// in size, never following a symlink out of a directory argument.
#include "compiler/driver/kube_load.h"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <iterator>
#include <set>
#include <system_error>

#include <fmt/format.h>

namespace stave::driver {
namespace fs = std::filesystem;
namespace {

bool HasKubeExtension(const fs::path& p) {
  std::string ext = p.extension().string();
  return ext == ".yaml" || ext == ".yml" || ext == ".json";
}

// Reads at most kMaxKubeFileBytes + 1 bytes, so that a huge (or endless)
// input costs no more than the limit.
bool ReadBounded(std::istream& in, std::string& out) {
  out.clear();
  char buf[65536];
  while (in && out.size() <= kMaxKubeFileBytes) {
    in.read(buf, sizeof buf);
    out.append(buf, static_cast<size_t>(in.gcount()));
  }
  return !in.bad();
}

// Whether `p` (inside `root`) resolves to a place inside `root`.
bool StaysInside(const fs::path& p, const fs::path& root) {
  std::error_code ec;
  fs::path target = fs::canonical(p, ec);
  if (ec) return false;
  auto [r, t] = std::mismatch(root.begin(), root.end(), target.begin(), target.end());
  return r == root.end();
}

void Collect(const std::string& arg, std::vector<std::string>& found, std::vector<std::string>& errors) {
  std::error_code ec;
  fs::path root = fs::canonical(arg, ec);
  auto it = fs::recursive_directory_iterator(arg, fs::directory_options::skip_permission_denied, ec);
  if (ec) {
    errors.push_back(fmt::format("cannot read directory `{}`: {}", arg, ec.message()));
    return;
  }
  std::vector<std::string> files;
  for (auto end = fs::recursive_directory_iterator(); it != end; it.increment(ec)) {
    if (ec) {
      errors.push_back(fmt::format("cannot read directory `{}`: {}", arg, ec.message()));
      return;
    }
    const fs::path& p = it->path();
    std::string name = p.filename().string();
    if (it->is_directory(ec) && !name.empty() && name[0] == '.') {
      it.disable_recursion_pending();
      continue;
    }
    if (!HasKubeExtension(p) || !it->is_regular_file(ec)) continue;
    if (it->is_symlink(ec) && !StaysInside(p, root)) continue;  // leads out of the tree
    files.push_back(p.lexically_normal().string());
  }
  std::sort(files.begin(), files.end());
  found.insert(found.end(), files.begin(), files.end());
}

}  // namespace

KubeLoad LoadKubeInputs(const std::vector<std::string>& paths) {
  KubeLoad result;
  std::vector<std::string> files;
  bool stdin_read = false;
  for (const std::string& arg : paths) {
    if (arg == "-") {
      if (stdin_read) continue;
      stdin_read = true;
      kube::InputFile f{"-", {}};
      if (!ReadBounded(std::cin, f.text)) result.errors.push_back("cannot read standard input");
      else if (f.text.size() > kMaxKubeFileBytes) result.too_large.push_back({{"-", 0, 0}, "standard input is larger than 64 MiB"});
      else result.files.push_back(std::move(f));
      continue;
    }
    std::error_code ec;
    fs::file_status status = fs::status(arg, ec);
    if (ec || !fs::exists(status)) {
      result.errors.push_back(fmt::format("path `{}` does not exist", arg));
    } else if (fs::is_directory(status)) {
      size_t before = files.size() + result.errors.size();
      Collect(arg, files, result.errors);
      if (files.size() + result.errors.size() == before) {
        result.errors.push_back(fmt::format("no `.yaml`, `.yml` or `.json` files under `{}`", arg));
      }
    } else if (fs::is_regular_file(status)) {
      files.push_back(fs::path(arg).lexically_normal().string());
    } else {
      result.errors.push_back(fmt::format("cannot read `{}`: not a regular file or directory", arg));
    }
  }
  std::set<std::string> seen;
  for (const std::string& file : files) {
    if (!seen.insert(file).second) continue;
    std::ifstream in(file, std::ios::binary);
    kube::InputFile f{file, {}};
    if (!in || !ReadBounded(in, f.text)) {
      result.errors.push_back(fmt::format("cannot read `{}`", file));
    } else if (f.text.size() > kMaxKubeFileBytes) {
      result.too_large.push_back({{file, 0, 0}, fmt::format("`{}` is larger than 64 MiB", file)});
    } else {
      result.files.push_back(std::move(f));
    }
  }
  return result;
}

void PrintProblem(FILE* out, const char* severity, const kube::Problem& p) {
  fmt::print(out, "{}: {}\n", severity, p.message);
  if (p.origin.line > 0) {
    fmt::print(out, " --> {}:{}:{}\n", p.origin.file, p.origin.line, std::max(p.origin.column, 1));
  } else if (!p.origin.file.empty()) {
    fmt::print(out, " --> {}\n", p.origin.file);
  }
}

int ReadKube(const std::vector<std::string>& paths, const std::string& default_ns,
             kube::ReadResult& result, FILE* out) {
  KubeLoad load = LoadKubeInputs(paths);
  for (const std::string& e : load.errors) fmt::print(out, "error: {}\n", e);
  if (!load.errors.empty()) return 2;
  result = kube::ReadObjects(load.files, default_ns);
  for (const kube::Problem& p : load.too_large) PrintProblem(out, "error", p);
  for (const kube::Problem& p : result.errors) PrintProblem(out, "error", p);
  for (const kube::Problem& p : result.notes) PrintProblem(out, "note", p);
  return load.too_large.empty() && result.errors.empty() ? 0 : 1;
}

}  // namespace stave::driver
