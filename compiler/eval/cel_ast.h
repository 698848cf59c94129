// The private AST of the CEL evaluator: what cel_parse.cpp builds from an
// expression and cel.cpp walks. Not part of the public API (see cel.h).
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "compiler/eval/cel.h"

namespace stave::eval::cel_internal {

// Bounds both the parser's recursion and the depth of the tree, so that the
// evaluator's recursion (and the tree's destructor) is bounded too.
inline constexpr int kMaxDepth = 200;

enum class ExprKind {
  kLiteral,  // literal
  kIdent,    // name
  kSelect,   // operands[0].name
  kHas,      // has(operands[0].name)
  kIndex,    // operands[0][operands[1]]
  kList,     // [operands...]
  kCall,     // function(operands...); a method's receiver is operands[0]
  kNot,      // !operands[0]
  kNeg,      // -operands[0]
  kBinary,   // operands[0] op operands[1]
  kAnd,      // operands[0] && operands[1]
  kOr,       // operands[0] || operands[1]
  kCond,     // operands[0] ? operands[1] : operands[2]
  kExists,   // operands[0].exists(name, operands[1])
  kAll,      // operands[0].all(name, operands[1])
};

enum class BinaryOp { kEq, kNe, kLt, kLe, kGt, kGe, kIn, kAdd, kSub, kMul, kDiv, kMod };

enum class Function { kSize, kStartsWith, kEndsWith, kContains };

struct Expr {
  ExprKind kind = ExprKind::kLiteral;
  Value literal;
  std::string name;
  BinaryOp op = BinaryOp::kEq;
  Function function = Function::kSize;
  std::vector<std::unique_ptr<Expr>> operands;
  int depth = 1;  // 1 + the deepest operand's depth
};

using ExprPtr = std::unique_ptr<Expr>;

// The tree, or a one-line error ("parse error at column N: ...").
struct ParseResult {
  ExprPtr expr;
  std::string error;
};

ParseResult ParseCel(std::string_view source);

// The spelling of an operator in messages, e.g. "==".
const char* Spelling(BinaryOp op);

}  // namespace stave::eval::cel_internal
