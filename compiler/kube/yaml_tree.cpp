// The event handler that builds YamlNode documents (yaml_tree.h).
#include "compiler/kube/yaml_tree.h"

#include <map>
#include <sstream>

#include <yaml-cpp/eventhandler.h>
#include <yaml-cpp/parser.h>

namespace stave::kube {

std::vector<YamlNode::Entry> YamlNode::entries() const {
  std::vector<Entry> out;
  if (type_ != Type::Map) return out;
  out.reserve(children_.size() / 2);
  for (size_t i = 0; i + 1 < children_.size(); i += 2) out.push_back({*children_[i], *children_[i + 1]});
  return out;
}

const YamlNode& YamlNode::operator[](std::string_view key) const {
  if (type_ == Type::Map) {
    for (size_t i = 0; i + 1 < children_.size(); i += 2) {
      const YamlNode& k = *children_[i];
      if (k.type_ == Type::Scalar && k.scalar_ == key) return *children_[i + 1];
    }
  }
  return Undefined();
}

const YamlNode& YamlNode::Undefined() {
  static const YamlNode undefined;
  return undefined;
}

class YamlTreeBuilder : public YAML::EventHandler {
 public:
  void OnDocumentStart(const YAML::Mark& mark) override {
    start_ = mark;
    nodes_.clear();
    anchors_.clear();
    open_.clear();
    root_ = nullptr;
  }
  void OnDocumentEnd() override {}

  void OnNull(const YAML::Mark& mark, YAML::anchor_t anchor) override {
    Add(New(YamlNode::Type::Null, mark), anchor);
  }
  void OnAlias(const YAML::Mark&, YAML::anchor_t anchor) override {
    // The parser refuses an alias of an anchor it has not seen.
    auto it = anchors_.find(anchor);
    Add(it == anchors_.end() ? &YamlNode::Undefined() : it->second, 0);
  }
  void OnScalar(const YAML::Mark& mark, const std::string&, YAML::anchor_t anchor,
                const std::string& value) override {
    YamlNode* n = New(YamlNode::Type::Scalar, mark);
    n->scalar_ = value;
    Add(n, anchor);
  }
  void OnSequenceStart(const YAML::Mark& mark, const std::string&, YAML::anchor_t anchor,
                       YAML::EmitterStyle::value) override {
    Open(New(YamlNode::Type::Sequence, mark), anchor);
  }
  void OnSequenceEnd() override { Close(); }
  void OnMapStart(const YAML::Mark& mark, const std::string&, YAML::anchor_t anchor,
                  YAML::EmitterStyle::value) override {
    Open(New(YamlNode::Type::Map, mark), anchor);
  }
  void OnMapEnd() override { Close(); }

  const YamlNode& root() const { return root_ ? *root_ : null_; }
  const YAML::Mark& start() const { return start_; }

 private:
  YamlNode* New(YamlNode::Type type, const YAML::Mark& mark) {
    nodes_.emplace_back(type, mark);
    return &nodes_.back();
  }
  void Add(const YamlNode* n, YAML::anchor_t anchor) {
    if (anchor) anchors_[anchor] = n;
    if (open_.empty()) {
      root_ = n;
    } else {
      open_.back()->children_.push_back(n);
    }
  }
  void Open(YamlNode* n, YAML::anchor_t anchor) {
    Add(n, anchor);
    open_.push_back(n);
  }
  void Close() {
    if (!open_.empty()) open_.pop_back();
  }

  std::deque<YamlNode> nodes_;  // stable addresses
  std::map<YAML::anchor_t, const YamlNode*> anchors_;
  std::vector<YamlNode*> open_;
  const YamlNode* root_ = nullptr;
  YAML::Mark start_ = YAML::Mark::null_mark();
  const YamlNode null_{YamlNode::Type::Null, YAML::Mark::null_mark()};
};

bool ParseYamlStream(const std::string& text, size_t max_documents,
                     const std::function<void(const YamlNode&)>& each, YAML::Mark& stalled) {
  std::istringstream in(text);
  YAML::Parser parser(in);
  YamlTreeBuilder builder;
  for (size_t docs = 0;; ++docs) {
    if (!parser.HandleNextDocument(builder)) return true;
    if (docs >= max_documents) {
      stalled = builder.start();
      return false;
    }
    each(builder.root());
  }
}

}  // namespace stave::kube
