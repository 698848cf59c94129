// Suppression comments: found among each file's comments, matched to the
// item that follows them, applied to warnings only (errors cannot be
// silenced: they mean the output would be wrong).
#include "compiler/sema/suppress.h"

#include <algorithm>
#include <regex>

#include <fmt/format.h>

namespace stave::sema {
namespace {

struct Allow {
  diag::Code code;
  base::Span comment;
  base::Span item;  // the declaration, rule or test it applies to
  bool used = false;
};

// The span of the first item that starts after `offset`, if any.
std::optional<base::Span> NextItem(const syntax::File& f, uint32_t offset) {
  std::optional<base::Span> best;
  auto consider = [&](const base::Span& s) {
    if (s.begin >= offset && (!best || s.begin < best->begin)) best = s;
  };
  for (const auto& d : f.decls) consider(d.span);
  for (const auto& r : f.rules) consider(r.span);
  for (const auto& t : f.tests) consider(t.span);
  return best;
}

}  // namespace

void ApplySuppressions(const base::SourceSet& sources, const std::vector<syntax::SharedFile>& files,
                       diag::DiagnosticList& diags) {
  static const std::regex kAllow(R"(^//\s*stave:allow\s+(\S+)\s*(.*)$)");
  std::vector<Allow> allows;
  diag::DiagnosticList extra;
  for (const syntax::SharedFile& shared : files) {
    const syntax::File& f = *shared;
    if (f.file == base::kNoFile || sources.file(f.file).is_builtin()) continue;
    for (const syntax::Comment& c : f.comments) {
      std::smatch m;
      if (!std::regex_match(c.text, m, kAllow)) continue;
      auto code = diag::ParseCode(m[1].str());
      if (!code || diag::Info(*code).severity != diag::Severity::Warning) {
        extra.report(diag::Code::W0104, c.span,
                     fmt::format("`{}` is not a warning code, so it cannot be allowed", m[1].str()),
                     "not a warning code")
            .with_help("only warnings (Wxxxx) can be silenced; see `stave explain CODE`");
        continue;
      }
      if (m[2].str().find_first_not_of(" \t") == std::string::npos) {
        extra.report(diag::Code::W0103, c.span, "this `stave:allow` gives no reason",
                     "no reason after the code")
            .with_help(fmt::format("say why the warning is acceptable: `// stave:allow {} REASON`",
                                   m[1].str()));
      }
      auto item = NextItem(f, c.span.end);
      if (!item) {
        extra.report(diag::Code::W0104, c.span, "this `stave:allow` is followed by nothing it "
                     "could apply to", "nothing follows");
        continue;
      }
      allows.push_back({*code, c.span, *item});
    }
  }
  auto& items = diags.items();
  items.erase(std::remove_if(items.begin(), items.end(),
                             [&](const diag::Diagnostic& d) {
                               if (d.severity != diag::Severity::Warning) return false;
                               for (Allow& a : allows) {
                                 if (a.code == d.code && a.item.contains(d.primary.span)) {
                                   a.used = true;
                                   return true;
                                 }
                               }
                               return false;
                             }),
              items.end());
  for (const Allow& a : allows) {
    if (a.used) continue;
    extra.report(diag::Code::W0104, a.comment,
                 fmt::format("this `stave:allow {}` silences nothing", diag::Info(a.code).name),
                 "no such warning in the next item")
        .with_help("remove it: the warning it was for is gone");
  }
  diags.append(extra);
  diags.sort();
}

}  // namespace stave::sema
