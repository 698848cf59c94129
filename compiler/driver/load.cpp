// Reads policy files from disk. Only the driver touches the file system.
#include "compiler/driver/load.h"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <system_error>

#include <fmt/format.h>

namespace stave::driver {
namespace fs = std::filesystem;
namespace {

// Reads into a buffer of the file's size: a stream buffer would grow by
// doubling and keep up to twice the text, for the whole run.
bool ReadFile(const fs::path& path, std::string& out) {
  std::ifstream in(path, std::ios::binary | std::ios::ate);
  if (!in) return false;
  std::streamoff size = in.tellg();
  if (size < 0) return false;
  out.resize(static_cast<size_t>(size));
  in.seekg(0);
  in.read(out.data(), size);
  out.resize(static_cast<size_t>(in.gcount()));  // shrank while being read
  char extra;
  if (in.gcount() == size && in.get(extra)) {  // grew while being read: take the rest too
    std::ostringstream rest;
    rest << extra << in.rdbuf();
    out += std::move(rest).str();
  }
  return !in.bad();
}

void Collect(const fs::path& dir, std::set<std::string>& found, std::vector<std::string>& errors) {
  std::error_code ec;
  auto it = fs::recursive_directory_iterator(dir, fs::directory_options::skip_permission_denied, ec);
  if (ec) {
    errors.push_back(fmt::format("cannot read directory `{}`: {}", dir.string(), ec.message()));
    return;
  }
  for (auto end = fs::recursive_directory_iterator(); it != end; it.increment(ec)) {
    if (ec) {
      errors.push_back(fmt::format("cannot read directory `{}`: {}", dir.string(), ec.message()));
      return;
    }
    const fs::path& p = it->path();
    std::string name = p.filename().string();
    if (it->is_directory(ec) && !name.empty() && name[0] == '.') {
      it.disable_recursion_pending();
      continue;
    }
    if (p.extension() == ".policy" && it->is_regular_file(ec)) {
      found.insert(p.lexically_normal().string());
    }
  }
}

}  // namespace

LoadResult LoadPaths(const std::vector<std::string>& paths) {
  LoadResult result;
  std::set<std::string> files;
  for (const std::string& arg : paths) {
    fs::path path(arg);
    std::error_code ec;
    fs::file_status status = fs::status(path, ec);
    if (ec || !fs::exists(status)) {
      result.errors.push_back(fmt::format("path `{}` does not exist", arg));
      continue;
    }
    if (fs::is_directory(status)) {
      size_t before = files.size() + result.errors.size();
      Collect(path, files, result.errors);
      if (files.size() + result.errors.size() == before) {
        result.errors.push_back(fmt::format("no `.policy` files under `{}`", arg));
      }
    } else if (fs::is_regular_file(status)) {
      files.insert(path.lexically_normal().string());
    } else {
      // A FIFO or device would block or never end: refuse before reading.
      result.errors.push_back(fmt::format("cannot read `{}`: not a regular file or directory", arg));
    }
  }
  for (const std::string& file : files) {
    SourceInput input{file, {}};
    if (!ReadFile(file, input.text)) {
      result.errors.push_back(fmt::format("cannot read `{}`", file));
      continue;
    }
    result.inputs.push_back(std::move(input));
  }
  return result;
}

}  // namespace stave::driver
