// Packages, imports and name lookup. Unqualified names look in the file's
// own package, then in the std prelude; `pkg.name` needs `import pkg` (or is
// `std.name`, or names the file's own package).
#include <algorithm>

#include <fmt/format.h>

#include "compiler/diag/did_you_mean.h"
#include "compiler/sema/checker.h"

namespace stave::sema {
namespace {

constexpr std::string_view kStd = "std";

bool KindIn(DeclKind kind, std::initializer_list<DeclKind> kinds) {
  return std::find(kinds.begin(), kinds.end(), kind) != kinds.end();
}

}  // namespace

SymbolId Program::lookup(std::string_view package, std::string_view name) const {
  if (indexed_) {
    auto pkg = index_.find(package);
    if (pkg == index_.end()) return kNoSymbol;
    auto it = pkg->second.find(name);
    return it == pkg->second.end() ? kNoSymbol : it->second;
  }
  auto pkg = packages.find(std::string(package));
  if (pkg == packages.end()) return kNoSymbol;
  auto it = pkg->second.find(std::string(name));
  return it == pkg->second.end() ? kNoSymbol : it->second;
}

void Program::BuildIndex() {
  index_.clear();
  for (const auto& [package, names] : packages) {
    llvm::StringMap<SymbolId>& into = index_[package];
    for (const auto& [name, id] : names) into[name] = id;
  }
  indexed_ = true;
}

std::string Checker::Article(DeclKind kind) {
  std::string name = syntax::DeclKindName(kind);
  bool vowel = kind == DeclKind::Action || kind == DeclKind::App || kind == DeclKind::Issuer;
  return (vowel ? "an " : "a ") + name;
}

std::string Checker::KindList(std::initializer_list<DeclKind> kinds) {
  std::vector<std::string> names;
  for (DeclKind k : kinds) names.push_back(syntax::DeclKindName(k));
  if (names.size() == 1) return Article(*kinds.begin());
  std::string out = Article(*kinds.begin());
  for (size_t i = 1; i < names.size(); ++i) {
    out += (i + 1 == names.size() ? " or " : ", ") + names[i];
  }
  return out;
}

void DeclareSymbols(Checker& c) {
  Program& p = c.program();
  size_t decls = 0;
  for (const SharedFile& file : p.files) decls += file->decls.size();
  p.symbols.reserve(p.symbols.size() + decls);  // grown by doubling, up to half would stay empty
  for (const SharedFile& shared : p.files) {
    const syntax::File& file = *shared;
    if (!file.package) continue;
    const std::string& package = file.package->text;
    bool builtin = c.sources().file(file.file).is_builtin();
    if (package == kStd && !builtin) {
      c.diags().report(diag::Code::E0107, file.package->span,
                       "the package name `std` is reserved for the standard library",
                       "reserved name")
          .with_help("choose another package name");
      continue;
    }
    auto& names = p.packages[package];  // a package may have no declarations
    for (const syntax::Decl& decl : file.decls) {
      auto [it, inserted] = names.emplace(decl.name.text, static_cast<SymbolId>(p.symbols.size()));
      if (!inserted) {
        const Symbol& first = p.symbol(it->second);
        c.diags().report(diag::Code::E0102, decl.name.span,
                         fmt::format("`{}` is declared twice in package `{}`", decl.name.text,
                                     package),
                         fmt::format("{} declared again here", Checker::Article(decl.kind)))
            .note(fmt::format("first declared here, as {}", Checker::Article(first.kind)),
                  first.name_span())
            .with_help("rename one of them; names are shared by every file of a package");
        continue;
      }
      Symbol s;
      s.kind = decl.kind;
      s.package = package;
      s.name = decl.name.text;
      s.decl = &decl;
      s.builtin = builtin;
      s.k8s_name = decl.value ? decl.value->value : decl.name.text;
      p.symbols.push_back(std::move(s));
    }
  }
  p.BuildIndex();
  // A user declaration may take a prelude name; say so, since every
  // unqualified use in that package now means the user's.
  auto std_pkg = p.packages.find(std::string(kStd));
  if (std_pkg == p.packages.end()) return;
  for (const Symbol& s : p.symbols) {
    if (s.builtin) continue;
    auto shadowed = std_pkg->second.find(s.name);
    if (shadowed == std_pkg->second.end()) continue;
    c.diags().report(diag::Code::W0102, s.name_span(),
                     fmt::format("`{}` shadows `std.{}` of the standard library", s.name, s.name),
                     "shadows a prelude name")
        .with_help(fmt::format("in package `{}`, `{}` now means this declaration; write "
                               "`std.{}` for the standard one, or rename this",
                               s.package, s.name, s.name));
  }
}

std::vector<FileScope> BuildScopes(Checker& c) {
  Program& p = c.program();
  std::vector<FileScope> scopes;
  for (const SharedFile& shared : p.files) {
    const syntax::File& file = *shared;
    FileScope scope;
    scope.file = &file;
    if (file.package) scope.package = file.package->text;
    for (const syntax::Import& imp : file.imports) {
      const std::string& pkg = imp.package.text;
      if (pkg == scope.package) {
        c.diags().report(diag::Code::E0108, imp.package.span,
                         fmt::format("package `{}` imports itself", pkg), "this file's own package")
            .with_help("names of the same package need no import; remove this line");
        continue;
      }
      if (pkg != kStd && !p.packages.count(pkg)) {
        std::vector<std::string> known;
        for (const auto& [name, _] : p.packages) known.push_back(name);
        auto& d = c.diags().report(diag::Code::E0104, imp.package.span,
                                   fmt::format("no package named `{}` in this program", pkg),
                                   "unknown package");
        if (auto guess = diag::ClosestMatch(pkg, known)) {
          d.with_help(fmt::format("did you mean `{}`?", *guess)).fix(imp.package.span, *guess);
        } else {
          d.with_help("a package is every file that starts with `package NAME` under the paths "
                      "given to stave");
        }
        // Keep the prefix with no package: its uses are then not reported
        // again, one error per mistake.
        scope.imports.emplace(imp.prefix(), FileScope::ImportEntry{"", &imp, true});
        continue;
      }
      auto [it, inserted] = scope.imports.emplace(imp.prefix(), FileScope::ImportEntry{pkg, &imp});
      if (!inserted) {
        c.diags().report(diag::Code::E0105, imp.span,
                         fmt::format("the prefix `{}` is imported twice in this file", imp.prefix()),
                         "imported again here")
            .note("first imported here", it->second.import->span)
            .with_help("give one of them another prefix with `as`");
      }
    }
    scopes.push_back(std::move(scope));
  }
  return scopes;
}

SymbolId Checker::LookupIn(std::string_view package, std::string_view name) const {
  return program_.lookup(package, name);
}

std::vector<std::string> Checker::Candidates(const FileScope& scope, const std::string* package,
                                             std::initializer_list<DeclKind> kinds) const {
  std::vector<std::string> out;
  auto add_from = [&](const std::string& pkg) {
    auto it = program_.packages.find(pkg);
    if (it == program_.packages.end()) return;
    for (const auto& [name, id] : it->second) {
      if (KindIn(program_.symbol(id).kind, kinds)) out.push_back(name);
    }
  };
  if (package) {
    add_from(*package);
  } else {
    add_from(scope.package);
    add_from(std::string(kStd));
  }
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

SymbolId Checker::Peek(const FileScope& scope, const syntax::QualName& qn) const {
  if (qn.package) {
    const std::string& prefix = qn.package->text;
    std::string package;
    if (auto it = scope.imports.find(prefix); it != scope.imports.end()) package = it->second.package;
    else if (prefix == kStd || prefix == scope.package) package = prefix;
    else return kNoSymbol;
    return LookupIn(package, qn.name.text);
  }
  SymbolId id = LookupIn(scope.package, qn.name.text);
  return id != kNoSymbol ? id : LookupIn(kStd, qn.name.text);
}

SymbolId Checker::Resolve(FileScope& scope, const syntax::QualName& qn,
                          std::initializer_list<DeclKind> kinds) {
  // Only for messages: most names resolve, and building it was 3% of check.
  auto wanted = [&] { return KindList(kinds); };
  std::string package;
  if (qn.package) {
    const std::string& prefix = qn.package->text;
    if (auto it = scope.imports.find(prefix); it != scope.imports.end()) {
      it->second.used = true;
      package = it->second.package;
      if (package.empty()) return kNoSymbol;  // the import itself was reported
    } else if (prefix == kStd || prefix == scope.package) {
      package = prefix;
    } else if (program_.packages.count(prefix)) {
      diags_.report(diag::Code::E0103, qn.package->span,
                    fmt::format("package `{}` is not imported in this file", prefix),
                    "not imported")
          .with_help(fmt::format("add `import {}` after the `package` line", prefix));
      return kNoSymbol;
    } else {
      std::vector<std::string> prefixes;
      for (const auto& [name, _] : scope.imports) prefixes.push_back(name);
      auto& d = diags_.report(diag::Code::E0103, qn.package->span,
                              fmt::format("unknown package or import prefix `{}`", prefix),
                              "unknown prefix");
      if (auto guess = diag::ClosestMatch(prefix, prefixes)) {
        d.with_help(fmt::format("did you mean `{}`?", *guess)).fix(qn.package->span, *guess);
      }
      return kNoSymbol;
    }
  }

  SymbolId id = qn.package ? LookupIn(package, qn.name.text) : Peek(scope, qn);
  if (id == kNoSymbol) {
    std::string where = qn.package ? fmt::format(" in package `{}`", package) : "";
    auto& d = diags_.report(diag::Code::E0101, qn.name.span,
                            fmt::format("unknown {} `{}`{}",
                                        kinds.size() == 1 ? syntax::DeclKindName(*kinds.begin())
                                                          : "name",
                                        qn.name.text, where),
                            fmt::format("expected {}", wanted()));
    auto candidates = Candidates(scope, qn.package ? &package : nullptr, kinds);
    // A Kubernetes name (`payments-prod`) where the policy's name is meant,
    // as people write who think in the cluster's terms: say which one.
    const Symbol* by_k8s = nullptr;
    for (const Symbol& sym : program_.symbols) {
      if (sym.builtin || sym.k8s_name != qn.name.text || !KindIn(sym.kind, kinds)) continue;
      if (qn.package && sym.package != package) continue;
      by_k8s = &sym;
      break;
    }
    if (by_k8s) {
      std::string written = by_k8s->package == scope.package ? by_k8s->name : by_k8s->qualified();
      d.with_help(fmt::format("`{}` is the Kubernetes name of {} `{}`: write `{}`", qn.name.text,
                              syntax::DeclKindName(by_k8s->kind), by_k8s->qualified(), written));
      if (by_k8s->package == scope.package) d.fix(qn.span, written);
    } else if (auto guess = diag::ClosestMatch(qn.name.text, candidates)) {
      d.with_help(fmt::format("did you mean `{}`?", *guess)).fix(qn.name.span, *guess);
    } else if (!qn.package) {
      // Declared in a package this file has not imported?
      for (const auto& [pkg, names] : program_.packages) {
        auto it = names.find(qn.name.text);
        if (it == names.end() || pkg == scope.package) continue;
        d.with_help(fmt::format("`{}` is declared in package `{}`: write `{}.{}` and add "
                                "`import {}`",
                                qn.name.text, pkg, pkg, qn.name.text, pkg));
        break;
      }
    }
    return kNoSymbol;
  }

  if (program_.retain.references) program_.references.push_back({qn.name.span, id});
  const Symbol& s = program_.symbol(id);
  if (!KindIn(s.kind, kinds)) {
    diags_.report(diag::Code::E0201, qn.span,
                  fmt::format("`{}` is {}, but {} is expected here", qn.text(), Article(s.kind),
                              wanted()),
                  fmt::format("expected {}", wanted()))
        .label(s.name_span(), fmt::format("`{}` is declared as {} here", s.name, Article(s.kind)));
    return kNoSymbol;
  }
  return id;
}

std::vector<SymbolId> Checker::ResolveNamespaceList(FileScope& scope,
                                                    const std::vector<syntax::QualName>& names,
                                                    std::vector<base::Span>* spans) {
  std::vector<SymbolId> out;
  std::map<SymbolId, base::Span> first_span;
  for (const auto& n : names) {
    SymbolId id = Resolve(scope, n, {DeclKind::Namespace});
    if (id == kNoSymbol) continue;
    if (auto it = first_span.find(id); it != first_span.end()) {
      diags_.report(diag::Code::E0312, n.span,
                    fmt::format("namespace `{}` is listed twice", n.text()), "listed again")
          .note("first listed here", it->second);
      continue;
    }
    first_span.emplace(id, n.span);
    out.push_back(id);
    if (spans) spans->push_back(n.span);
  }
  return out;
}

FileScope& ScopeOf(std::vector<FileScope>& scopes, const Symbol& symbol) {
  // Files are analysed in file-id order, one scope each.
  return scopes[symbol.decl->name.span.file];
}

// What removing an import deletes: the import, and when nothing else is on
// its line, the whole line with its newline, so the quick fix leaves no
// blank line behind.
base::Span RemovalSpan(const base::SourceSet& sources, base::Span span) {
  std::string_view text = sources.file(span.file).text();
  uint32_t begin = span.begin, end = span.end;
  while (begin > 0 && (text[begin - 1] == ' ' || text[begin - 1] == '\t')) --begin;
  while (end < text.size() && (text[end] == ' ' || text[end] == '\t')) ++end;
  bool line_start = begin == 0 || text[begin - 1] == '\n';
  bool line_end = end == text.size() || text[end] == '\n' || text[end] == '\r';
  if (!line_start || !line_end) return span;
  if (end < text.size() && text[end] == '\r') ++end;
  if (end < text.size() && text[end] == '\n') ++end;
  return {span.file, begin, end};
}

void ReportUnusedImports(Checker& c, const std::vector<FileScope>& scopes) {
  for (const FileScope& scope : scopes) {
    for (const auto& [prefix, entry] : scope.imports) {
      if (entry.used) continue;
      c.diags().report(diag::Code::W0101, entry.import->span,
                       fmt::format("import `{}` is never used", prefix), "unused import")
          .with_help("remove it")
          .fix(RemovalSpan(c.sources(), entry.import->span), "");
    }
  }
}

}  // namespace stave::sema
