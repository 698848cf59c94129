// The tree-walking evaluator for stave's CEL subset (see cel.h for what is
// supported). Errors are values that `&&`, `||`, `?:` and the comprehension
// macros may absorb, as in the CEL spec; everything else propagates them.
#include "compiler/eval/cel.h"

#include <map>
#include <mutex>

#include <exception>
#include <limits>
#include <utility>

#include "compiler/eval/cel_ast.h"

namespace stave::eval {
namespace {

using cel_internal::BinaryOp;
using cel_internal::Expr;
using cel_internal::ExprKind;
using cel_internal::Function;

// A value or an error. The value is borrowed from the bindings or the AST,
// or points into `hold` (kept alive by whoever holds the Ref), so that
// selecting `object.spec.x` copies nothing.
struct Ref {
  const Value* value = nullptr;
  std::shared_ptr<const Value> hold;
  std::string error;
  bool ok() const { return value != nullptr; }
};

Ref Own(Value v) {
  auto held = std::make_shared<const Value>(std::move(v));
  const Value* p = held.get();
  return Ref{p, std::move(held), ""};
}
Ref Err(std::string message) { return Ref{nullptr, nullptr, std::move(message)}; }
Ref Bool(bool b) {
  static const Value kTrue(true), kFalse(false);
  return Ref{b ? &kTrue : &kFalse, nullptr, ""};
}

const char* TypeName(const Value& v) {
  static const char* const kNames[] = {"null", "bool", "int", "string", "list", "map"};
  return kNames[v.v.index()];
}

template <typename T>
const T* As(const Ref& r) {
  return r.ok() ? std::get_if<T>(&r.value->v) : nullptr;
}

Ref NoOverload(std::string_view op, const Value& a) {
  return Err("no matching overload for `" + std::string(op) + "` on " + TypeName(a));
}
Ref NoOverload(std::string_view op, const Value& a, const Value& b) {
  return Err("no matching overload for `" + std::string(op) + "` on " + TypeName(a) + " and " +
             TypeName(b));
}

size_t CodePoints(const std::string& s) {
  size_t n = 0;
  for (unsigned char c : s) n += (c & 0xC0) != 0x80;
  return n;
}

Ref Arithmetic(BinaryOp op, int64_t a, int64_t b) {
  int64_t out = 0;
  bool overflow = false;
  switch (op) {
    case BinaryOp::kAdd: overflow = __builtin_add_overflow(a, b, &out); break;
    case BinaryOp::kSub: overflow = __builtin_sub_overflow(a, b, &out); break;
    case BinaryOp::kMul: overflow = __builtin_mul_overflow(a, b, &out); break;
    default:  // division and modulus
      if (b == 0) return Err(op == BinaryOp::kDiv ? "division by zero" : "modulus by zero");
      if (a == std::numeric_limits<int64_t>::min() && b == -1) {
        if (op == BinaryOp::kMod) return Own(Value(int64_t{0}));
        overflow = true;
        break;
      }
      out = op == BinaryOp::kDiv ? a / b : a % b;
  }
  if (overflow) return Err("integer overflow");
  return Own(Value(out));
}

Ref Add(const Value& a, const Value& b) {
  if (a.v.index() != b.v.index()) return NoOverload("+", a, b);
  if (auto* i = std::get_if<int64_t>(&a.v)) {
    return Arithmetic(BinaryOp::kAdd, *i, std::get<int64_t>(b.v));
  }
  if (auto* s = std::get_if<std::string>(&a.v)) return Own(Value(*s + std::get<std::string>(b.v)));
  if (auto* x = std::get_if<Value::List>(&a.v)) {
    Value::List out = *x;
    const Value::List& y = std::get<Value::List>(b.v);
    out.insert(out.end(), y.begin(), y.end());
    return Own(Value(std::move(out)));
  }
  return NoOverload("+", a, b);
}

// `<` and friends on two ints, two strings (byte order, which is code point
// order in UTF-8) or two bools.
Ref Compare(BinaryOp op, const Value& a, const Value& b) {
  int cmp = 0;
  if (a.v.index() != b.v.index()) return NoOverload(cel_internal::Spelling(op), a, b);
  if (auto* i = std::get_if<int64_t>(&a.v)) {
    int64_t j = std::get<int64_t>(b.v);
    cmp = *i < j ? -1 : *i > j;
  } else if (auto* s = std::get_if<std::string>(&a.v)) {
    cmp = s->compare(std::get<std::string>(b.v));
  } else if (auto* t = std::get_if<bool>(&a.v)) {
    cmp = static_cast<int>(*t) - static_cast<int>(std::get<bool>(b.v));
  } else {
    return NoOverload(cel_internal::Spelling(op), a, b);
  }
  switch (op) {
    case BinaryOp::kLt: return Bool(cmp < 0);
    case BinaryOp::kLe: return Bool(cmp <= 0);
    case BinaryOp::kGt: return Bool(cmp > 0);
    default: return Bool(cmp >= 0);
  }
}

Ref In(const Value& needle, const Value& haystack) {
  if (auto* list = std::get_if<Value::List>(&haystack.v)) {
    for (const Value& item : *list) {
      if (item == needle) return Bool(true);
    }
    return Bool(false);
  }
  if (auto* map = std::get_if<Value::Map>(&haystack.v)) {
    auto* key = std::get_if<std::string>(&needle.v);
    return Bool(key && map->count(*key));
  }
  return NoOverload("in", needle, haystack);
}

Ref ApplyBinary(BinaryOp op, const Value& a, const Value& b) {
  switch (op) {
    case BinaryOp::kEq: return Bool(a == b);
    case BinaryOp::kNe: return Bool(!(a == b));
    case BinaryOp::kIn: return In(a, b);
    case BinaryOp::kAdd: return Add(a, b);
    case BinaryOp::kSub: case BinaryOp::kMul: case BinaryOp::kDiv: case BinaryOp::kMod: {
      auto* x = std::get_if<int64_t>(&a.v);
      auto* y = std::get_if<int64_t>(&b.v);
      if (!x || !y) return NoOverload(cel_internal::Spelling(op), a, b);
      return Arithmetic(op, *x, *y);
    }
    default: return Compare(op, a, b);
  }
}

Ref ApplyFunction(Function f, const Value& receiver, const Value* arg) {
  if (f == Function::kSize) {
    auto size = [](size_t n) { return Own(Value(static_cast<int64_t>(n))); };
    if (auto* s = std::get_if<std::string>(&receiver.v)) return size(CodePoints(*s));
    if (auto* l = std::get_if<Value::List>(&receiver.v)) return size(l->size());
    if (auto* m = std::get_if<Value::Map>(&receiver.v)) return size(m->size());
    return NoOverload("size", receiver);
  }
  const char* name = f == Function::kStartsWith ? "startsWith"
                     : f == Function::kEndsWith ? "endsWith"
                                                : "contains";
  auto* s = std::get_if<std::string>(&receiver.v);
  auto* t = std::get_if<std::string>(&arg->v);
  if (!s || !t) return NoOverload(name, receiver, *arg);
  std::string_view sv(*s);
  if (f == Function::kStartsWith) return Bool(sv.starts_with(*t));
  if (f == Function::kEndsWith) return Bool(sv.ends_with(*t));
  return Bool(sv.find(*t) != std::string_view::npos);
}

class Evaluator {
 public:
  explicit Evaluator(const Value::Map& bindings) : bindings_(bindings) {}

