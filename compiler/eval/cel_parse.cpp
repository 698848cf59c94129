// The tokenizer and recursive-descent parser for stave's CEL subset. The
// grammar follows the CEL spec's precedence: `?:`, `||`, `&&`, relations,
// `+ -`, `* / %`, unary `! -`, then member, call and index postfixes.
#include <algorithm>
#include <cstdint>
#include <limits>
#include <optional>
#include <utility>

#include "compiler/eval/cel_ast.h"

namespace stave::eval::cel_internal {
namespace {

enum class Tok {
  kEnd, kInt, kString, kIdent, kTrue, kFalse, kNull, kIn,
  kLParen, kRParen, kLBracket, kRBracket, kLBrace, kRBrace, kDot, kComma,
  kQuestion, kColon, kNot, kEq, kNe, kLt, kLe, kGt, kGe, kAnd, kOr,
  kPlus, kMinus, kStar, kSlash, kPercent,
};

struct Token {
  Tok kind = Tok::kEnd;
  size_t offset = 0;
  std::string text;     // an identifier's name or a string literal's value
  uint64_t number = 0;  // an integer literal's value
};

std::string At(size_t offset, const std::string& message) {
  return "parse error at column " + std::to_string(offset + 1) + ": " + message;
}

bool IsIdentStart(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
}
bool IsDigit(char c) { return c >= '0' && c <= '9'; }
bool IsIdentChar(char c) { return IsIdentStart(c) || IsDigit(c); }

class Lexer {
 public:
  explicit Lexer(std::string_view src) : src_(src) {}

  // All tokens, ending with kEnd; or nullopt with `error` set.
  std::optional<std::vector<Token>> Run(std::string* error) {
    std::vector<Token> out;
    while (true) {
      SkipSpaceAndComments();
      Token t;
      t.offset = pos_;
      if (pos_ >= src_.size()) {
        out.push_back(t);
        return out;
      }
      if (!Next(t)) {
        *error = error_;
        return std::nullopt;
      }
      out.push_back(std::move(t));
    }
  }

 private:
  void SkipSpaceAndComments() {
    while (pos_ < src_.size()) {
      char c = src_[pos_];
      if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f') {
        ++pos_;
      } else if (src_.substr(pos_, 2) == "//") {
        while (pos_ < src_.size() && src_[pos_] != '\n') ++pos_;
      } else {
        return;
      }
    }
  }

  bool Fail(size_t offset, const std::string& message) {
    error_ = At(offset, message);
    return false;
  }

  bool Next(Token& t) {
    char c = src_[pos_];
    if (IsDigit(c)) return Number(t);
    if (c == '\'' || c == '"') return String(t);
    if (IsIdentStart(c)) return Word(t);
    return Punctuation(t);
  }

  bool Number(Token& t) {
    uint64_t value = 0;
    constexpr uint64_t kMax = std::numeric_limits<uint64_t>::max();
    while (pos_ < src_.size() && IsDigit(src_[pos_])) {
      uint64_t digit = static_cast<uint64_t>(src_[pos_] - '0');
      if (value > (kMax - digit) / 10) return Fail(t.offset, "integer literal out of range");
      value = value * 10 + digit;
      ++pos_;
    }
    if (pos_ < src_.size() && (IsIdentChar(src_[pos_]) || src_[pos_] == '.') &&
        !(src_[pos_] == '.' && pos_ + 1 < src_.size() && IsIdentStart(src_[pos_ + 1]))) {
      return Fail(t.offset, "only decimal integer literals are supported");
    }
    t.kind = Tok::kInt;
    t.number = value;
    return true;
  }

  bool String(Token& t) {
    char quote = src_[pos_++];
    while (true) {
      if (pos_ >= src_.size() || src_[pos_] == '\n' || src_[pos_] == '\r') {
        return Fail(t.offset, "unterminated string literal");
      }
      char c = src_[pos_++];
      if (c == quote) break;
      if (c != '\\') {
        t.text += c;
        continue;
      }
      if (pos_ >= src_.size()) return Fail(t.offset, "unterminated string literal");
      char e = src_[pos_++];
      switch (e) {
        case '\\': case '\'': case '"': case '`': case '?': t.text += e; break;
        case 'n': t.text += '\n'; break;
        case 't': t.text += '\t'; break;
        case 'r': t.text += '\r'; break;
        default: return Fail(pos_ - 2, std::string("invalid escape sequence `\\") + e + "`");
      }
    }
    t.kind = Tok::kString;
    return true;
  }

