// Line tables and position conversion for source files.
#include "compiler/base/source.h"

#include <algorithm>

#include "compiler/base/utf8.h"

namespace stave::base {

SourceFile::SourceFile(std::string path, std::string text)
    : path_(std::move(path)), text_(std::move(text)) {
  // Lines end at `\n`, `\r\n` or a lone `\r`, as LSP counts them.
  line_starts_.push_back(0);
  for (uint32_t i = 0; i < text_.size(); ++i) {
    if (text_[i] == '\n' || (text_[i] == '\r' && (i + 1 == text_.size() || text_[i + 1] != '\n'))) {
      line_starts_.push_back(i + 1);
    }
  }
}

LineCol SourceFile::position(uint32_t offset) const {
  offset = std::min<uint32_t>(offset, static_cast<uint32_t>(text_.size()));
  auto it = std::upper_bound(line_starts_.begin(), line_starts_.end(), offset);
  uint32_t line_index = static_cast<uint32_t>(it - line_starts_.begin()) - 1;
  uint32_t start = line_starts_[line_index];
  std::string_view prefix(text_.data() + start, offset - start);
  LineCol lc;
  lc.line = line_index + 1;
  lc.byte_column = static_cast<uint32_t>(prefix.size()) + 1;
  lc.column = CountCodePoints(prefix) + 1;
  lc.utf16_column = CountUtf16Units(prefix) + 1;
  return lc;
}

uint32_t SourceFile::offset_of_utf16(uint32_t line0, uint32_t utf16_col0) const {
  if (line0 >= line_starts_.size()) return static_cast<uint32_t>(text_.size());
  std::string_view line = line_text(line0 + 1);
  uint32_t start = line_starts_[line0];
  return start + ByteOffsetOfUtf16(line, utf16_col0);
}

std::string_view SourceFile::line_text(uint32_t line) const {
  if (line == 0 || line > line_starts_.size()) return {};
  uint32_t start = line_starts_[line - 1];
  uint32_t end = line < line_starts_.size() ? line_starts_[line] - 1
                                            : static_cast<uint32_t>(text_.size());
  if (end > start && text_[end - 1] == '\r') --end;  // the `\r` of `\r\n`
  return std::string_view(text_).substr(start, end - start);
}

std::string OneLineText(const SourceSet& sources, Span span) {
  std::string_view text = sources.file(span.file).text().substr(span.begin, span.size());
  std::string out;
  bool space = false;
  for (char c : text) {
    if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
      space = !out.empty();
      continue;
    }
    if (space) out += ' ';
    space = false;
    out += c;
  }
  return out;
}

std::string Location(const SourceSet& sources, Span span) {
  const SourceFile& f = sources.file(span.file);
  return f.path() + ":" + std::to_string(f.position(span.begin).line);
}

FileId SourceSet::add(std::string path, std::string text) {
  files_.push_back(std::make_unique<SourceFile>(std::move(path), std::move(text)));
  return static_cast<FileId>(files_.size() - 1);
}

FileId SourceSet::find(std::string_view path) const {
  for (size_t i = 0; i < files_.size(); ++i) {
    if (files_[i]->path() == path) return static_cast<FileId>(i);
  }
  return kNoFile;
}

}  // namespace stave::base