  // Recursion is bounded by the parser's limit on the tree's depth.
  Ref Eval(const Expr& e) {
    switch (e.kind) {
      case ExprKind::kLiteral: return Ref{&e.literal, nullptr, ""};
      case ExprKind::kIdent: return Ident(e);
      case ExprKind::kSelect: return Select(e);
      case ExprKind::kHas: return Has(e);
      case ExprKind::kIndex: return Index(e);
      case ExprKind::kList: return List(e);
      case ExprKind::kCall: return Call(e);
      case ExprKind::kNot: return Not(e);
      case ExprKind::kNeg: return Neg(e);
      case ExprKind::kBinary: return Binary(e);
      case ExprKind::kAnd: return Logical(e, true);
      case ExprKind::kOr: return Logical(e, false);
      case ExprKind::kCond: return Cond(e);
      case ExprKind::kExists: return Comprehension(e, false);
      case ExprKind::kAll: return Comprehension(e, true);
    }
    return Err("internal error: unknown expression kind");
  }

 private:
  struct Local {
    const std::string* name;
    const Value* value;
    std::shared_ptr<const Value> hold;
  };

  Ref Ident(const Expr& e) {
    for (auto it = locals_.rbegin(); it != locals_.rend(); ++it) {
      if (*it->name == e.name) return Ref{it->value, it->hold, ""};
    }
    auto it = bindings_.find(e.name);
    if (it == bindings_.end()) return Err("undeclared reference to `" + e.name + "`");
    return Ref{&it->second, nullptr, ""};
  }

