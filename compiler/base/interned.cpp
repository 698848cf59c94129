#include "compiler/base/interned.h"

#include <mutex>
#include <unordered_set>

namespace stave::base {

namespace {

// Never freed: the texts are few, and every Interned may point into it
// until the process exits (the language server's too).
struct Hash {
  using is_transparent = void;  // looked up by string_view, no copy
  size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
};

struct Table {
  std::mutex mutex;
  // node-based: an element never moves
  std::unordered_set<std::string, Hash, std::equal_to<>> texts;
};

Table& TheTable() {
  static Table* table = new Table;
  return *table;
}

}  // namespace

const std::string& Interned::Empty() {
  static const std::string* empty = new std::string;
  return *empty;
}

Interned::Interned(std::string_view text) : text_(&Empty()) {
  if (text.empty()) return;
  Table& t = TheTable();
  std::lock_guard<std::mutex> lock(t.mutex);
  auto it = t.texts.find(text);
  if (it == t.texts.end()) it = t.texts.emplace(text).first;
  text_ = &*it;
}

}  // namespace stave::base
