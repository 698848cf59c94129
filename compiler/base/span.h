// Source positions: a Span is a half-open byte range in one file of a
// SourceSet. Lines and columns are computed only when rendering.
#pragma once

#include <cstdint>

namespace stave::base {

using FileId = uint32_t;
inline constexpr FileId kNoFile = UINT32_MAX;

struct Span {
  FileId file = kNoFile;
  uint32_t begin = 0;
  uint32_t end = 0;

  bool valid() const { return file != kNoFile; }
  uint32_t size() const { return end - begin; }
  // The smallest span covering both (same file assumed).
  Span to(const Span& other) const { return {file, begin, other.end > end ? other.end : end}; }
  bool contains(const Span& other) const {
    return file == other.file && begin <= other.begin && other.end <= end;
  }
  friend bool operator==(const Span&, const Span&) = default;
  friend auto operator<=>(const Span&, const Span&) = default;
};

}  // namespace stave::base
