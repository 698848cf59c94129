// textDocument/completion: what fits at the cursor (completion_context.h
// decides), filled in from the checked program: names of the wanted kinds
// from the file's own package, the std prelude and imported packages (as
// `prefix.name`), keywords, verbs, methods, protocols and condition keys.
#include <fmt/format.h>

#include "compiler/lsp/completion_context.h"
#include "compiler/lsp/handlers.h"
#include "compiler/lsp/server.h"
#include "compiler/sema/values.h"

namespace stave::lsp {
namespace {

// LSP CompletionItemKind values.
struct ItemKind {
  static constexpr int kFunction = 3, kField = 5, kVariable = 6, kClass = 7, kInterface = 8, kModule = 9,
  kProperty = 10, kKeyword = 14, kEnumMember = 20, kStruct = 22, kReference = 18;
};

int ItemKindOf(syntax::DeclKind kind) {
  switch (kind) {
    case syntax::DeclKind::Namespace: return ItemKind::kModule;
    case syntax::DeclKind::User: return ItemKind::kVariable;
    case syntax::DeclKind::Group: return ItemKind::kStruct;
    case syntax::DeclKind::ServiceAccount: return ItemKind::kProperty;
    case syntax::DeclKind::Resource: return ItemKind::kField;
    case syntax::DeclKind::Action: return ItemKind::kFunction;
    case syntax::DeclKind::App: return ItemKind::kClass;
    case syntax::DeclKind::Pipeline: return ItemKind::kInterface;
    case syntax::DeclKind::Issuer: return ItemKind::kReference;
  }
  return ItemKind::kVariable;
}

constexpr size_t kMaxItems = 1000;

class ItemBuilder {
 public:
  ItemBuilder(const Analysis& a, base::FileId file, const CompletionContext& ctx, Range replace)
      : a_(a), file_(file), ctx_(ctx), replace_(replace) {}

  void Add(std::string label, int kind, std::string detail, std::string doc, char group) {
    if (list_.items.size() >= kMaxItems) {
      list_.isIncomplete = true;
      return;
    }
    CompletionItem item;
    item.sortText = group + label;
    item.textEdit = TextEdit{replace_, label};
    item.label = std::move(label);
    item.kind = kind;
    item.detail = std::move(detail);
    item.documentation = std::move(doc);
    list_.items.push_back(std::move(item));
  }

  // Names of package `package`, written `prefix.name` (or bare without a prefix).
  void AddNames(const std::string& package, const std::string& prefix, char group,
                const std::string* skip_package = nullptr) {
    const sema::Program& p = a_.program();
    auto pkg = p.packages.find(package);
    if (pkg == p.packages.end()) return;
    for (const auto& [name, id] : pkg->second) {
      const sema::Symbol& s = p.symbol(id);
      if (!Wanted(s.kind)) continue;
      // A std name the file's package shadows is not what the bare name means.
      if (skip_package && p.lookup(*skip_package, name) != sema::kNoSymbol) continue;
      Add(prefix.empty() ? name : prefix + "." + name, ItemKindOf(s.kind),
          fmt::format("{} {} = \"{}\"", syntax::DeclKindName(s.kind), s.qualified(), s.k8s_name),
          s.decl->doc, group);
    }
  }

  void AddAllNames() {
    const syntax::File& f = a_.syntax(file_);
    std::string own = f.package ? f.package->text : "";
    if (ctx_.qualifier) {
      const std::string& q = *ctx_.qualifier;
      std::string package;
      for (const syntax::Import& imp : f.imports) {
        if (imp.prefix() == q) package = imp.package.text;
      }
      if (package.empty() && (q == "std" || q == own)) package = q;
      if (!package.empty()) AddNames(package, "", '0');
      return;
    }
    if (!own.empty()) AddNames(own, "", '0');
    AddNames("std", "", '1', own.empty() ? nullptr : &own);
    for (const syntax::Import& imp : f.imports) AddNames(imp.package.text, imp.prefix(), '2');
  }

  CompletionList Build() {
    bool any_kind = ctx_.qualifier && ctx_.kinds.empty();
    if (!ctx_.kinds.empty() || any_kind) AddAllNames();
    if (ctx_.qualifier) return std::move(list_);  // only names follow a `prefix.`
    for (const std::string& kw : ctx_.keywords) Add(kw, ItemKind::kKeyword, "keyword", "", '3');
    if (ctx_.verbs) {
      for (const std::string& v : sema::KnownVerbs()) Add(v, ItemKind::kEnumMember, "verb", "", '4');
    }
    if (ctx_.http_methods) {
      for (const std::string& m : sema::HttpMethods()) Add(m, ItemKind::kEnumMember, "HTTP method", "", '4');
    }
    if (ctx_.protocols) {
      for (const std::string& proto : sema::PortProtocols()) {
        Add(proto, ItemKind::kEnumMember, sema::IsHttpProtocol(proto) ? "HTTP protocol" : "protocol", "", '4');
      }
    }
    if (ctx_.condition_keys) {
      for (const auto& key : sema::ConditionKeys()) {
        Add(std::string(key.name), ItemKind::kProperty, key.indexed ? "condition key, takes [NAME]" : "condition key",
            "", '4');
      }
    }
    if (ctx_.packages) {
      const syntax::File& f = a_.syntax(file_);
      for (const auto& [name, names] : a_.program().packages) {
        if (name == "std" || (f.package && f.package->text == name)) continue;
        Add(name, ItemKind::kModule, "package", "", '0');
      }
    }
    return std::move(list_);
  }

 private:
  bool Wanted(syntax::DeclKind kind) const {
    if (ctx_.kinds.empty()) return ctx_.qualifier.has_value();
    return std::find(ctx_.kinds.begin(), ctx_.kinds.end(), kind) != ctx_.kinds.end();
  }

  const Analysis& a_;
  base::FileId file_;
  const CompletionContext& ctx_;
  Range replace_;
  CompletionList list_;
};

}  // namespace

llvm::Expected<json::Value> HandleCompletion(Server& s, const CompletionParams& p) {
  const Analysis& a = s.analysis();
  std::optional<AnalyzedDocument> doc = a.DocumentAt(p.textDocument.uri);
  if (!doc) return CompletionList{};
  const base::FileId file = doc->file;
  uint32_t offset = a.Offset(file, p.position);
  CompletionContext ctx = AnalyzeCompletion(doc->source.text(), offset);
  if (ctx.empty() && !ctx.qualifier) return CompletionList{};
  Range replace{a.ToPosition(file, ctx.word_begin), a.ToPosition(file, offset)};
  return ItemBuilder(a, file, ctx, replace).Build();
}

}  // namespace stave::lsp
