// `file://` URIs and file system paths. Documents with other schemes
// (`untitled:`) are kept under their URI as a path-like name.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace stave::lsp {

// Whether `text` starts with `prefix`, ASCII letters compared without case
// (URI schemes, header names).
bool StartsWithNoCase(std::string_view text, std::string_view prefix);


// The normalized path of a `file://` URI (percent-decoded), or nullopt for
// another scheme or a malformed URI.
std::optional<std::string> FileUriToPath(std::string_view uri);

// The name a document is compiled under: its path for a `file://` URI, the
// URI itself otherwise.
std::string DocumentPath(std::string_view uri);

// `file://` + the percent-encoded absolute path; nullopt for relative
// (virtual) paths such as the embedded `std/…` files, which have no URI.
std::optional<std::string> PathToFileUri(std::string_view path);

}  // namespace stave::lsp
