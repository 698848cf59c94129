// A string kept once for the life of the process. Sema expands every API
// rule into grants (a verb on a resource of a group), hundreds of
// thousands of them in a large program, over a few hundred distinct
// groups, resources and verbs: each grant holds three pointers instead of
// three copies (the expanded grants were 59 MB of the dense shape's peak
// at 100k statements, massif; with pointers the peak fell by 34 MB). The
// table only grows: in the language server, by the texts typed.
#pragma once

#include <compare>
#include <string>
#include <string_view>

#include <fmt/format.h>

namespace stave::base {

class Interned {
 public:
  Interned() : text_(&Empty()) {}
  // Implicit, as std::string's own: grants are written as aggregates of
  // literals and strings. Each construction looks the text up (under a
  // lock: the lints and lowering run on two threads), so make them where
  // the texts are declared, not per grant.
  Interned(std::string_view text);  // NOLINT(google-explicit-constructor)
  Interned(const char* text) : Interned(std::string_view(text)) {}  // NOLINT
  Interned(const std::string& text) : Interned(std::string_view(text)) {}  // NOLINT

  const std::string& str() const { return *text_; }
  operator const std::string&() const { return *text_; }  // NOLINT
  bool empty() const { return text_->empty(); }

  // Equal texts are the same pointer; order is the texts' order.
  friend bool operator==(Interned a, Interned b) { return a.text_ == b.text_; }
  friend bool operator==(Interned a, std::string_view b) { return *a.text_ == b; }
  friend bool operator==(Interned a, const char* b) { return *a.text_ == b; }
  friend bool operator==(Interned a, const std::string& b) { return *a.text_ == b; }
  friend std::strong_ordering operator<=>(Interned a, Interned b) {
    return a.text_ == b.text_ ? std::strong_ordering::equal : *a.text_ <=> *b.text_;
  }

 private:
  static const std::string& Empty();
  const std::string* text_;
};

}  // namespace stave::base

template <>
struct fmt::formatter<stave::base::Interned> : fmt::formatter<std::string_view> {
  template <typename Context>
  auto format(const stave::base::Interned& s, Context& ctx) const {
    return fmt::formatter<std::string_view>::format(std::string_view(s.str()), ctx);
  }
};
