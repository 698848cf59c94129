// The text sink's layout rules, each the branch of yaml-cpp's Emitter
// (src/emitter.cpp: BlockMapPrepareNode, BlockSeqPrepareNode, EmitEndSeq,
// EmitEndMap) that writes it for the nodes we send; anything else fails the
// sink.
#include "compiler/emit/yaml_text.h"
#include "compiler/emit/yaml_quote.h"

#include <yaml-cpp/yaml.h>

namespace stave::emit {
namespace {

// Printable ASCII: yaml-cpp's double-quoted writer copies these bytes and
// escapes only `"` and `\`. Anything else (controls, DEL, multi-byte code
// points) goes through yaml-cpp itself.
bool PrintableAscii(std::string_view s) {
  for (char c : s) {
    auto b = static_cast<unsigned char>(c);
    if (b < 0x20 || b > 0x7E) return false;
  }
  return true;
}

}  // namespace

TextSink& TextSink::operator<<(YAML::EMITTER_MANIP m) {
  switch (m) {
    case YAML::Flow: next_flow_ = true; break;
    case YAML::BeginMap: Begin(false); break;
    case YAML::BeginSeq: Begin(true); break;
    case YAML::EndMap: End(false); break;
    case YAML::EndSeq: End(true); break;
    // A map's keys and values alternate, which is how yaml-cpp tells them
    // apart too; DoubleQuoted reaches this sink as Quoted().
    case YAML::Key:
    case YAML::Value: break;
    default: failed_ = true; break;
  }
  return *this;
}

void TextSink::Quoted(std::string_view s) {
  if (PrintableAscii(s)) {
    Prepare(s.size() > 1024 ? Node::kLongKey : Node::kScalar);
    out_ += '"';
    size_t from = 0;
    for (size_t i = 0; i < s.size(); ++i) {
      if (s[i] != '"' && s[i] != '\\') continue;
      out_.append(s.substr(from, i - from));
      out_ += '\\';
      from = i;  // the quote or backslash itself follows its backslash
    }
    out_.append(s.substr(from));
    out_ += '"';
    Done();
  } else if (NeedsOwnQuoting(s)) {
    // Written where a Plain goes (yaml.cpp's YAML::Emitter path does the
    // same), so never as a long key.
    *this << Plain{DoubleQuoted(s)};
  } else {
    // Rare (names are ASCII; messages seldom are not): yaml-cpp's own
    // writer, alone, so that its escapes are the ones written.
    Prepare(s.size() > 1024 ? Node::kLongKey : Node::kScalar);
    YAML::Emitter e;
    e << YAML::DoubleQuoted << std::string(s);
    out_.append(e.c_str(), e.size());
    Done();
  }
}

// What yaml-cpp writes before a node of type `child` in the current group.
void TextSink::Prepare(Node child) {
  if (failed_) return;
  if (stack_.empty()) {
    // The document's one node: a block map, at column 0.
    if (root_done_ || child != Node::kBlockMap) failed_ = true;
    return;
  }
  Frame& f = stack_.back();
  bool scalar_like = child == Node::kScalar || child == Node::kLongKey ||
                     child == Node::kFlowSeq || child == Node::kFlowMap;
  switch (f.type) {
    case Node::kBlockMap:
      if (f.children % 2 == 0) {
        // A key: on a line of its own after the first (the first may follow
        // a sequence's `- `), at the map's column. Group and long keys are
        // yaml-cpp's `? key`.
        if (child != Node::kScalar) {
          failed_ = true;
          return;
        }
        if (f.children > 0) Newline();
        IndentTo(f.indent);
      } else {
        out_ += ':';
        if (scalar_like) {
          out_ += ' ';
          IndentTo(f.indent + 2);
        } else {
          Newline();
        }
      }
      return;
    case Node::kBlockSeq:
      if (child == Node::kBlockSeq) {
        failed_ = true;
        return;
      }
      if (f.children > 0) Newline();
      IndentTo(f.indent);
      out_ += '-';
      if (scalar_like) IndentTo(f.indent + 2);
      return;
    default:
      // Flow groups are written only empty (`[]`, `{}`).
      failed_ = true;
      return;
  }
}

void TextSink::Begin(bool seq) {
  bool flow = next_flow_;
  next_flow_ = false;
  Node type = seq ? (flow ? Node::kFlowSeq : Node::kBlockSeq)
                  : (flow ? Node::kFlowMap : Node::kBlockMap);
  Prepare(type);
  uint32_t indent = stack_.empty() ? 0 : stack_.back().indent + 2;
  stack_.push_back({type, indent, 0});
}

void TextSink::End(bool seq) {
  if (stack_.empty()) {
    failed_ = true;
    return;
  }
  Frame f = stack_.back();
  stack_.pop_back();
  if (seq != (f.type == Node::kFlowSeq || f.type == Node::kBlockSeq)) failed_ = true;
  if (failed_) return;
  // yaml-cpp writes an empty group, block or flow, as `[]` or `{}` at the
  // group's column (`- {}`; a block value `key:` then `[]` on the next
  // line). A non-empty flow group failed in Prepare; a non-empty block
  // group needs nothing at its end.
  if (f.children == 0) {
    IndentTo(f.indent);
    out_ += seq ? "[]" : "{}";
  }
  Done();
}

}  // namespace stave::emit