  bool Word(Token& t) {
    size_t begin = pos_;
    while (pos_ < src_.size() && IsIdentChar(src_[pos_])) ++pos_;
    t.text = std::string(src_.substr(begin, pos_ - begin));
    if (t.text == "true") t.kind = Tok::kTrue;
    else if (t.text == "false") t.kind = Tok::kFalse;
    else if (t.text == "null") t.kind = Tok::kNull;
    else if (t.text == "in") t.kind = Tok::kIn;
    else t.kind = Tok::kIdent;
    return true;
  }

  bool Punctuation(Token& t) {
    static const std::pair<std::string_view, Tok> kTable[] = {
        {"==", Tok::kEq}, {"!=", Tok::kNe}, {"<=", Tok::kLe}, {">=", Tok::kGe},
        {"&&", Tok::kAnd}, {"||", Tok::kOr}, {"(", Tok::kLParen}, {")", Tok::kRParen},
        {"[", Tok::kLBracket}, {"]", Tok::kRBracket}, {"{", Tok::kLBrace}, {"}", Tok::kRBrace},
        {".", Tok::kDot},
        {",", Tok::kComma}, {"?", Tok::kQuestion}, {":", Tok::kColon}, {"!", Tok::kNot},
        {"<", Tok::kLt}, {">", Tok::kGt}, {"+", Tok::kPlus}, {"-", Tok::kMinus},
        {"*", Tok::kStar}, {"/", Tok::kSlash}, {"%", Tok::kPercent},
    };
    for (const auto& [text, kind] : kTable) {
      if (src_.substr(pos_, text.size()) == text) {
        t.kind = kind;
        pos_ += text.size();
        return true;
      }
    }
    char c = src_[pos_];
    if (c == '=') return Fail(pos_, "unexpected `=`; use `==` to compare");
    if (static_cast<unsigned char>(c) < 0x20 || static_cast<unsigned char>(c) >= 0x7f) {
      return Fail(pos_, "unexpected character outside a string literal");
    }
    return Fail(pos_, std::string("unexpected character `") + c + "`");
  }

  std::string_view src_;
  size_t pos_ = 0;
  std::string error_;
};

std::string Describe(const Token& t) {
  switch (t.kind) {
    case Tok::kEnd: return "end of input";
    case Tok::kInt: return "integer literal";
    case Tok::kString: return "string literal";
    case Tok::kIdent: return "`" + t.text + "`";
    case Tok::kTrue: return "`true`";
    case Tok::kFalse: return "`false`";
    case Tok::kNull: return "`null`";
    case Tok::kIn: return "`in`";
    default: break;
  }
  static const char* const kPunct[] = {"(", ")", "[", "]", "{", "}", ".", ",", "?", ":", "!", "==",
                                       "!=", "<", "<=", ">", ">=", "&&", "||", "+", "-", "*",
                                       "/", "%"};
  return "`" + std::string(kPunct[static_cast<int>(t.kind) - static_cast<int>(Tok::kLParen)]) +
         "`";
}

class Parser {
 public:
  explicit Parser(std::vector<Token> tokens) : tokens_(std::move(tokens)) {}

  ParseResult Run() {
    ExprPtr e = ParseExpr();
    if (e && Peek().kind != Tok::kEnd) e = Fail("unexpected " + Describe(Peek()));
    if (!error_.empty()) return {nullptr, error_};
    return {std::move(e), ""};
  }

 private:
  const Token& Peek(size_t ahead = 0) const {
    return tokens_[std::min(pos_ + ahead, tokens_.size() - 1)];
  }
  bool Accept(Tok kind) {
    if (Peek().kind != kind) return false;
    ++pos_;
    return true;
  }
  ExprPtr Fail(const std::string& message) { return FailAt(Peek().offset, message); }
  ExprPtr FailAt(size_t offset, const std::string& message) {
    if (error_.empty()) error_ = At(offset, message);
    return nullptr;
  }
  bool Expect(Tok kind, const char* what) {
    if (Accept(kind)) return true;
    Fail(std::string("expected ") + what + ", found " + Describe(Peek()));
    return false;
  }

