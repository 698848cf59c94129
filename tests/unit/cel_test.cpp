// Unit tests for eval/cel: the CEL subset stave emits in admission policies.
// Covers precedence, each operator, CEL's error absorption in `&&`, `||`,
// `?:` and macros, parse errors, the nesting limit, and generated expressions.
#include "compiler/eval/cel.h"

#include <catch2/catch.hpp>
#include <string>

namespace stave::eval {
namespace {

// A CEL-like rendering, so that failed checks print the values.
std::string Show(const Value& v) {
  struct Visitor {
    std::string operator()(std::monostate) const { return "null"; }
    std::string operator()(bool b) const { return b ? "true" : "false"; }
    std::string operator()(int64_t i) const { return std::to_string(i); }
    std::string operator()(const std::string& s) const { return "'" + s + "'"; }
    std::string operator()(const Value::List& l) const {
      std::string out = "[";
      for (const Value& item : l) out += (out.size() > 1 ? ", " : "") + Show(item);
      return out + "]";
    }
    std::string operator()(const Value::Map& m) const {
      std::string out = "{";
      for (const auto& [k, item] : m) {
        out += (out.size() > 1 ? ", '" : "'") + k + "': " + Show(item);
      }
      return out + "}";
    }
  };
  return std::visit(Visitor{}, v.v);
}

}  // namespace
}  // namespace stave::eval

namespace Catch {
template <>
struct StringMaker<stave::eval::Value> {
  static std::string convert(const stave::eval::Value& v) { return stave::eval::Show(v); }
};
}  // namespace Catch

