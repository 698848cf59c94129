// YAML documents as the Kubernetes reader walks them, built from yaml-cpp's
// event parser in one pass. yaml-cpp's own node graph (YAML::LoadAll) costs
// a third of the reading time on top of the parse, and its loader cannot be
// stopped when the 0.7 parser loops on a stray `,` (read.cpp); built here,
// the documents are counted as they come. Aliases share the anchored node,
// so a tree may hold cycles (`&a {b: *a}`): walks must bound their depth.
#pragma once

#include <deque>
#include <functional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <yaml-cpp/mark.h>

namespace stave::kube {

class YamlNode {
 public:
  enum class Type { Undefined, Null, Scalar, Sequence, Map };

  YamlNode() = default;
  YamlNode(Type type, YAML::Mark mark) : type_(type), mark_(mark) {}

  Type type() const { return type_; }
  explicit operator bool() const { return type_ != Type::Undefined; }
  bool IsNull() const { return type_ == Type::Null; }
  bool IsScalar() const { return type_ == Type::Scalar; }
  bool IsSequence() const { return type_ == Type::Sequence; }
  bool IsMap() const { return type_ == Type::Map; }
  const std::string& Scalar() const { return scalar_; }
  // Where the node starts; line and column are 0-based, -1 when unknown.
  const YAML::Mark& Mark() const { return mark_; }

  // Items of a sequence; empty for anything else.
  const std::vector<const YamlNode*>& items() const { return children_; }
  // Entries of a mapping, in document order.
  struct Entry {
    const YamlNode& first;
    const YamlNode& second;
  };
  std::vector<Entry> entries() const;
  size_t size() const { return type_ == Type::Map ? children_.size() / 2 : children_.size(); }
  // The value of the first entry whose key is the scalar `key`; an
  // undefined node when there is none or this is not a mapping.
  const YamlNode& operator[](std::string_view key) const;

  static const YamlNode& Undefined();

 private:
  friend class YamlTreeBuilder;
  Type type_ = Type::Undefined;
  YAML::Mark mark_ = YAML::Mark::null_mark();
  std::string scalar_;
  std::vector<const YamlNode*> children_;  // a mapping's: key, value, key, value, …
};

// Parses a stream and hands each document's root to `each` (a null node
// for an empty document), in order; the nodes live until `each` returns.
// yaml-cpp's exceptions pass through. Returns false, with `stalled` set to
// where the stream stopped advancing, after `max_documents` documents: the
// 0.7 parser yields empty documents forever after a stray `,`.
bool ParseYamlStream(const std::string& text, size_t max_documents,
                     const std::function<void(const YamlNode&)>& each, YAML::Mark& stalled);

}  // namespace stave::kube
