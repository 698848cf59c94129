// A small evaluator for the subset of CEL that stave emits in its
// ValidatingAdmissionPolicies, so that `stave test` can evaluate the
// generated objects without a CEL library in C++. The npm package
// @bufbuild/cel cross-checks the same expressions in tests/js.
//
// Supported: null, bool, int, string (single- or double-quoted, with the
// usual escapes), list literals; identifiers, field selection (`a.b.c`) and
// indexing; `has(a.b)`; `!`, unary `-`; `* / %`, `+ -` (ints; `+` also
// concatenates strings and lists); relations `== != < <= > >= in`; `&&`,
// `||`, `? :`; `size()`, `startsWith`, `endsWith`, `contains`; and the
// macros `exists` and `all`. `&&` and `||` absorb errors as
// CEL does (`false && error` is false, `true || error` is true).
#pragma once

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <variant>
#include <vector>

namespace stave::eval {

// A JSON-like value: what admission requests are made of.
struct Value {
  using List = std::vector<Value>;
  using Map = std::map<std::string, Value>;
  std::variant<std::monostate, bool, int64_t, std::string, List, Map> v;

  Value() = default;
  Value(bool b) : v(b) {}
  Value(int64_t i) : v(i) {}
  Value(int i) : v(static_cast<int64_t>(i)) {}
  Value(const char* s) : v(std::string(s)) {}
  Value(std::string s) : v(std::move(s)) {}
  Value(List l) : v(std::move(l)) {}
  Value(Map m) : v(std::move(m)) {}

  bool is_null() const { return v.index() == 0; }
  friend bool operator==(const Value&, const Value&) = default;
};

// The result of an evaluation: a value, or an error message.
struct CelResult {
  std::optional<Value> value;
  std::string error;
  bool ok() const { return value.has_value(); }
};

// Evaluates `expression` with the given top-level variables (e.g. `object`,
// `oldObject`, `request`, `variables`). Parse errors are errors too.
CelResult EvaluateCel(const std::string& expression, const Value::Map& bindings);

namespace cel_internal {
struct ParseResult;
}

// An expression found in the process's parse cache once, for evaluating it
// many times: looking a long expression up by its text was most of
// `stave test` where one namespace's admission policy guards many pipelines.
class CompiledCel {
 public:
  explicit CompiledCel(const std::string& expression);
  // What EvaluateCel(expression, bindings) gives.
  CelResult Evaluate(const Value::Map& bindings) const;

 private:
  const cel_internal::ParseResult* parsed_;
};

}  // namespace stave::eval