  Ref Select(const Expr& e) {
    Ref base = Eval(*e.operands[0]);
    if (!base.ok()) return base;
    if (auto* map = As<Value::Map>(base)) {
      auto it = map->find(e.name);
      if (it == map->end()) return Err("no such key: " + e.name);
      return Ref{&it->second, base.hold, ""};
    }
    return Err("cannot select field `" + e.name + "` from " + TypeName(*base.value));
  }

  Ref Has(const Expr& e) {
    Ref base = Eval(*e.operands[0]);
    if (!base.ok()) return base;
    if (auto* map = As<Value::Map>(base)) return Bool(map->count(e.name) > 0);
    return Err("`has` cannot test field `" + e.name + "` on " + TypeName(*base.value));
  }

  Ref Index(const Expr& e) {
    Ref base = Eval(*e.operands[0]);
    if (!base.ok()) return base;
    Ref index = Eval(*e.operands[1]);
    if (!index.ok()) return index;
    if (auto* list = As<Value::List>(base)) {
      auto* i = As<int64_t>(index);
      if (!i) return NoOverload("[]", *base.value, *index.value);
      if (*i < 0 || static_cast<uint64_t>(*i) >= list->size()) {
        return Err("index out of range: " + std::to_string(*i));
      }
      return Ref{&(*list)[static_cast<size_t>(*i)], base.hold, ""};
    }
    auto* map = As<Value::Map>(base);
    auto* key = As<std::string>(index);
    if (!map || !key) return NoOverload("[]", *base.value, *index.value);
    auto it = map->find(*key);
    if (it == map->end()) return Err("no such key: " + *key);
    return Ref{&it->second, base.hold, ""};
  }

  Ref List(const Expr& e) {
    Value::List items;
    items.reserve(e.operands.size());
    for (const auto& operand : e.operands) {
      Ref item = Eval(*operand);
      if (!item.ok()) return item;
      items.push_back(*item.value);
    }
    return Own(Value(std::move(items)));
  }

  Ref Call(const Expr& e) {
    Ref receiver = Eval(*e.operands[0]);
    if (!receiver.ok()) return receiver;
    Ref arg;
    if (e.operands.size() > 1) {
      arg = Eval(*e.operands[1]);
      if (!arg.ok()) return arg;
    }
    return ApplyFunction(e.function, *receiver.value, arg.value);
  }

  Ref Not(const Expr& e) {
    Ref operand = Eval(*e.operands[0]);
    if (!operand.ok()) return operand;
    if (auto* b = As<bool>(operand)) return Bool(!*b);
    return NoOverload("!", *operand.value);
  }

  Ref Neg(const Expr& e) {
    Ref operand = Eval(*e.operands[0]);
    if (!operand.ok()) return operand;
    auto* i = As<int64_t>(operand);
    if (!i) return NoOverload("-", *operand.value);
    return Arithmetic(BinaryOp::kSub, 0, *i);
  }

  Ref Binary(const Expr& e) {
    Ref lhs = Eval(*e.operands[0]);
    if (!lhs.ok()) return lhs;
    Ref rhs = Eval(*e.operands[1]);
    if (!rhs.ok()) return rhs;
    return ApplyBinary(e.op, *lhs.value, *rhs.value);
  }