  // Every node is built here, so that no tree grows deeper than kMaxDepth.
  ExprPtr Make(ExprKind kind, std::vector<ExprPtr> operands) {
    auto e = std::make_unique<Expr>();
    e->kind = kind;
    for (const ExprPtr& o : operands) e->depth = std::max(e->depth, o->depth + 1);
    e->operands = std::move(operands);
    if (e->depth > kMaxDepth) return Fail("expression is nested too deeply");
    return e;
  }
  ExprPtr Make(ExprKind kind, ExprPtr a, ExprPtr b = nullptr, ExprPtr c = nullptr) {
    std::vector<ExprPtr> operands;
    for (ExprPtr* p : {&a, &b, &c}) {
      if (*p) operands.push_back(std::move(*p));
    }
    return Make(kind, std::move(operands));
  }
  ExprPtr Literal(Value v) {
    auto e = std::make_unique<Expr>();
    e->literal = std::move(v);
    return e;
  }

  ExprPtr ParseExpr() {
    if (nesting_ >= kMaxDepth) return Fail("expression is nested too deeply");
    ++nesting_;
    ExprPtr e = ParseConditional();
    --nesting_;
    return e;
  }

  ExprPtr ParseConditional() {
    ExprPtr cond = ParseLogical(Tok::kOr);
    if (!cond || !Accept(Tok::kQuestion)) return cond;
    ExprPtr then = ParseLogical(Tok::kOr);
    if (!then || !Expect(Tok::kColon, "`:`")) return nullptr;
    ExprPtr otherwise = ParseExpr();  // right-associative
    if (!otherwise) return nullptr;
    return Make(ExprKind::kCond, std::move(cond), std::move(then), std::move(otherwise));
  }

  // `||` over `&&` chains, or `&&` over relations; both left-associative.
  ExprPtr ParseLogical(Tok op) {
    bool is_or = op == Tok::kOr;
    ExprPtr lhs = is_or ? ParseLogical(Tok::kAnd) : ParseRelation();
    while (lhs && Accept(op)) {
      ExprPtr rhs = is_or ? ParseLogical(Tok::kAnd) : ParseRelation();
      if (!rhs) return nullptr;
      lhs = Make(is_or ? ExprKind::kOr : ExprKind::kAnd, std::move(lhs), std::move(rhs));
    }
    return lhs;
  }

  static std::optional<BinaryOp> RelationOp(Tok t) {
    switch (t) {
      case Tok::kEq: return BinaryOp::kEq;
      case Tok::kNe: return BinaryOp::kNe;
      case Tok::kLt: return BinaryOp::kLt;
      case Tok::kLe: return BinaryOp::kLe;
      case Tok::kGt: return BinaryOp::kGt;
      case Tok::kGe: return BinaryOp::kGe;
      case Tok::kIn: return BinaryOp::kIn;
      default: return std::nullopt;
    }
  }
  static std::optional<BinaryOp> AdditionOp(Tok t) {
    if (t == Tok::kPlus) return BinaryOp::kAdd;
    if (t == Tok::kMinus) return BinaryOp::kSub;
    return std::nullopt;
  }
  static std::optional<BinaryOp> MultiplicationOp(Tok t) {
    if (t == Tok::kStar) return BinaryOp::kMul;
    if (t == Tok::kSlash) return BinaryOp::kDiv;
    if (t == Tok::kPercent) return BinaryOp::kMod;
    return std::nullopt;
  }

  ExprPtr Binary(BinaryOp op, ExprPtr lhs, ExprPtr rhs) {
    ExprPtr e = Make(ExprKind::kBinary, std::move(lhs), std::move(rhs));
    if (e) e->op = op;
    return e;
  }

