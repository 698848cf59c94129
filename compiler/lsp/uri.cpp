// Conversion between file URIs (RFC 8089) and paths, as VS Code and other
// clients write them: `file:///abs/path`, with `%XX` escapes.
#include "compiler/lsp/uri.h"

#include <cctype>
#include <filesystem>

#include <fmt/format.h>

namespace stave::lsp {
namespace {

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

}  // namespace

bool StartsWithNoCase(std::string_view text, std::string_view prefix) {
  if (text.size() < prefix.size()) return false;
  for (size_t i = 0; i < prefix.size(); ++i) {
    char a = text[i], b = prefix[i];
    if (a >= 'A' && a <= 'Z') a = static_cast<char>(a - 'A' + 'a');
    if (b >= 'A' && b <= 'Z') b = static_cast<char>(b - 'A' + 'a');
    if (a != b) return false;
  }
  return true;
}

std::optional<std::string> FileUriToPath(std::string_view uri) {
  if (!StartsWithNoCase(uri, "file://")) return std::nullopt;
  std::string_view rest = uri.substr(7);
  // An authority (`file://localhost/x`) is dropped; the path starts at `/`.
  size_t slash = rest.find('/');
  if (slash == std::string_view::npos) return std::nullopt;
  rest = rest.substr(slash);
  if (size_t end = rest.find_first_of("?#"); end != std::string_view::npos) rest = rest.substr(0, end);
  std::string path;
  for (size_t i = 0; i < rest.size(); ++i) {
    if (rest[i] == '%' && i + 2 < rest.size()) {
      int hi = HexValue(rest[i + 1]), lo = HexValue(rest[i + 2]);
      if (hi >= 0 && lo >= 0) {
        path.push_back(static_cast<char>(hi * 16 + lo));
        i += 2;
        continue;
      }
    }
    path.push_back(rest[i]);
  }
  if (path.find('\0') != std::string::npos) return std::nullopt;
  return std::filesystem::path(path).lexically_normal().string();
}

std::string DocumentPath(std::string_view uri) {
  if (auto path = FileUriToPath(uri)) return *path;
  return std::string(uri);
}

std::optional<std::string> PathToFileUri(std::string_view path) {
  if (path.empty() || path.front() != '/') return std::nullopt;
  std::string uri = "file://";
  for (char c : path) {
    unsigned char u = static_cast<unsigned char>(c);
    bool keep = (u >= 'a' && u <= 'z') || (u >= 'A' && u <= 'Z') || (u >= '0' && u <= '9') ||
                c == '/' || c == '-' || c == '_' || c == '.' || c == '~';
    if (keep) uri.push_back(c);
    else uri += fmt::format("%{:02X}", u);
  }
  return uri;
}

}  // namespace stave::lsp