namespace stave::eval {
namespace {

// The value of `expr`; fails the test, showing the error, if it has none.
Value Eval(const std::string& expr, const Value::Map& bindings = {}) {
  CelResult r = EvaluateCel(expr, bindings);
  INFO(expr << "  =>  error: " << r.error);
  REQUIRE(r.ok());
  CHECK(r.error.empty());
  return *r.value;
}

// The error of `expr`; fails the test, showing the value, if it has none.
std::string Error(const std::string& expr, const Value::Map& bindings = {}) {
  CelResult r = EvaluateCel(expr, bindings);
  INFO(expr << "  =>  " << (r.ok() ? Show(*r.value) : r.error));
  REQUIRE_FALSE(r.ok());
  CHECK_FALSE(r.error.empty());
  return r.error;
}

// A Tekton PipelineRun, as an admission request carries it.
Value::Map PipelineRunBindings() {
  Value::Map spec{{"pipelineRef", Value::Map{{"name", "build-and-deploy"}}},
                  {"serviceAccountName", "builder"}};
  Value::Map object{{"apiVersion", "tekton.dev/v1beta1"}, {"kind", "PipelineRun"},
                    {"spec", spec}};
  return {{"object", object},
          {"oldObject", Value()},
          {"request", Value::Map{{"operation", "CREATE"}}}};
}

TEST_CASE("literals", "[cel]") {
  CHECK(Eval("42") == Value(42));
  CHECK(Eval("-9223372036854775808") == Value(std::numeric_limits<int64_t>::min()));
  CHECK(Eval("9223372036854775807") == Value(std::numeric_limits<int64_t>::max()));
  CHECK(Eval("true") == Value(true));
  CHECK(Eval("false") == Value(false));
  CHECK(Eval("null").is_null());
  CHECK(Eval("'single'") == Value("single"));
  CHECK(Eval("\"double\"") == Value("double"));
  CHECK(Eval(R"('a\\b\'c\"d\ne\tf\rg')") == Value("a\\b'c\"d\ne\tf\rg"));
  CHECK(Eval(R"("it's")") == Value("it's"));
  CHECK(Eval("'caf\xC3\xA9'") == Value("caf\xC3\xA9"));
  CHECK(Eval("[]") == Value(Value::List{}));
  CHECK(Eval("[1, 'a', [true], null,]") ==
        Value(Value::List{1, "a", Value::List{true}, Value()}));
  CHECK(Eval("  1 // a comment\n") == Value(1));
}

TEST_CASE("precedence and associativity", "[cel]") {
  CHECK(Eval("1 + 2 * 3") == Value(7));
  CHECK(Eval("(1 + 2) * 3") == Value(9));
  CHECK(Eval("10 - 3 - 2") == Value(5));
  CHECK(Eval("7 / 2 * 2") == Value(6));
  CHECK(Eval("1 + 1 == 2") == Value(true));
  CHECK(Eval("true || false && false") == Value(true));
  CHECK(Eval("(true || false) && false") == Value(false));
  CHECK(Eval("!true || true") == Value(true));
  CHECK(Eval("!(true || true)") == Value(false));
  CHECK(Eval("1 == 1 && 2 == 3") == Value(false));
  CHECK(Eval("false ? 1 : true ? 2 : 3") == Value(2));  // right-associative
  CHECK(Eval("true ? 1 : 2 + 10") == Value(1));
  CHECK(Eval("false || true ? 'y' : 'n'") == Value("y"));
  CHECK(Eval("-object.n + 1", {{"object", Value::Map{{"n", 5}}}}) == Value(-4));
  CHECK(Eval("'a' in ['a'] == true") == Value(true));
  CHECK(Eval("- -3") == Value(3));
  CHECK(Eval("!!true") == Value(true));
  CHECK(Eval("[1, 2][1] + 1") == Value(3));
}

TEST_CASE("arithmetic and concatenation", "[cel]") {
  CHECK(Eval("2 + 3") == Value(5));
  CHECK(Eval("2 - 3") == Value(-1));
  CHECK(Eval("-7 % 3") == Value(-1));
  CHECK(Eval("-7 / 2") == Value(-3));
  CHECK(Eval("'ab' + 'cd'") == Value("abcd"));
  CHECK(Eval("[1] + [2, 3]") == Value(Value::List{1, 2, 3}));
  CHECK(Error("9223372036854775807 + 1") == "integer overflow");
  CHECK(Error("-9223372036854775808 - 1") == "integer overflow");
  CHECK(Error("-(-9223372036854775808)") == "integer overflow");
  CHECK(Error("-9223372036854775808 / -1") == "integer overflow");
  CHECK(Error("4611686018427387904 * 2") == "integer overflow");
  CHECK(Error("1 / 0") == "division by zero");
  CHECK(Error("1 % 0") == "modulus by zero");
  CHECK(Error("'a' + 1") == "no matching overload for `+` on string and int");
  CHECK(Error("true + true") == "no matching overload for `+` on bool and bool");
  CHECK(Error("'a' - 'b'") == "no matching overload for `-` on string and string");
  CHECK(Error("-'a'") == "no matching overload for `-` on string");
}

TEST_CASE("equality is structural; relations order ints, strings and bools", "[cel]") {
  CHECK(Eval("1 == 1") == Value(true));
  CHECK(Eval("1 != 1") == Value(false));
  CHECK(Eval("'a' == 'b'") == Value(false));
  CHECK(Eval("'a' != 'b'") == Value(true));
  CHECK(Eval("1 == '1'") == Value(false));
  CHECK(Eval("1 != '1'") == Value(true));
  CHECK(Eval("null == null") == Value(true));
  CHECK(Eval("oldObject == null", {{"oldObject", Value()}}) == Value(true));
  CHECK(Eval("[1, [2]] == [1, [2]]") == Value(true));
  CHECK(Eval("[1, 2] == [2, 1]") == Value(false));
  CHECK(Eval("object == object", {{"object", Value::Map{{"a", 1}}}}) == Value(true));
  CHECK(Eval("1 < 2") == Value(true));
  CHECK(Eval("2 <= 2") == Value(true));
  CHECK(Eval("2 > 2") == Value(false));
  CHECK(Eval("2 >= 3") == Value(false));
  CHECK(Eval("'abc' < 'abd'") == Value(true));
  CHECK(Eval("'b' > 'abc'") == Value(true));
  CHECK(Eval("false < true") == Value(true));
  CHECK(Error("1 < 'a'") == "no matching overload for `<` on int and string");
  CHECK(Error("[1] < [2]") == "no matching overload for `<` on list and list");
}

TEST_CASE("`in` tests list membership and map keys", "[cel]") {
  Value::Map b{{"object", Value::Map{{"labels", Value::Map{{"team", "payments"}}}}}};
  CHECK(Eval("'a' in ['b', 'a']") == Value(true));
  CHECK(Eval("'c' in ['b', 'a']") == Value(false));
  CHECK(Eval("1 in ['1']") == Value(false));
  CHECK(Eval("[1] in [[1]]") == Value(true));
  CHECK(Eval("'x' in []") == Value(false));
  CHECK(Eval("'team' in object.labels", b) == Value(true));
  CHECK(Eval("'payments' in object.labels", b) == Value(false));
  CHECK(Eval("1 in object.labels", b) == Value(false));
  CHECK(Error("'a' in 'abc'") == "no matching overload for `in` on string and string");
}

TEST_CASE("`!` needs a bool", "[cel]") {
  CHECK(Eval("!false") == Value(true));
  CHECK(Error("!1") == "no matching overload for `!` on int");
  CHECK(Error("!null") == "no matching overload for `!` on null");
  CHECK(Error("!x") == "undeclared reference to `x`");
}

TEST_CASE("&& and || absorb errors in either order", "[cel]") {
  Value::Map b{{"object", Value::Map{}}};
  const std::string err = "object.missing";
  CHECK(Error(err, b) == "no such key: missing");
  CHECK(Eval("false && " + err, b) == Value(false));
  CHECK(Eval(err + " && false", b) == Value(false));
  CHECK(Eval("true || " + err, b) == Value(true));
  CHECK(Eval(err + " || true", b) == Value(true));
  CHECK(Error("true && " + err, b) == "no such key: missing");
  CHECK(Error(err + " && true", b) == "no such key: missing");
  CHECK(Error("false || " + err, b) == "no such key: missing");
  CHECK(Error(err + " || false", b) == "no such key: missing");
  // With two errors, the left one is reported.
  CHECK(Error("object.a && object.b", b) == "no such key: a");
  // A non-bool operand is an error, absorbed the same way.
  CHECK(Eval("1 && false") == Value(false));
  CHECK(Eval("'s' || true") == Value(true));
  CHECK(Error("1 && true") == "no matching overload for `&&` on int");
  CHECK(Error("false || 'x'") == "no matching overload for `||` on string");
  CHECK(Eval("true && true") == Value(true));
  CHECK(Eval("false || false") == Value(false));
}

TEST_CASE("field selection and indexing", "[cel]") {
  Value::Map b{{"object", Value::Map{{"spec", Value::Map{{"name", "x"}}},
                                     {"items", Value::List{"a", "b"}}}},
               {"oldObject", Value()}};
  CHECK(Eval("object.spec.name", b) == Value("x"));
  CHECK(Eval("object['spec']['name']", b) == Value("x"));
  CHECK(Eval("object.items[1]", b) == Value("b"));
  CHECK(Error("object.spec.nope", b) == "no such key: nope");
  CHECK(Error("object['nope']", b) == "no such key: nope");
  CHECK(Error("oldObject.spec", b) == "cannot select field `spec` from null");
  CHECK(Error("object.spec.name.first", b) == "cannot select field `first` from string");
  CHECK(Error("object.items[2]", b) == "index out of range: 2");
  CHECK(Error("object.items[-1]", b) == "index out of range: -1");
  CHECK(Error("object.items['0']", b) == "no matching overload for `[]` on list and string");
  CHECK(Error("object[0]", b) == "no matching overload for `[]` on map and int");
  CHECK(Error("request", b) == "undeclared reference to `request`");
}

TEST_CASE("has() on present, absent, nested and null fields", "[cel]") {
  Value::Map b{{"object", Value::Map{{"spec", Value::Map{{"ref", Value::Map{{"name", "p"}}},
                                                         {"empty", Value()}}}}},
               {"oldObject", Value()}};
  CHECK(Eval("has(object.spec)", b) == Value(true));
  CHECK(Eval("has(object.status)", b) == Value(false));
  CHECK(Eval("has(object.spec.ref.name)", b) == Value(true));
  CHECK(Eval("has(object.spec.ref.kind)", b) == Value(false));
  CHECK(Eval("has(object.spec.empty)", b) == Value(true));  // present, value null
  CHECK(Error("has(object.status.x)", b) == "no such key: status");
  CHECK(Error("has(oldObject.spec)", b) == "`has` cannot test field `spec` on null");
  CHECK(Error("has(object.spec.empty.x)", b) == "`has` cannot test field `x` on null");
  CHECK(Error("has(object.spec.ref.name.x)", b) == "`has` cannot test field `x` on string");
  CHECK(Eval("has(object.status) && has(object.status.x)", b) == Value(false));
  CHECK(Eval("has(object['spec'].ref)", b) == Value(true));
}

TEST_CASE("?: evaluates only the chosen branch", "[cel]") {
  Value::Map b{{"object", Value::Map{}}};
  CHECK(Eval("true ? 'yes' : object.missing", b) == Value("yes"));
  CHECK(Eval("false ? object.missing : 'no'", b) == Value("no"));
  CHECK(Error("true ? object.missing : 'no'", b) == "no such key: missing");
  CHECK(Error("object.missing ? 1 : 2", b) == "no such key: missing");
  CHECK(Error("1 ? 1 : 2") == "no matching overload for `?:` on int");
  CHECK(Error("null ? 1 : 2") == "no matching overload for `?:` on null");
}

TEST_CASE("exists and all bind a variable per element", "[cel]") {
  Value::Map b{{"variables", Value::Map{{"groups", Value::List{"devs", "payments-devs"}},
                                        {"mixed", Value::List{1, "a"}},
                                        {"labels", Value::Map{{"team", "x"}}}}}};
  CHECK(Eval("variables.groups.exists(g, g in ['payments-devs'])", b) == Value(true));
  CHECK(Eval("variables.groups.exists(g, g == 'ops')", b) == Value(false));
  CHECK(Eval("variables.groups.all(g, g.endsWith('devs'))", b) == Value(true));
  CHECK(Eval("variables.groups.all(g, g == 'devs')", b) == Value(false));
  CHECK(Eval("[].exists(x, x)") == Value(false));
  CHECK(Eval("[].all(x, x)") == Value(true));
  // An element's error is absorbed when another element decides.
  CHECK(Eval("variables.mixed.exists(x, x.startsWith('a'))", b) == Value(true));
  CHECK(Eval("variables.mixed.all(x, x.size() == 5)", b) == Value(false));
  CHECK(Error("variables.mixed.exists(x, x.startsWith('z'))", b) ==
        "no matching overload for `startsWith` on int and string");
  CHECK(Error("[1].exists(x, x)") == "no matching overload for `exists` on int");
  CHECK(Error("'ab'.exists(x, true)") == "no matching overload for `exists` on string");
  CHECK(Error("null.all(x, true)") == "no matching overload for `all` on null");
  // Maps range over their keys; inner variables shadow outer ones.
  CHECK(Eval("variables.labels.exists(k, k == 'team')", b) == Value(true));
  CHECK(Eval("[[1, 2], [3]].exists(x, x.exists(x, x == 3))") == Value(true));
  CHECK(Eval("[1, 2].all(x, [3].all(y, x < y))") == Value(true));
  // The variable goes out of scope after the macro.
  CHECK(Error("[1].exists(x, true) && x == 1") == "undeclared reference to `x`");
}

TEST_CASE("size and string functions", "[cel]") {
  CHECK(Eval("size('abc')") == Value(3));
  CHECK(Eval("'caf\xC3\xA9'.size()") == Value(4));  // code points, not bytes
  CHECK(Eval("size([1, 2])") == Value(2));
  CHECK(Eval("[].size()") == Value(0));
  CHECK(Eval("size(object)", {{"object", Value::Map{{"a", 1}}}}) == Value(1));
  CHECK(Error("size(1)") == "no matching overload for `size` on int");
  CHECK(Eval("'tekton.dev/v1'.startsWith('tekton.dev/')") == Value(true));
  CHECK(Eval("'abc'.startsWith('b')") == Value(false));
  CHECK(Eval("'abc'.endsWith('bc')") == Value(true));
  CHECK(Eval("'abc'.contains('b')") == Value(true));
  CHECK(Eval("'abc'.contains('')") == Value(true));
  CHECK(Eval("'abc'.contains('x')") == Value(false));
  CHECK(Error("'abc'.contains(1)") == "no matching overload for `contains` on string and int");
}

TEST_CASE("parse errors", "[cel]") {
  CHECK(Error("'abc") == "parse error at column 1: unterminated string literal");
  CHECK(Error("\"abc'") == "parse error at column 1: unterminated string literal");
  CHECK(Error("'a\nb'") == "parse error at column 1: unterminated string literal");
  CHECK(Error("'abc\\") == "parse error at column 1: unterminated string literal");
  CHECK(Error("'\\q'") == "parse error at column 2: invalid escape sequence `\\q`");
  CHECK(Error("1 +") == "parse error at column 4: expected an expression, found end of input");
  CHECK(Error("&& true") == "parse error at column 1: expected an expression, found `&&`");
  CHECK(Error("a ==") == "parse error at column 5: expected an expression, found end of input");
  CHECK(Error("") == "parse error at column 1: expected an expression, found end of input");
  CHECK(Error("(1") == "parse error at column 3: expected `)`, found end of input");
  CHECK(Error("1)") == "parse error at column 2: unexpected `)`");
  CHECK(Error("[1 2]") == "parse error at column 4: expected `,` or `]`, found integer literal");
  CHECK(Error("a ? b") == "parse error at column 6: expected `:`, found end of input");
  CHECK(Error("a = b") == "parse error at column 3: unexpected `=`; use `==` to compare");
  CHECK(Error("a & b") == "parse error at column 3: unexpected character `&`");
  CHECK(Error("1.5") == "parse error at column 1: only decimal integer literals are supported");
  CHECK(Error("0x10") == "parse error at column 1: only decimal integer literals are supported");
  CHECK(Error("9223372036854775808") == "parse error at column 1: integer literal out of range");
  CHECK(Error("99999999999999999999") == "parse error at column 1: integer literal out of range");
  CHECK(Error("{'a': 1}") == "parse error at column 1: map literals are not supported");
  CHECK(Error("1 }") == "parse error at column 3: unexpected `}`");
  CHECK(Error("a.") == "parse error at column 3: expected a field name, found end of input");
  CHECK(Error("has(a)") == "parse error at column 1: `has` takes a field selection such as `a.b`");
  CHECK(Error("a.exists('x', true)") ==
        "parse error at column 3: `exists` takes a variable name and a predicate");
  CHECK(Error("a.map(x, x)") == "parse error at column 3: unknown function `map`");
  CHECK(Error("matches('a')") == "parse error at column 1: unknown function `matches`");
  CHECK(Error("'a'.size(1)") == "parse error at column 5: `size` takes 0 argument(s)");
  CHECK(Error("é") == "parse error at column 1: unexpected character outside a string literal");
  // A parse error wins even where evaluation would short-circuit.
  CHECK(Error("true || (") ==
        "parse error at column 10: expected an expression, found end of input");
}

TEST_CASE("nesting is bounded", "[cel]") {
  CHECK(Eval(std::string(150, '(') + "1" + std::string(150, ')')) == Value(1));
  CHECK(Error(std::string(10000, '(') + "1" + std::string(10000, ')')) ==
        "parse error at column 201: expression is nested too deeply");
  CHECK(Error(std::string(10000, '[') + std::string(10000, ']')).find("nested too deeply") !=
        std::string::npos);
  CHECK(Error(std::string(10000, '!') + "true").find("nested too deeply") != std::string::npos);
  CHECK(Error(std::string(10000, '-') + "1").find("nested too deeply") != std::string::npos);
  std::string sum = "1";
  for (int i = 0; i < 5000; ++i) sum += " + 1";
  CHECK(Error(sum).find("nested too deeply") != std::string::npos);
  std::string chain = "object";
  for (int i = 0; i < 5000; ++i) chain += ".a";
  CHECK(Error(chain).find("nested too deeply") != std::string::npos);
  std::string ternary = "1";
  for (int i = 0; i < 5000; ++i) ternary = "true ? 1 : " + ternary;
  CHECK(Error(ternary).find("nested too deeply") != std::string::npos);
  std::string sum100 = "1";
  for (int i = 0; i < 99; ++i) sum100 += " + 1";
  CHECK(Eval(sum100) == Value(100));
}

TEST_CASE("no input crashes the parser or the evaluator", "[cel]") {
  // Every prefix of a realistic expression is either a value or an error.
  const std::string expr =
      "has(object.spec.a) && object.spec.a.exists(x, x in ['y', \"z\\n\"]) ? "
      "-size(object.spec.a) + [1][0] : !(request.op != 'U') || 'a'.startsWith('b')";
  Value::Map b{{"object", Value::Map{{"spec", Value::Map{{"a", Value::List{"y"}}}}}},
               {"request", Value::Map{{"op", "U"}}}};
  CHECK(Eval(expr, b) == Value(0));
  for (size_t n = 0; n < expr.size(); ++n) {
    CelResult r = EvaluateCel(expr.substr(0, n), b);
    CHECK(r.ok() != !r.error.empty());
  }
}

TEST_CASE("stave's pipelineRef expression", "[cel][generated]") {
  const std::string expr =
      "has(object.spec.pipelineRef) && has(object.spec.pipelineRef.name) ? "
      "object.spec.pipelineRef.name : ''";
  Value::Map b = PipelineRunBindings();
  CHECK(Eval(expr, b) == Value("build-and-deploy"));
  std::get<Value::Map>(std::get<Value::Map>(b["object"].v)["spec"].v).erase("pipelineRef");
  CHECK(Eval(expr, b) == Value(""));
  std::get<Value::Map>(std::get<Value::Map>(b["object"].v)["spec"].v)["pipelineRef"] =
      Value::Map{{"resolver", "git"}};
  CHECK(Eval(expr, b) == Value(""));
}

TEST_CASE("stave's service account expression", "[cel][generated]") {
  const std::string expr =
      "object.apiVersion == 'tekton.dev/v1beta1' ? (has(object.spec.serviceAccountName) ? "
      "object.spec.serviceAccountName : 'default') : (has(object.spec.taskRunTemplate) && "
      "has(object.spec.taskRunTemplate.serviceAccountName) ? "
      "object.spec.taskRunTemplate.serviceAccountName : 'default')";
  Value::Map b = PipelineRunBindings();
  CHECK(Eval(expr, b) == Value("builder"));
  Value::Map& object = std::get<Value::Map>(b["object"].v);
  Value::Map& spec = std::get<Value::Map>(object["spec"].v);
  spec.erase("serviceAccountName");
  CHECK(Eval(expr, b) == Value("default"));
  object["apiVersion"] = "tekton.dev/v1";
  CHECK(Eval(expr, b) == Value("default"));
  spec["taskRunTemplate"] = Value::Map{{"podTemplate", Value::Map{}}};
  CHECK(Eval(expr, b) == Value("default"));
  spec["taskRunTemplate"] = Value::Map{{"serviceAccountName", "runner"}};
  CHECK(Eval(expr, b) == Value("runner"));
}

TEST_CASE("stave's unchanged-pipeline expression on CREATE and UPDATE", "[cel][generated]") {
  const std::string expr =
      "request.operation == 'UPDATE' && (has(oldObject.spec.pipelineRef) ? "
      "oldObject.spec.pipelineRef.name : '') == variables.pipeline";
  Value::Map b = PipelineRunBindings();
  b["variables"] = Value::Map{{"pipeline", "build-and-deploy"}};
  // On CREATE oldObject is null: the right side errors, `false &&` absorbs it.
  CHECK(Eval(expr, b) == Value(false));
  b["request"] = Value::Map{{"operation", "UPDATE"}};
  b["oldObject"] = b["object"];
  CHECK(Eval(expr, b) == Value(true));
  b["variables"] = Value::Map{{"pipeline", "other"}};
  CHECK(Eval(expr, b) == Value(false));
  b["oldObject"] = Value();
  CHECK(Error(expr, b) == "cannot select field `spec` from null");
}

TEST_CASE("stave's authorization expression", "[cel][generated]") {
  const std::string expr =
      "variables.unchanged || variables.pipeline != 'build-and-deploy' || "
      "variables.user in ['alice@example.com'] || "
      "variables.groups.exists(g, g in ['payments-devs'])";
  auto with = [](bool unchanged, const char* pipeline, const char* user, Value::List groups) {
    return Value::Map{{"variables", Value::Map{{"unchanged", unchanged},
                                               {"pipeline", pipeline},
                                               {"user", user},
                                               {"groups", std::move(groups)}}}};
  };
  CHECK(Eval(expr, with(true, "build-and-deploy", "bob", {})) == Value(true));
  CHECK(Eval(expr, with(false, "lint", "bob", {})) == Value(true));
  CHECK(Eval(expr, with(false, "build-and-deploy", "alice@example.com", {})) == Value(true));
  CHECK(Eval(expr, with(false, "build-and-deploy", "bob", {"ops", "payments-devs"})) ==
        Value(true));
  CHECK(Eval(expr, with(false, "build-and-deploy", "bob", {"ops"})) == Value(false));
}

TEST_CASE("stave's message expression concatenates strings", "[cel][generated]") {
  const std::string expr =
      "'stave: ' + variables.user + ' may not run Pipeline x: ' + "
      "'only the subjects of `allow devs to run release` may'";
  Value::Map b{{"variables", Value::Map{{"user", "bob"}}}};
  CHECK(Eval(expr, b) ==
        Value("stave: bob may not run Pipeline x: only the subjects of `allow devs to run "
              "release` may"));
  CHECK(Error(expr, {{"variables", Value::Map{{"user", 7}}}}) ==
        "no matching overload for `+` on string and int");
}

}  // namespace
}  // namespace stave::eval
