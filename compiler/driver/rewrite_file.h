// Rewriting a user's file in place (`stave fmt`; `stave import` later): the
// new text goes to an exclusive temporary file beside it, with the old
// file's mode and owner, and replaces it by rename only when every write,
// the fsync and the close succeeded and the file is still what was read.
#pragma once

#include <optional>
#include <string>

namespace stave::driver {

// Replaces `path`, whose content was read as `expected`, with `text`.
// A symlink is written through to its target (as gofmt and rustfmt do).
// Refused, leaving the file as it is: a read-only file, a file with more
// than one hard link (a rename would split them), and a file that changed
// since it was read. Returns the message for the user on failure.
std::optional<std::string> RewriteFile(const std::string& path, const std::string& expected,
                                       const std::string& text);

}  // namespace stave::driver
