// A YAML writer that appends block text to a std::string laid out exactly
// as yaml-cpp's Emitter (indent 2) lays out the shapes emit writes. It is
// the third sink of yaml.cpp's writer templates, beside YAML::Emitter and
// the flattening sink; tests/unit/emit_text_test.cpp holds it to yaml-cpp.
#pragma once

#include <yaml-cpp/emittermanip.h>

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace stave::emit {

// A scalar known to need no quotes: one of our keys, a value the plain
// check accepted, or text already quoted (yaml_quote.h). Every sink writes
// it as it is.
struct Plain {
  std::string_view text;
};

// Takes the manipulators and scalars the writer templates send to a
// YAML::Emitter and appends what that emitter would write. A shape it does
// not lay out (a sequence nested directly in a sequence, a non-empty flow
// group, a key yaml-cpp writes as `? key`) sets
// failed(): the caller then drops what was appended since it began and asks
// yaml-cpp for the whole document, so the bytes never depend on this
// writer's coverage.
class TextSink {
 public:
  explicit TextSink(std::string& out) : out_(out), line_start_(out.size()) {}

  TextSink& operator<<(YAML::EMITTER_MANIP m);
  TextSink& operator<<(Plain p) {
    Prepare(Node::kScalar);
    out_.append(p.text);
    Done();
    return *this;
  }
  TextSink& operator<<(bool b) { return *this << Plain{b ? "true" : "false"}; }

  // What `emitter << YAML::DoubleQuoted << s` writes, for a string
  // yaml_quote.h's NeedsOwnQuoting refused. yaml-cpp writes a key over
  // 1 KiB as a long key (`? key`), which fails this sink.
  void Quoted(std::string_view s);

  bool failed() const { return failed_; }

 private:
  enum class Node : uint8_t { kScalar, kLongKey, kFlowSeq, kFlowMap, kBlockSeq, kBlockMap };
  struct Frame {
    Node type;
    uint32_t indent;    // the column of this group's keys or dashes
    uint32_t children;  // keys and values of a map, items of a sequence
  };
  void Prepare(Node child);
  void Done() {
    if (!stack_.empty()) ++stack_.back().children;
    else root_done_ = true;
  }
  void Begin(bool seq);
  void End(bool seq);
  void Newline() {
    out_ += '\n';
    line_start_ = out_.size();
  }
  void IndentTo(size_t col) {
    size_t at = out_.size() - line_start_;
    if (at < col) out_.append(col - at, ' ');
  }

  std::string& out_;
  size_t line_start_;
  std::vector<Frame> stack_;
  bool next_flow_ = false;
  bool root_done_ = false;
  bool failed_ = false;
};

}  // namespace stave::emit
