// The set of source files of one compilation: their paths, text and line
// tables. Files are numbered in sorted path order so that every output that
// mentions them is deterministic.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "compiler/base/span.h"

namespace stave::base {

// 1-based line and column. `column` counts Unicode code points (what a person
// sees); `byte_column` and `utf16_column` serve JSON/SARIF and the LSP.
struct LineCol {
  uint32_t line = 1;
  uint32_t column = 1;
  uint32_t byte_column = 1;
  uint32_t utf16_column = 1;
};

class SourceFile {
 public:
  SourceFile(std::string path, std::string text);

  const std::string& path() const { return path_; }
  std::string_view text() const { return text_; }
  // True for files of the embedded standard library (virtual `std/` paths).
  bool is_builtin() const { return builtin_; }
  void set_builtin(bool b) { builtin_ = b; }

  LineCol position(uint32_t offset) const;
  // The offset of a 0-based line and UTF-16 column, clamped to the line's
  // end (the language server sends positions past it).
  uint32_t offset_of_utf16(uint32_t line0, uint32_t utf16_col0) const;
  // The text of the 1-based line, without its line break.
  std::string_view line_text(uint32_t line) const;
  uint32_t line_count() const { return static_cast<uint32_t>(line_starts_.size()); }

 private:
  std::string path_;
  std::string text_;
  std::vector<uint32_t> line_starts_;
  bool builtin_ = false;
};

class SourceSet;

// The text under a span on one line, runs of whitespace collapsed: how
// messages quote a rule (`allow devs, alice to run release`).
std::string OneLineText(const SourceSet& sources, Span span);
// `path:line`, for messages that point at a rule.
std::string Location(const SourceSet& sources, Span span);

class SourceSet {
 public:
  // Adds a file and returns its id. Callers add files in sorted path order.
  FileId add(std::string path, std::string text);
  const SourceFile& file(FileId id) const { return *files_[id]; }
  SourceFile& mutable_file(FileId id) { return *files_[id]; }
  size_t size() const { return files_.size(); }
  // The file with this path, or kNoFile.
  FileId find(std::string_view path) const;

 private:
  std::vector<std::unique_ptr<SourceFile>> files_;
};

}  // namespace stave::base
