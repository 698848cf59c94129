// The formatter's entry point and the first half of its layout walk: the
// header, declarations and blocks (docs/formatting.md). Each token is
// consumed from the file's source tokens so that comments can be put back
// exactly (render.cpp); rules and tests are in print_rules.cpp.
#include "compiler/fmt/format.h"

#include <algorithm>

#include "compiler/fmt/printer.h"

namespace stave::formatter {
namespace internal {

using namespace syntax;

void InOrder(Parts& parts) {
  std::sort(parts.begin(), parts.end(),
            [](const auto& a, const auto& b) { return a.first < b.first; });
  for (auto& part : parts) part.second();
}

void Printer::NewLine(int indent, LineKind kind) {
  lines_.push_back({indent, kind, force_next_, {}});
  force_next_ = false;
}

void Printer::Push(std::string text, bool glue) {
  if (cursor_ >= toks_.size()) {
    in_sync_ = false;
    return;
  }
  lines_.back().pieces.push_back({std::move(text), static_cast<uint32_t>(cursor_++), glue});
}

void Printer::Kw(std::string_view kw, bool glue) {
  if (cursor_ >= toks_.size() || TokText(cursor_) != kw) in_sync_ = false;
  Push(std::string(kw), glue);
}

void Printer::Val(std::string text, const Span& span, bool glue) {
  if (cursor_ >= toks_.size() || toks_[cursor_].begin != span.begin) in_sync_ = false;
  Push(std::move(text), glue);
}

bool Printer::NextIs(std::string_view kw, uint32_t limit) const {
  return cursor_ < toks_.size() && toks_[cursor_].begin < limit && TokText(cursor_) == kw;
}

void Printer::Qual(const QualName& q, bool glue) {
  if (q.package) {
    Val(q.package->text, q.package->span, glue);
    Kw(".", true);
    Val(q.name.text, q.name.span, true);
  } else {
    Val(q.name.text, q.name.span, glue);
  }
}

void Printer::QualList(const std::vector<QualName>& names) {
  CommaList(names, [&](const QualName& q) { Qual(q); });
}

void Printer::Int(const IntLit& i) {
  // An overflowing literal keeps its digits; sema reports it.
  std::string text =
      i.overflow ? std::string(src_.substr(i.span.begin, i.span.size())) : std::to_string(i.value);
  Val(text, i.span);
}

void Printer::Decide(size_t first) {
  if (!in_sync_ || lines_.size() < first + 2) return;
  size_t last = lines_.size() - 1;
  Line flat = lines_[first];
  for (size_t l = first + 1; l <= last; ++l) {
    flat.pieces.insert(flat.pieces.end(), lines_[l].pieces.begin(), lines_[l].pieces.end());
  }
  if (Width(flat) > kMaxWidth) return;
  if (CommentForcesBreak(lines_, first, last, toks_, comments_)) return;
  JoinLines(lines_, first, last);
}

// `{}`, or `{` and `}` on two lines when a comment sits between them.
void Printer::EmptyBlock(int indent, LineKind close) {
  size_t first = lines_.size() - 1;
  NewLine(indent, close);
  Kw("}");
  Decide(first);
}

void Printer::PrintFile(const File& f) {
  NewLine(0, LineKind::kChild);
  Kw("package");
  Val(f.package->text, f.package->span);
  force_next_ = true;
  for (const Import& imp : f.imports) {
    NewLine(0, LineKind::kChild);
    Kw("import");
    Val(imp.package.text, imp.package.span);
    if (imp.alias) {
      Kw("as");
      Val(imp.alias->text, imp.alias->span);
    }
  }
  force_next_ = true;  // consumed by the first import, else the first item
  // Declarations, rules and tests are kept apart in the AST; print them in
  // source order.
  Parts items;
  for (const Decl& d : f.decls) items.emplace_back(d.span.begin, [&] { PrintDecl(d); });
  for (const Rule& r : f.rules) items.emplace_back(r.span.begin, [&] { PrintRule(r); });
  for (const TestBlock& t : f.tests) items.emplace_back(t.span.begin, [&] { PrintTest(t); });
  InOrder(items);
}

void Printer::PrintDecl(const Decl& d) {
  NewLine(0, LineKind::kChild);
  Kw(DeclKindName(d.kind));
  Val(d.name.text, d.name.span);
  if (d.value) {
    Kw("=");
    Str(*d.value);
  }
  if (const auto* ns = std::get_if<NamespaceBody>(&d.body)) {
    Parts flags;
    auto flag = [&](const char* a, const char* b) {
      return [this, a, b] {
        Kw(a);
        Kw(b);
      };
    };
    if (ns->default_deny) flags.emplace_back(ns->default_deny->begin, flag("default", "deny"));
    if (ns->mtls_strict) flags.emplace_back(ns->mtls_strict->begin, flag("mtls", "strict"));
    PrintFlags(d, std::move(flags));
  } else if (const auto* sa = std::get_if<ServiceAccountBody>(&d.body)) {
    Kw("in");
    QualList(sa->namespaces);
    Parts flags;
    if (sa->external) flags.emplace_back(sa->external->begin, [&] { Kw("external"); });
    if (sa->automount_off) {
      flags.emplace_back(sa->automount_off->begin, [&] {
        Kw("automount");
        Kw("off");
      });
    }
    if (sa->annotations_span) {
      flags.emplace_back(sa->annotations_span->begin, [&] { PrintAnnotations(*sa); });
    }
    PrintFlags(d, std::move(flags));
  } else if (const auto* action = std::get_if<ActionBody>(&d.body)) {
    PrintAction(*action);
  } else if (const auto* app = std::get_if<AppBody>(&d.body)) {
    PrintApp(*app);
  } else if (const auto* pipeline = std::get_if<PipelineBody>(&d.body)) {
    PrintPipeline(*pipeline);
  } else if (const auto* issuer = std::get_if<IssuerBody>(&d.body)) {
    PrintIssuer(d, *issuer);
  }
}

// `annotations { "KEY" = "VALUE" … }`, on one line when it fits, else one
// pair per line (like a selector).
void Printer::PrintAnnotations(const ServiceAccountBody& body) {
  size_t first = lines_.size() - 1;
  Kw("annotations");
  Kw("{");
  if (body.annotations.empty()) return EmptyBlock(1, LineKind::kCloseCont);
  for (const LabelPair& pair : body.annotations) {
    NewLine(2, LineKind::kCont);
    WordOrString(pair.key, pair.key_span);
    Kw("=");
    Str(pair.value);
  }
  NewLine(1, LineKind::kCloseCont);
  Kw("}");
  Decide(first);
}

// `issuer NAME = "URL" { jwks "…" audiences "…" header "…" prefix "…" }`:
// clauses in source order, one per line unless the whole fits on one.
void Printer::PrintIssuer(const Decl& d, const IssuerBody& body) {
  Parts clauses;
  if (body.jwks_span) {
    clauses.emplace_back(body.jwks_span->begin, [&] {
      Kw("jwks");
      Str(*body.jwks);
    });
  }
  if (body.audiences_span) {
    clauses.emplace_back(body.audiences_span->begin, [&] {
      Kw("audiences");
      CommaList(body.audiences, [&](const StringLit& s) { Str(s); });
    });
  }
  if (body.header_span) {
    clauses.emplace_back(body.header_span->begin, [&] {
      Kw("header");
      Str(*body.header);
      if (body.prefix) {
        Kw("prefix");
        Str(*body.prefix);
      }
    });
  }
  PrintFlags(d, std::move(clauses));
}

// `{ default deny mtls strict }`, `{ external }`: flags in source order; an
// empty `{}` is dropped (it means the same as no block).
void Printer::PrintFlags(const Decl& d, Parts flags) {
  if (!NextIs("{", d.span.end)) return;
  if (flags.empty()) {
    ++cursor_;  // `{`
    if (!NextIs("}", d.span.end)) in_sync_ = false;
    ++cursor_;
    return;
  }
  size_t first = lines_.size() - 1;
  Kw("{");
  for (auto& flag : flags) {
    flag.second = [&, print = std::move(flag.second)] {
      NewLine(1, LineKind::kCont);
      print();
    };
  }
  InOrder(flags);
  NewLine(0, LineKind::kCloseCont);
  Kw("}");
  Decide(first);
}

void Printer::PrintAction(const ActionBody& body) {
  Kw("{");
  if (body.items.empty()) return EmptyBlock(0, LineKind::kClose);
  for (const ActionItem& item : body.items) {
    NewLine(1, LineKind::kChild);
    if (item.kind == ActionItem::Kind::Include) {
      Kw("include");
      Qual(item.target);
    } else {
      Qual(item.target);
      Kw(":", true);
      CommaList(item.verbs, [&](const Verb& v) { Val(v.text, v.span); });
    }
  }
  NewLine(0, LineKind::kClose);
  Kw("}");
}

void Printer::PrintApp(const AppBody& body) {
  Kw("in");
  QualList(body.namespaces);
  Kw("{");
  Parts clauses;
  if (body.selector_span)
    clauses.emplace_back(body.selector_span->begin, [&] { PrintSelector(body); });
  if (body.serviceaccount) {
    clauses.emplace_back(body.serviceaccount->span.begin, [&] {
      NewLine(1, LineKind::kChild);
      Kw("serviceaccount");
      Qual(*body.serviceaccount);
    });
  }
  if (body.ports_span) {
    clauses.emplace_back(body.ports_span->begin, [&] {
      NewLine(1, LineKind::kChild);
      Kw("ports");
      CommaList(body.ports, [&](const PortSpec& p) {
        Int(p.number);
        if (p.protocol) Val(p.protocol->text, p.protocol->span);
      });
    });
  }
  if (body.objects_span)
    clauses.emplace_back(body.objects_span->begin, [&] { PrintObjects(body); });
  if (clauses.empty()) return EmptyBlock(0, LineKind::kClose);
  InOrder(clauses);
  NewLine(0, LineKind::kClose);
  Kw("}");
}

// `selector { app = "api" "app.kubernetes.io/part-of" = "shop" }` on one
// line when it fits, else one pair per line.
void Printer::PrintSelector(const AppBody& body) {
  size_t first = lines_.size();
  NewLine(1, LineKind::kChild);
  Kw("selector");
  Kw("{");
  for (const LabelPair& pair : body.selector) {
    NewLine(2, LineKind::kCont);
    WordOrString(pair.key, pair.key_span);
    Kw("=");
    Str(pair.value);
  }
  NewLine(1, LineKind::kCloseCont);
  Kw("}");
  Decide(first);
}

void Printer::PrintObjects(const AppBody& body) {
  NewLine(1, LineKind::kChild);
  Kw("objects");
  Kw("{");
  if (body.objects.empty()) return EmptyBlock(1, LineKind::kClose);
  for (const ObjectsEntry& e : body.objects) {
    NewLine(2, LineKind::kChild);
    Qual(e.resource);
    Kw(":", true);
    CommaList(e.names, [&](const StringLit& s) { Str(s); });
  }
  NewLine(1, LineKind::kClose);
  Kw("}");
}

// `pipeline release = "build" in ci { serviceaccount deployer }`.
void Printer::PrintPipeline(const PipelineBody& body) {
  size_t first = lines_.size() - 1;
  Kw("in");
  Qual(body.ns);
  Kw("{");
  if (body.serviceaccount) {
    NewLine(1, LineKind::kCont);
    Kw("serviceaccount");
    Qual(*body.serviceaccount);
  }
  NewLine(0, LineKind::kCloseCont);
  Kw("}");
  Decide(first);
}

Checked FormatChecked(const File& file, const base::SourceFile& source) {
  std::vector<TokPos> toks = LexTokens(source.text());
  Printer printer(source.text(), toks, file.comments);
  printer.PrintFile(file);
  if (!printer.in_sync()) return {std::string(source.text()), false};
  return {Render(source.text(), toks, printer.lines(), file.comments, printer.force_blank_at_end()),
          true};
}

}  // namespace internal

std::optional<std::string> FormatFile(const syntax::File& file, const base::SourceFile& source) {
  if (file.has_syntax_errors || !file.package) return std::nullopt;
  return internal::FormatChecked(file, source).text;
}

}  // namespace stave::formatter