  ExprPtr ParseRelation() {
    ExprPtr lhs = ParseAddition();
    while (lhs) {
      std::optional<BinaryOp> op = RelationOp(Peek().kind);
      if (!op) break;
      ++pos_;
      ExprPtr rhs = ParseAddition();
      if (!rhs) return nullptr;
      lhs = Binary(*op, std::move(lhs), std::move(rhs));
    }
    return lhs;
  }

  ExprPtr ParseAddition() {
    ExprPtr lhs = ParseMultiplication();
    while (lhs) {
      std::optional<BinaryOp> op = AdditionOp(Peek().kind);
      if (!op) break;
      ++pos_;
      ExprPtr rhs = ParseMultiplication();
      if (!rhs) return nullptr;
      lhs = Binary(*op, std::move(lhs), std::move(rhs));
    }
    return lhs;
  }

  ExprPtr ParseMultiplication() {
    ExprPtr lhs = ParseUnary();
    while (lhs) {
      std::optional<BinaryOp> op = MultiplicationOp(Peek().kind);
      if (!op) break;
      ++pos_;
      ExprPtr rhs = ParseUnary();
      if (!rhs) return nullptr;
      lhs = Binary(*op, std::move(lhs), std::move(rhs));
    }
    return lhs;
  }

  // Prefix operators apply to a whole member chain: `-a.b` is `-(a.b)`. A
  // `-` directly before an integer literal is folded into it, so that
  // -9223372036854775808 can be written.
  ExprPtr ParseUnary() {
    std::vector<Tok> prefixes;
    while (Peek().kind == Tok::kNot || Peek().kind == Tok::kMinus) {
      prefixes.push_back(Peek().kind);
      ++pos_;
    }
    ExprPtr e;
    if (!prefixes.empty() && prefixes.back() == Tok::kMinus && Peek().kind == Tok::kInt &&
        Peek(1).kind != Tok::kDot && Peek(1).kind != Tok::kLBracket) {
      uint64_t n = Peek().number;
      if (n > uint64_t{1} << 63) return Fail("integer literal out of range");
      ++pos_;
      prefixes.pop_back();
      e = Literal(Value(static_cast<int64_t>(0 - n)));
    } else {
      e = ParseMember();
    }
    while (e && !prefixes.empty()) {
      e = Make(prefixes.back() == Tok::kNot ? ExprKind::kNot : ExprKind::kNeg, std::move(e));
      prefixes.pop_back();
    }
    return e;
  }

  ExprPtr ParseMember() {
    ExprPtr e = ParsePrimary();
    while (e) {
      if (Accept(Tok::kDot)) {
        if (Peek().kind != Tok::kIdent) {
          return Fail("expected a field name, found " + Describe(Peek()));
        }
        Token name = Peek();
        ++pos_;
        if (Peek().kind == Tok::kLParen) {
          e = ParseMethod(std::move(e), name);
        } else {
          e = Make(ExprKind::kSelect, std::move(e));
          if (e) e->name = name.text;
        }
      } else if (Accept(Tok::kLBracket)) {
        ExprPtr index = ParseExpr();
        if (!index || !Expect(Tok::kRBracket, "`]`")) return nullptr;
        e = Make(ExprKind::kIndex, std::move(e), std::move(index));
      } else {
        break;
      }
    }
    return e;
  }

  // The `(`...`)` of a call, or of a list literal when `close` is `]`; a
  // trailing comma is allowed as in CEL.
  std::optional<std::vector<ExprPtr>> ParseArgs(Tok close, const char* close_text) {
    std::vector<ExprPtr> args;
    ++pos_;  // the opening bracket
    while (!Accept(close)) {
      ExprPtr arg = ParseExpr();
      if (!arg) return std::nullopt;
      args.push_back(std::move(arg));
      if (Accept(Tok::kComma)) continue;
      if (!Expect(close, close_text)) return std::nullopt;
      break;
    }
    return args;
  }

  ExprPtr Call(Function f, std::vector<ExprPtr> operands) {
    ExprPtr e = Make(ExprKind::kCall, std::move(operands));
    if (e) e->function = f;
    return e;
  }

