// Parses kept between compilations, keyed by path, file id and text.
#include "compiler/pipeline/parse_cache.h"

namespace stave::pipeline {

const ParseCache::Parsed* ParseCache::Find(const std::string& path, base::FileId id,
                                           std::string_view text) const {
  auto it = entries_.find(path);
  if (it == entries_.end() || it->second.id != id || it->second.text != text) return nullptr;
  return &it->second.parsed;
}

void ParseCache::Store(const std::string& path, base::FileId id, std::string_view text,
                       Parsed parsed) {
  entries_[path] = Entry{id, std::string(text), std::move(parsed)};
}

void ParseCache::Keep(const std::vector<std::string>& paths) {
  std::map<std::string, Entry, std::less<>> kept;
  for (const std::string& path : paths) {
    if (auto it = entries_.find(path); it != entries_.end()) kept.insert(entries_.extract(it));
  }
  entries_ = std::move(kept);
}

}  // namespace stave::pipeline
