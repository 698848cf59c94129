// The completion context scan (completion_context.h). The text before the
// cursor is tokenized from the start of the file (comments and strings
// skipped, braces tracked, so the enclosing block is known), then the
// current statement — or the current item of a block — decides what fits.
#include "compiler/lsp/completion_context.h"

#include <algorithm>

#include "compiler/sema/values.h"
#include "compiler/syntax/tokens.h"

namespace stave::lsp {
namespace {

using K = syntax::DeclKind;

struct Tok {
  enum Kind { Word, String, Number, Punct } kind;
  std::string text;
  uint32_t begin, end;
};

struct Scan {
  std::vector<Tok> toks;
  bool in_comment = false;
  bool in_string = false;
};

// Tokens of text[begin, end) (`end` is the cursor), cut where the parser
// cuts them (syntax/tokens.h), comments skipped. Completion reads two
// things differently: `*`, the wildcard verb, is a word; and a word being
// typed may end in `-` (`shop-` on the way to `shop-prod`), which the
// lexer leaves out of the identifier.
Scan Tokenize(std::string_view text, uint32_t begin, uint32_t end) {
  using syntax::TokenKind;
  Scan s;
  for (const syntax::Token& t : syntax::Tokenize(text.substr(begin, end - begin))) {
    uint32_t b = begin + t.begin, e = begin + t.end;
    std::string piece(text.substr(b, e - b));
    switch (t.kind) {
      case TokenKind::Space: continue;
      case TokenKind::Comment:
        // A line comment that runs to the cursor has the cursor in it.
        if (e == end && piece.rfind("//", 0) == 0) {
          s.in_comment = true;
          return s;
        }
        continue;
      case TokenKind::UnterminatedComment: s.in_comment = true; return s;
      case TokenKind::UnterminatedString:
        if (e == end) {
          s.in_string = true;
          return s;
        }
        // It ends at its line (the parser reports it): a string as far as
        // completion cares.
        s.toks.push_back({Tok::String, std::move(piece), b, e});
        continue;
      case TokenKind::String: s.toks.push_back({Tok::String, std::move(piece), b, e}); continue;
      case TokenKind::Int: s.toks.push_back({Tok::Number, std::move(piece), b, e}); continue;
      case TokenKind::Word: s.toks.push_back({Tok::Word, std::move(piece), b, e}); continue;
      case TokenKind::Punct:
      case TokenKind::Error:
        if (piece == "-" && !s.toks.empty() && s.toks.back().kind == Tok::Word &&
            s.toks.back().end == b) {
          s.toks.back().text += '-';
          s.toks.back().end = e;
          continue;
        }
        s.toks.push_back({piece == "*" ? Tok::Word : Tok::Punct, std::move(piece), b, e});
        continue;
    }
  }
  return s;
}

// `pkg . name` written without blanks becomes one word, as the parser reads it.
std::vector<Tok> MergeQualified(std::vector<Tok> toks) {
  std::vector<Tok> out;
  for (Tok& t : toks) {
    size_t n = out.size();
    if (t.kind == Tok::Word && n >= 2 && out[n - 1].text == "." && out[n - 1].kind == Tok::Punct &&
        out[n - 2].kind == Tok::Word && out[n - 2].end == out[n - 1].begin &&
        out[n - 1].end == t.begin) {
      out.pop_back();
      out.back().text += "." + t.text;
      out.back().end = t.end;
      continue;
    }
    out.push_back(std::move(t));
  }
  return out;
}

bool Is(const Tok& t, std::string_view text) { return t.kind != Tok::String && t.text == text; }

bool IsAny(const Tok& t, std::initializer_list<std::string_view> texts) {
  return std::any_of(texts.begin(), texts.end(), [&](std::string_view s) { return Is(t, s); });
}

size_t Find(const std::vector<Tok>& toks, std::string_view text, size_t from = 0) {
  for (size_t i = from; i < toks.size(); ++i) {
    if (toks[i].kind == Tok::Word && toks[i].text == text) return i;
  }
  return std::string_view::npos;
}

const std::vector<K> kSubjectKinds = {K::User, K::Group, K::ServiceAccount, K::App};

enum class Block { Namespace, ServiceAccount, Action, App, Pipeline, Test, Selector, Objects, Other, Issuer };

Block BlockOf(const std::string& keyword) {
  if (keyword == "namespace") return Block::Namespace;
  if (keyword == "serviceaccount") return Block::ServiceAccount;
  if (keyword == "action") return Block::Action;
  if (keyword == "app") return Block::App;
  if (keyword == "pipeline") return Block::Pipeline;
  if (keyword == "test") return Block::Test;
  if (keyword == "issuer") return Block::Issuer;
  return Block::Other;
}

// Whether `t` begins a new top-level item after the tokens in `stmt`.
// `namespace` is also a subject prefix (`allow namespace ci to call …`).
bool StartsStatement(const Tok& t, const std::vector<Tok>& stmt) {
  if (t.kind != Tok::Word) return false;
  const auto& kws = TopLevelKeywords();
  if (std::find(kws.begin(), kws.end(), t.text) == kws.end()) return false;
  if (t.text == "namespace" && !stmt.empty() && IsAny(stmt[0], {"allow", "deny", "audit"}) &&
      Find(stmt, "to") == std::string_view::npos && IsAny(stmt.back(), {"allow", "deny", "audit", ","})) {
    return false;
  }
  // `issuer` is also a call source (`allow issuer google to call …`).
  if (t.text == "issuer" && !stmt.empty() && IsAny(stmt[0], {"allow", "deny"}) &&
      Find(stmt, "to") == std::string_view::npos) {
    return false;
  }
  return true;
}

// Whether a statement ending in `last` must go on (the next word is part of it).
bool Continues(const std::vector<Tok>& stmt) {
  if (stmt.empty()) return false;
  return IsAny(stmt.back(), {",", "=", ".", "to", "in", "allow", "deny", "call", "run", "import",
                             "package", "as", "not", "methods", "paths", "ports", "hosts", "when",
                             "==", "!=", "namespace", "user", "group", "serviceaccount",
                             "resource", "action", "app", "pipeline", "test", "expect", "method",
                             "path", "port", "host", "header", "issuer", "subject", "claim",
                             "via"});
}

enum class RuleShape { Unknown, Api, Call, Run };

// What the rest of the line says about the rule being written.
RuleShape LookAhead(std::string_view text, uint32_t offset) {
  size_t nl = text.find('\n', offset);
  uint32_t end = nl == std::string_view::npos ? static_cast<uint32_t>(text.size())
                                              : static_cast<uint32_t>(nl);
  Scan s = Tokenize(text, offset, end);
  size_t to = Find(s.toks, "to");
  if (to == std::string_view::npos || to + 1 >= s.toks.size()) return RuleShape::Unknown;
  if (Is(s.toks[to + 1], "call")) return RuleShape::Call;
  if (Is(s.toks[to + 1], "run")) return RuleShape::Run;
  return RuleShape::Api;
}

void CallRuleContext(const std::vector<Tok>& t, CompletionContext& ctx) {
  if (t.size() == 1) {
    ctx.kinds = {K::App};
    return;
  }
  const Tok& prev = t.back();
  std::string clause;
  for (size_t i = 1; i < t.size(); ++i) {
    if (IsAny(t[i], {"in", "methods", "paths", "ports", "hosts", "when"})) clause = t[i].text;
  }
  if (Is(prev, "in") || (Is(prev, ",") && clause == "in")) {
    ctx.kinds = {K::Namespace};
  } else if (Is(prev, "methods") || (Is(prev, ",") && clause == "methods")) {
    ctx.http_methods = true;
  } else if (Is(prev, "not")) {
    ctx.keywords = {"methods", "paths", "ports", "hosts"};
  } else if (Is(prev, "when")) {
    ctx.condition_keys = true;
  } else if (!IsAny(prev, {",", "==", "!=", "paths", "ports", "hosts", "[", "."})) {
    if (clause.empty()) ctx.keywords.push_back("in");
    for (const char* kw : {"methods", "paths", "ports", "hosts", "not", "when"}) ctx.keywords.push_back(kw);
  }
}

// `… in NS, … level LEVEL` of API audit rules and audit expectations
// (spec §14): `level` once the namespaces are written, then its values.
bool AuditLevelContext(const std::vector<Tok>& t, CompletionContext& ctx) {
  const Tok& prev = t.back();
  if (Is(prev, "level")) {
    ctx.keywords = {"metadata", "request", "request-response"};
    return true;
  }
  size_t in = Find(t, "in");
  if (in == std::string_view::npos || in + 1 >= t.size() || Find(t, "level") != std::string_view::npos) {
    return false;
  }
  if (prev.kind == Tok::Word && !Is(prev, "in")) {
    ctx.keywords = {"level"};
    if (!Is(prev, "cluster")) ctx.kinds = {K::Namespace};  // a name being typed may go on
    return true;
  }
  return false;
}

void RuleContext(const std::vector<Tok>& stmt, std::string_view text, uint32_t offset,
                 CompletionContext& ctx) {
  const Tok& prev = stmt.back();
  size_t to = Find(stmt, "to", 1);
  if (to == std::string_view::npos) {
    if (stmt.size() == 1 || Is(prev, ",")) {
      ctx.kinds = kSubjectKinds;
      RuleShape shape = LookAhead(text, offset);
      if (shape == RuleShape::Call || shape == RuleShape::Unknown) {
        ctx.keywords = {"namespace", "any", "authenticated", "issuer"};
      }
    } else if (Is(prev, "namespace")) {
      ctx.kinds = {K::Namespace};
    } else if (Is(prev, "issuer")) {
      ctx.kinds = {K::Issuer};
    } else if (prev.kind == Tok::Word && stmt.size() >= 3 && Is(stmt[stmt.size() - 2], "issuer")) {
      ctx.keywords = {"subject", "to"};
    } else if (prev.kind == Tok::Word) {
      ctx.keywords = {"to"};
    }
    return;
  }
  std::vector<Tok> t(stmt.begin() + static_cast<long>(to) + 1, stmt.end());
  bool audit = Is(stmt[0], "audit");
  if (t.empty()) {
    ctx.kinds = {K::Action};
    ctx.keywords = {"call"};
    if (!audit) ctx.keywords.push_back("run");
    return;
  }
  if (Is(t[0], "call")) return CallRuleContext(t, ctx);
  if (Is(t[0], "run")) {
    if (IsAny(prev, {"run", ","})) ctx.kinds = {K::Pipeline};
    return;
  }
  bool has_in = Find(t, "in") != std::string_view::npos;
  if (audit && AuditLevelContext(t, ctx)) return;
  if (Is(prev, "in")) {
    ctx.kinds = {K::Namespace};
    ctx.keywords = {"cluster"};
  } else if (Is(prev, ",") && has_in) {
    ctx.kinds = {K::Namespace};
  } else if (!has_in && t.size() == 1) {
    ctx.kinds = {K::App};
    ctx.keywords = {"in"};
  } else if (!has_in && t.size() == 2 && prev.kind == Tok::Word) {
    ctx.keywords = {"in"};
  }
}

void StatementContext(const std::vector<Tok>& stmt, std::string_view text, uint32_t offset,
                      CompletionContext& ctx) {
  const std::string& k = stmt[0].text;
  const Tok& prev = stmt.back();
  if (k == "allow" || k == "deny" || k == "audit") return RuleContext(stmt, text, offset, ctx);
  if (k == "import") {
    if (stmt.size() == 1) ctx.packages = true;
    else if (stmt.size() == 2 && prev.kind == Tok::Word) ctx.keywords = {"as"};
    return;
  }
  if (k == "serviceaccount" || k == "app" || k == "pipeline") {
    bool has_in = Find(stmt, "in", 1) != std::string_view::npos;
    if (Is(prev, "in") || (Is(prev, ",") && has_in)) ctx.kinds = {K::Namespace};
    else if (!has_in && stmt.size() >= 2 && (prev.kind == Tok::String || stmt.size() == 2)) ctx.keywords = {"in"};
  }
}

void ActionContext(const std::vector<Tok>& toks, CompletionContext& ctx) {
  enum { Start, Include, AfterResource, Verbs, AfterVerb } s = Start;
  for (const Tok& t : toks) {
    switch (s) {
      case Start:
      case AfterVerb:
        if (s == AfterVerb && Is(t, ",")) s = Verbs;
        else if (Is(t, "include")) s = Include;
        else if (t.kind == Tok::Word) s = AfterResource;
        break;
      case Include:
        if (t.kind == Tok::Word) s = Start;
        break;
      case AfterResource:
        if (Is(t, ":")) s = Verbs;
        break;
      case Verbs:
        if (t.kind == Tok::Word) s = AfterVerb;
        break;
    }
  }
  if (s == Start || s == AfterVerb) {
    ctx.kinds = {K::Resource};
    ctx.keywords = {"include"};
  } else if (s == Include) {
    ctx.kinds = {K::Action};
  } else if (s == Verbs) {
    ctx.verbs = true;
  }
}

void ObjectsContext(const std::vector<Tok>& toks, CompletionContext& ctx) {
  enum { Start, AfterResource, Names, AfterName } s = Start;
  for (const Tok& t : toks) {
    if ((s == Start || s == AfterName) && t.kind == Tok::Word) s = AfterResource;
    else if (s == AfterName && Is(t, ",")) s = Names;
    else if (s == AfterResource && Is(t, ":")) s = Names;
    else if (s == Names && t.kind == Tok::String) s = AfterName;
  }
  if (s == Start || s == AfterName) ctx.kinds = {K::Resource};
}

void ExpectContext(const std::vector<Tok>& toks, CompletionContext& ctx) {
  std::vector<Tok> e(toks.begin() + 1, toks.end());
  if (e.empty()) {
    ctx.keywords = {"allow", "deny", "audited", "unaudited"};
    return;
  }
  if (e.size() == 1) {
    ctx.kinds = kSubjectKinds;
    ctx.keywords = {"plaintext", "issuer"};
    return;
  }
  size_t to = Find(e, "to");
  if (to == std::string_view::npos) {
    // `issuer NAME [subject "S"] [claim K = "V"]… [via SOURCE]` (spec §12).
    const Tok& last = e.back();
    bool token = Is(e[1], "issuer");
    if (token && e.size() == 2) {
      ctx.kinds = {K::Issuer};
    } else if (token && Is(last, "via")) {
      ctx.kinds = {K::ServiceAccount, K::App};
    } else if (token && Is(e[e.size() - 2], "via")) {
      ctx.keywords = {"to"};
    } else if (token && (last.kind == Tok::String || e.size() == 3)) {
      ctx.keywords = {"subject", "claim", "via", "to"};
    } else if (last.kind == Tok::Word && !IsAny(last, {"subject", "claim"})) {
      ctx.keywords = {"to"};
    }
    return;
  }
  std::vector<Tok> t(e.begin() + static_cast<long>(to) + 1, e.end());
  if (t.empty()) {
    ctx.kinds = {K::Action};
    ctx.verbs = true;
    ctx.keywords = {"call", "run"};
    return;
  }
  const Tok& prev = t.back();
  if (IsAny(e[0], {"audited", "unaudited"}) && !Is(t[0], "call") && AuditLevelContext(t, ctx)) {
    ctx.kinds.clear();  // one namespace per expectation
    return;
  }
  if (Is(t[0], "call")) {
    if (t.size() == 1) ctx.kinds = {K::App};
    else if (Is(prev, "in")) ctx.kinds = {K::Namespace};
    else if (Is(prev, "method")) ctx.http_methods = true;
    else if (!IsAny(prev, {"path", "port", "host", "header", "="})) {
      ctx.keywords = {"in", "method", "path", "port", "host", "header"};
    }
  } else if (Is(t[0], "run")) {
    if (t.size() == 1) ctx.kinds = {K::Pipeline};
    else if (Is(prev, "as")) ctx.kinds = {K::ServiceAccount};
    else ctx.keywords = {"as"};
  } else if (Is(prev, "in")) {
    ctx.kinds = {K::Namespace};
    ctx.keywords = {"cluster"};
  } else if (t.size() == 1) {
    if (t[0].text == "*" || sema::IsKnownVerb(t[0].text)) {
      ctx.kinds = {K::Resource};
    } else {
      ctx.kinds = {K::App};
      ctx.keywords = {"in"};
    }
  } else if (Find(t, "in") == std::string_view::npos) {
    ctx.keywords = {"in"};
  }
}

struct BlockFrame {
  Block kind;
  std::vector<Tok> toks;
};

void BlockContext(const BlockFrame& f, bool line_start, CompletionContext& ctx) {
  const Tok* prev = f.toks.empty() ? nullptr : &f.toks.back();
  switch (f.kind) {
    case Block::Action: return ActionContext(f.toks, ctx);
    case Block::Objects: return ObjectsContext(f.toks, ctx);
    case Block::App:
      if (prev && Is(*prev, "serviceaccount")) ctx.kinds = {K::ServiceAccount};
      else if (prev && prev->kind == Tok::Number) ctx.protocols = true;
      else if (!prev || !IsAny(*prev, {"ports", ","})) {
        ctx.keywords = {"selector", "serviceaccount", "ports", "objects"};
      }
      return;
    case Block::Namespace:
      if (prev && Is(*prev, "default")) ctx.keywords = {"deny"};
      else if (prev && Is(*prev, "mtls")) ctx.keywords = {"strict"};
      else ctx.keywords = {"default", "mtls"};
      return;
    case Block::ServiceAccount:
      if (prev && Is(*prev, "automount")) ctx.keywords = {"off"};
      else ctx.keywords = {"external", "automount", "annotations"};
      return;
    case Block::Issuer:
      if (prev && prev->kind == Tok::String && f.toks.size() >= 2 &&
          Is(f.toks[f.toks.size() - 2], "header")) {
        ctx.keywords = {"prefix", "jwks", "audiences"};
      } else if (!prev || prev->kind == Tok::String) {
        ctx.keywords = {"jwks", "audiences", "header"};
      }
      return;
    case Block::Pipeline:
      if (prev && Is(*prev, "serviceaccount")) ctx.kinds = {K::ServiceAccount};
      else ctx.keywords = {"serviceaccount"};
      return;
    case Block::Test:
      if (f.toks.empty() || !Is(f.toks[0], "expect") || (line_start && !Continues(f.toks))) {
        ctx.keywords = {"expect"};
        return;
      }
      return ExpectContext(f.toks, ctx);
    case Block::Selector:
    case Block::Other: return;
  }
}

}  // namespace

const std::vector<std::string>& TopLevelKeywords() {
  static const std::vector<std::string> words = {
      "package", "import", "namespace", "user", "group", "serviceaccount", "resource",
      "action",  "app",    "pipeline",  "allow", "deny", "test", "issuer", "audit"};
  return words;
}

CompletionContext AnalyzeCompletion(std::string_view text, uint32_t offset) {
  CompletionContext ctx;
  offset = std::min<uint32_t>(offset, static_cast<uint32_t>(text.size()));
  ctx.word_begin = offset;
  Scan scan = Tokenize(text, 0, offset);
  if (scan.in_comment || scan.in_string) return ctx;
  std::vector<Tok>& toks = scan.toks;
  if (!toks.empty() && toks.back().end == offset && toks.back().kind != Tok::Punct) {
    if (toks.back().kind != Tok::Word || toks.back().text == "*") return ctx;  // in a number or after a string
    ctx.word = toks.back().text;
    ctx.word_begin = toks.back().begin;
    toks.pop_back();
  }
  uint32_t anchor = ctx.word_begin;
  size_t n = toks.size();
  if (n >= 2 && Is(toks[n - 1], ".") && toks[n - 1].end == anchor && toks[n - 2].kind == Tok::Word &&
      toks[n - 2].end == toks[n - 1].begin) {
    ctx.qualifier = toks[n - 2].text;
    anchor = toks[n - 2].begin;
    toks.resize(n - 2);
  }
  toks = MergeQualified(std::move(toks));
  size_t line_begin = text.substr(0, anchor).rfind('\n');
  line_begin = line_begin == std::string_view::npos ? 0 : line_begin + 1;
  std::string_view before = text.substr(line_begin, anchor - line_begin);
  bool line_start = before.find_first_not_of(" \t\r") == std::string_view::npos;

  std::vector<BlockFrame> stack;
  std::vector<Tok> stmt;
  for (Tok& t : toks) {
    if (Is(t, "{")) {
      Block kind = Block::Other;
      if (stack.empty()) {
        if (!stmt.empty()) kind = BlockOf(stmt[0].text);
      } else if (stack.back().kind == Block::App && !stack.back().toks.empty()) {
        const Tok& prev = stack.back().toks.back();
        if (Is(prev, "selector")) kind = Block::Selector;
        else if (Is(prev, "objects")) kind = Block::Objects;
      }
      stack.push_back({kind, {}});
    } else if (Is(t, "}")) {
      if (!stack.empty()) stack.pop_back();
      if (stack.empty()) stmt.clear();
      else stack.back().toks.push_back(std::move(t));
    } else if (!stack.empty()) {
      BlockFrame& f = stack.back();
      if (f.kind == Block::Test && Is(t, "expect")) f.toks.clear();
      f.toks.push_back(std::move(t));
    } else {
      if (StartsStatement(t, stmt)) stmt.clear();
      stmt.push_back(std::move(t));
    }
  }
  if (!stack.empty()) {
    BlockContext(stack.back(), line_start && !ctx.qualifier, ctx);
    return ctx;
  }
  // A word at the start of a line begins a new item, unless the statement
  // must go on, or the line is indented under a call rule (whose operation
  // clauses are often written on lines of their own).
  size_t to = Find(stmt, "to", 1);
  bool call_rule = !stmt.empty() && IsAny(stmt[0], {"allow", "deny", "audit"}) &&
                   to != std::string_view::npos && to + 1 < stmt.size() && Is(stmt[to + 1], "call");
  bool continuation_line = call_rule && !before.empty();
  if (stmt.empty() || (line_start && !ctx.qualifier && !Continues(stmt) && !continuation_line)) {
    if (!ctx.qualifier) ctx.keywords = TopLevelKeywords();
    return ctx;
  }
  StatementContext(stmt, text, offset, ctx);
  return ctx;
}

}  // namespace stave::lsp