  ExprPtr ParseMethod(ExprPtr receiver, const Token& name) {
    auto args = ParseArgs(Tok::kRParen, "`,` or `)`");
    if (!args) return nullptr;
    const std::string& n = name.text;
    if (n == "exists" || n == "all") {
      if (args->size() != 2 || (*args)[0]->kind != ExprKind::kIdent) {
        return FailAt(name.offset, "`" + n + "` takes a variable name and a predicate");
      }
      ExprPtr e = Make(n == "all" ? ExprKind::kAll : ExprKind::kExists, std::move(receiver),
                       std::move((*args)[1]));
      if (e) e->name = (*args)[0]->name;
      return e;
    }
    std::optional<Function> f;
    if (n == "size") f = Function::kSize;
    if (n == "startsWith") f = Function::kStartsWith;
    if (n == "endsWith") f = Function::kEndsWith;
    if (n == "contains") f = Function::kContains;
    if (!f) return FailAt(name.offset, "unknown function `" + n + "`");
    size_t arity = *f == Function::kSize ? 0 : 1;
    if (args->size() != arity) {
      return FailAt(name.offset, "`" + n + "` takes " + std::to_string(arity) + " argument(s)");
    }
    args->insert(args->begin(), std::move(receiver));
    return Call(*f, std::move(*args));
  }

  ExprPtr ParseGlobalCall(const Token& name) {
    auto args = ParseArgs(Tok::kRParen, "`,` or `)`");
    if (!args) return nullptr;
    if (name.text == "has") {
      if (args->size() != 1 || (*args)[0]->kind != ExprKind::kSelect) {
        return FailAt(name.offset, "`has` takes a field selection such as `a.b`");
      }
      ExprPtr select = std::move((*args)[0]);
      ExprPtr e = Make(ExprKind::kHas, std::move(select->operands[0]));
      if (e) e->name = std::move(select->name);
      return e;
    }
    if (name.text == "size") {
      if (args->size() != 1) return FailAt(name.offset, "`size` takes 1 argument");
      return Call(Function::kSize, std::move(*args));
    }
    return FailAt(name.offset, "unknown function `" + name.text + "`");
  }

  ExprPtr ParsePrimary() {
    Token t = Peek();
    switch (t.kind) {
      case Tok::kInt:
        ++pos_;
        if (t.number > static_cast<uint64_t>(std::numeric_limits<int64_t>::max())) {
          return FailAt(t.offset, "integer literal out of range");
        }
        return Literal(Value(static_cast<int64_t>(t.number)));
      case Tok::kString: ++pos_; return Literal(Value(std::move(t.text)));
      case Tok::kTrue: ++pos_; return Literal(Value(true));
      case Tok::kFalse: ++pos_; return Literal(Value(false));
      case Tok::kNull: ++pos_; return Literal(Value());
      case Tok::kLParen: {
        ++pos_;
        ExprPtr e = ParseExpr();
        if (!e || !Expect(Tok::kRParen, "`)`")) return nullptr;
        return e;
      }
      case Tok::kLBracket: {
        auto items = ParseArgs(Tok::kRBracket, "`,` or `]`");
        if (!items) return nullptr;
        return Make(ExprKind::kList, std::move(*items));
      }
      case Tok::kLBrace: return Fail("map literals are not supported");
      case Tok::kIdent: {
        ++pos_;
        if (Peek().kind == Tok::kLParen) return ParseGlobalCall(t);
        auto e = std::make_unique<Expr>();
        e->kind = ExprKind::kIdent;
        e->name = std::move(t.text);
        return e;
      }
      default: return Fail("expected an expression, found " + Describe(t));
    }
  }

  std::vector<Token> tokens_;
  size_t pos_ = 0;
  int nesting_ = 0;
  std::string error_;
};

}  // namespace

ParseResult ParseCel(std::string_view source) {
  std::string error;
  std::optional<std::vector<Token>> tokens = Lexer(source).Run(&error);
  if (!tokens) return {nullptr, error};
  return Parser(std::move(*tokens)).Run();
}

const char* Spelling(BinaryOp op) {
  static const char* const kSpellings[] = {"==", "!=", "<", "<=", ">", ">=",
                                           "in", "+",  "-", "*",  "/", "%"};
  return kSpellings[static_cast<int>(op)];
}

}  // namespace stave::eval::cel_internal