  // CEL's `&&` and `||` are commutative: a deciding value on either side
  // (false for `&&`, true for `||`) wins over an error on the other side.
  Ref Logical(const Expr& e, bool is_and) {
    const char* op = is_and ? "&&" : "||";
    Ref lhs = Eval(*e.operands[0]);
    const bool* l = As<bool>(lhs);
    if (l && *l != is_and) return Bool(*l);
    Ref rhs = Eval(*e.operands[1]);
    const bool* r = As<bool>(rhs);
    if (r && *r != is_and) return Bool(*r);
    if (l && r) return Bool(is_and);
    if (!l) return lhs.ok() ? NoOverload(op, *lhs.value) : lhs;
    return rhs.ok() ? NoOverload(op, *rhs.value) : rhs;
  }

  Ref Cond(const Expr& e) {
    Ref cond = Eval(*e.operands[0]);
    if (!cond.ok()) return cond;
    auto* b = As<bool>(cond);
    if (!b) return NoOverload("?:", *cond.value);
    return Eval(*e.operands[*b ? 1 : 2]);
  }

  // `exists` is true if any element's predicate is true, and `all` false if
  // any is false; only when none decides does an element's error surface.
  // On a map both range over the keys, as in CEL.
  Ref Comprehension(const Expr& e, bool is_all) {
    const char* name = is_all ? "all" : "exists";
    Ref range = Eval(*e.operands[0]);
    if (!range.ok()) return range;
    if (auto* map = As<Value::Map>(range)) {
      Value::List keys;
      for (const auto& [key, unused] : *map) keys.push_back(Value(key));
      range = Own(Value(std::move(keys)));
    }
    auto* list = As<Value::List>(range);
    if (!list) return NoOverload(name, *range.value);
    std::optional<Ref> first_error;
    for (const Value& item : *list) {
      locals_.push_back(Local{&e.name, &item, range.hold});
      Ref r = Eval(*e.operands[1]);
      locals_.pop_back();
      const bool* b = As<bool>(r);
      if (b && *b != is_all) return Bool(*b);
      if (!b && !first_error) first_error = r.ok() ? NoOverload(name, *r.value) : std::move(r);
    }
    if (first_error) return std::move(*first_error);
    return Bool(is_all);
  }

  const Value::Map& bindings_;
  std::vector<Local> locals_;
};

}  // namespace

namespace {

// The same few policy expressions are evaluated for every run expectation:
// parse each once. The cache is shared by threads (the language server).
const cel_internal::ParseResult& Parsed(const std::string& expression) {
  static std::mutex mutex;
  static std::map<std::string, std::unique_ptr<cel_internal::ParseResult>> cache;
  std::lock_guard<std::mutex> lock(mutex);
  auto& slot = cache[expression];
  if (!slot) {
    slot = std::make_unique<cel_internal::ParseResult>(cel_internal::ParseCel(expression));
  }
  return *slot;
}

}  // namespace

CelResult EvaluateCel(const std::string& expression, const Value::Map& bindings) {
  return CompiledCel(expression).Evaluate(bindings);
}

// The cache's entries are never freed, so the pointer stays valid.
CompiledCel::CompiledCel(const std::string& expression) : parsed_(&Parsed(expression)) {}

CelResult CompiledCel::Evaluate(const Value::Map& bindings) const {
  // Nothing may escape to the caller; bad_alloc is the only exception the
  // evaluator can raise.
  try {
    const cel_internal::ParseResult& parsed = *parsed_;
    if (!parsed.expr) return CelResult{std::nullopt, parsed.error};
    Ref r = Evaluator(bindings).Eval(*parsed.expr);
    if (!r.ok()) return CelResult{std::nullopt, r.error};
    return CelResult{*r.value, ""};
  } catch (const std::exception& e) {
    return CelResult{std::nullopt, std::string("internal error: ") + e.what()};
  }
}

}  // namespace stave::eval
