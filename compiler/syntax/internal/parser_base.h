// The generated parser's base classes (the grammar's `superClass` and
// `contextSuperClass` options): antlr4::Parser with the bookkeeping done on
// every rule entry and exit cast statically, and contexts whose child
// accessors tell children apart without dynamic_cast.
//
// The 4.9 runtime finds a context's parent with dynamic_cast, which walks
// the context classes comparing type names; at two casts per rule that was
// 8% of `stave check` (docs/performance.md).
// Every parent of a ParserRuleContext is a ParserRuleContext, because the
// generated rule functions create each context with the current one as its
// parent, so the static casts are exact.
//
// They live in namespace stave_antlr because the options name classes from
// inside the generated namespace; the parser header includes it first
// (`@parser::preinclude`).
#pragma once

#include <typeinfo>
#include <utility>
#include <vector>

#include "antlr4-runtime.h"

namespace stave_antlr {

// A parse tree's children are contexts and terminal nodes (error nodes
// among them); the exact dynamic type tells which in one comparison.
inline bool IsTerminalNode(antlr4::tree::ParseTree* t) {
  const std::type_info& type = typeid(*t);
  return type == typeid(antlr4::tree::TerminalNodeImpl) ||
         type == typeid(antlr4::tree::ErrorNodeImpl);
}

// A context's children by rule index or token type: the nth of them, or
// all. A child is a rule's when it has the rule's index, which holds for
// the rule's labelled alternatives too, as dynamic_cast would. The
// generated accessors (below) and the AST builder both find children here.
template <typename T>
T* RuleChild(antlr4::ParserRuleContext* ctx, size_t rule, size_t nth = 0) {
  for (antlr4::tree::ParseTree* c : ctx->children) {
    if (IsTerminalNode(c)) continue;
    auto* r = static_cast<antlr4::ParserRuleContext*>(c);
    if (r->getRuleIndex() == rule && nth-- == 0) return static_cast<T*>(r);
  }
  return nullptr;
}

template <typename T>
std::vector<T*> RuleChildren(antlr4::ParserRuleContext* ctx, size_t rule) {
  std::vector<T*> out;
  for (antlr4::tree::ParseTree* c : ctx->children) {
    if (IsTerminalNode(c)) continue;
    auto* r = static_cast<antlr4::ParserRuleContext*>(c);
    if (r->getRuleIndex() == rule) out.push_back(static_cast<T*>(r));
  }
  return out;
}

inline antlr4::tree::TerminalNode* TokenChild(antlr4::ParserRuleContext* ctx, size_t type,
                                              size_t nth = 0) {
  for (antlr4::tree::ParseTree* c : ctx->children) {
    if (!IsTerminalNode(c)) continue;
    auto* t = static_cast<antlr4::tree::TerminalNode*>(c);
    if (t->getSymbol()->getType() == type && nth-- == 0) return t;
  }
  return nullptr;
}

inline std::vector<antlr4::tree::TerminalNode*> TokenChildren(antlr4::ParserRuleContext* ctx,
                                                              size_t type) {
  std::vector<antlr4::tree::TerminalNode*> out;
  for (antlr4::tree::ParseTree* c : ctx->children) {
    if (!IsTerminalNode(c)) continue;
    auto* t = static_cast<antlr4::tree::TerminalNode*>(c);
    if (t->getSymbol()->getType() == type) out.push_back(t);
  }
  return out;
}

// Every generated context's base. The generated accessors (`ctx->name()`,
// `ctx->STRING()`) call getRuleContext, getRuleContexts, getToken and
// getTokens by name, which finds these: ParserRuleContext's test every
// child with dynamic_cast, 5% of `stave check` after the parser's own
// casts were gone.
class StaveContextBase : public antlr4::ParserRuleContext {
 public:
  StaveContextBase() = default;
  StaveContextBase(antlr4::ParserRuleContext* parent, size_t invoking_state)
      : antlr4::ParserRuleContext(parent, invoking_state) {}

  template <typename T>
  T* getRuleContext(size_t i) {
    return RuleChild<T>(this, RuleIndexOf<T>(), i);
  }
  template <typename T>
  std::vector<T*> getRuleContexts() {
    return RuleChildren<T>(this, RuleIndexOf<T>());
  }
  antlr4::tree::TerminalNode* getToken(size_t type, size_t i) { return TokenChild(this, type, i); }
  std::vector<antlr4::tree::TerminalNode*> getTokens(size_t type) {
    return TokenChildren(this, type);
  }

 private:
  // A generated context class's rule index: getRuleIndex is virtual, so
  // ask one instance, once (a context's constructor only records its
  // arguments).
  template <typename T>
  static size_t RuleIndexOf() {
    static const size_t rule = T(nullptr, 0).getRuleIndex();
    return rule;
  }
};

class StaveParserBase : public antlr4::Parser {
 public:
  explicit StaveParserBase(antlr4::TokenStream* input) : antlr4::Parser(input) {}

  // Hides Parser::exitRule, which is not virtual: the generated rule
  // functions call `exitRule()` by name, so name lookup finds this one.
  // With parse listeners (none of ours) the runtime's own does the work.
  void exitRule() {
    if (!_parseListeners.empty()) return antlr4::Parser::exitRule();
    // Having matched EOF the parser cannot go past it, so the stop token
    // is the current one; otherwise the one just matched.
    _ctx->stop = _input->LT(_matchedEOF ? 1 : -1);
    setState(_ctx->invokingState);
    _ctx = static_cast<antlr4::ParserRuleContext*>(_ctx->parent);
  }

  // Room for four children at once: a context's list grew 1, 2, 4, 8
  // (an allocation and a copy each time, 2% of `stave check`). One child
  // or four take one allocation either way; the tree lives for one file.
  void enterRule(antlr4::ParserRuleContext* localctx, size_t state, size_t rule) override {
    localctx->children.reserve(4);
    antlr4::Parser::enterRule(localctx, state, rule);
  }

  void enterOuterAlt(antlr4::ParserRuleContext* localctx, size_t alt) override {
    localctx->setAltNumber(alt);
    // A labelled alternative's context replaces the rule's own as the
    // parent's last child.
    if (_buildParseTrees && _ctx != localctx && _ctx->parent != nullptr) {
      auto* parent = static_cast<antlr4::ParserRuleContext*>(_ctx->parent);
      parent->removeLastChild();
      parent->addChild(localctx);
    }
    _ctx = localctx;
  }

 protected:
  // Runs a rule's exit when the rule function returns or throws.
  template <typename F>
  class OnExit {
   public:
    explicit OnExit(F f) : f_(std::move(f)) {}
    OnExit(const OnExit&) = delete;
    OnExit& operator=(const OnExit&) = delete;
    ~OnExit() { f_(); }

   private:
    F f_;
  };
  // Every generated rule function ends with `auto onExit = finally([=] {
  // exitRule(); })`; name lookup finds this member before
  // antlrcpp::finally, which wraps the lambda in a std::function (2% of
  // `stave check`'s instructions with its calls through it).
  template <typename F>
  static OnExit<F> finally(F f) {
    return OnExit<F>(std::move(f));
  }

  void addContextToParseTree() override {
    if (_ctx->parent == nullptr) return;
    static_cast<antlr4::ParserRuleContext*>(_ctx->parent)->addChild(_ctx);
  }
};

}  // namespace stave_antlr
