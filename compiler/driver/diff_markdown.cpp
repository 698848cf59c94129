// The Markdown of `stave diff` (GitHub-flavoured: tables, <details>).
#include "compiler/driver/diff_markdown.h"

#include <algorithm>
#include <map>
#include <sstream>

#include <fmt/format.h>

namespace stave::driver {
namespace {

std::vector<std::string> Words(std::string_view what) {
  std::vector<std::string> words;
  std::string word;
  for (char c : what) {
    if (c == ' ' || c == ',') {
      if (!word.empty()) words.push_back(word);
      word.clear();
    } else {
      word += c;
    }
  }
  if (!word.empty()) words.push_back(word);
  return words;
}

bool Has(const std::vector<std::string>& words, std::initializer_list<const char*> any) {
  for (const std::string& w : words) {
    for (const char* a : any) {
      if (w == a) return true;
    }
  }
  return false;
}

// Inside a code span nothing is markup but `|` (the table) and the
// backtick itself, which a longer fence avoids.
std::string CodeCell(std::string_view text) {
  std::string body;
  for (char c : text) {
    if (c == '|') body += "\\|";
    else if (c == '\n') body += ' ';
    else body += c;
  }
  bool tick = body.find('`') != std::string::npos;
  return tick ? "`` " + body + " ``" : "`" + body + "`";
}

std::string Table(const std::vector<const DiffRow*>& rows) {
  std::string out = "| | scope | subject | permission | rule |\n|---|---|---|---|---|\n";
  for (const DiffRow* r : rows) {
    std::string change = r->sign == '+' ? "added" : "removed";
    if (std::string_view risk = RiskOf(*r->row, r->what); !risk.empty()) {
      change = fmt::format("{} :warning: {}", change, risk);
    }
    std::string rules;
    for (const std::string& rule : r->row->rules) rules += (rules.empty() ? "" : "<br>") + MarkdownCell(rule);
    out += fmt::format("| {} | {} | {} | {} | {} |\n", change, MarkdownCell(r->row->scope),
                       MarkdownCell(r->row->subject), CodeCell(r->what), rules);
  }
  return out;
}

}  // namespace

std::string MarkdownCell(std::string_view text) {
  std::string out;
  for (char c : text) {
    if (c == '\n') out += "<br>";
    else if (std::string_view("\\`*_[]<>|~&").find(c) != std::string_view::npos) {
      out += '\\';
      out += c;
    } else {
      out += c;
    }
  }
  return out;
}

std::string_view RiskOf(const access::PermissionRow& row, std::string_view what) {
  std::vector<std::string> w = Words(what);
  if (row.kind == "mesh") {
    return row.subject == "anyone" && what.rfind("ALLOW", 0) == 0 ? "W0509" : "";
  }
  if (row.kind != "rbac") return "";
  if (Has(w, {"*"})) return "W0501";
  if (Has(w, {"escalate", "bind", "impersonate"})) return "W0503";
  if (Has(w, {"nodes/proxy"})) return "W0507";
  if (Has(w, {"pods/exec", "pods/attach", "pods/portforward"})) return "W0505";
  if (Has(w, {"serviceaccounts/token"})) return "W0506";
  if (Has(w, {"secrets"})) return "W0502";
  bool rbac_object = Has(w, {"roles.rbac.authorization.k8s.io", "rolebindings.rbac.authorization.k8s.io",
                             "clusterroles.rbac.authorization.k8s.io",
                             "clusterrolebindings.rbac.authorization.k8s.io"});
  if (rbac_object && Has(w, {"create", "update", "patch", "delete", "deletecollection"})) return "W0504";
  if (row.scope == "cluster") return "W0508";
  return "";
}

std::string AccessMarkdown(const std::vector<DiffRow>& rows);

// Audit rows (spec §14) come last from cmd_diff and get a section of their
// own: they change what is recorded, not who may do what.
std::string DiffMarkdown(const std::vector<DiffRow>& rows) {
  auto first_audit = std::find_if(rows.begin(), rows.end(),
                                  [](const DiffRow& r) { return r.row->kind == "audit"; });
  std::vector<DiffRow> access(rows.begin(), first_audit), audit(first_audit, rows.end());
  std::string out = AccessMarkdown(access);
  if (audit.empty()) return out;
  size_t plus = 0;
  std::vector<const DiffRow*> all;
  for (const DiffRow& r : audit) {
    plus += r.sign == '+';
    all.push_back(&r);
  }
  return out + fmt::format("\n#### Audit: what the API server and the mesh record ({} added, {} "
                           "removed)\n\n{}",
                           plus, audit.size() - plus, Table(all));
}

std::string AccessMarkdown(const std::vector<DiffRow>& rows) {
  size_t added = 0;
  for (const DiffRow& r : rows) added += r.sign == '+';
  std::string out = fmt::format("### stave diff: {} added, {} removed\n\n", added, rows.size() - added);
  if (rows.empty()) return out + "No permission changes.\n";
  size_t risky = 0;
  for (const DiffRow& r : rows) risky += !RiskOf(*r.row, r.what).empty();
  if (risky > 0) {
    out += fmt::format("{} row{} marked :warning: grant{} what a risk lint warns about "
                       "(`stave explain CODE`).\n\n",
                       risky, risky == 1 ? "" : "s", risky == 1 ? "s" : "");
  }
  std::vector<const DiffRow*> all;
  for (const DiffRow& r : rows) all.push_back(&r);
  if (rows.size() <= kCollapseRowsAfter) return out + Table(all);
  // Rows arrive grouped by scope (cmd_diff sorts them so).
  std::map<std::string, std::vector<const DiffRow*>> by_scope;
  for (const DiffRow* r : all) by_scope[r->row->scope].push_back(r);
  for (const auto& [scope, scoped] : by_scope) {
    size_t plus = 0;
    for (const DiffRow* r : scoped) plus += r->sign == '+';
    out += fmt::format("<details><summary>{}: {} added, {} removed</summary>\n\n{}\n</details>\n\n",
                       scope == "cluster" ? "cluster-wide" : "namespace " + MarkdownCell(scope), plus,
                       scoped.size() - plus, Table(scoped));
  }
  return out;
}

}  // namespace stave::driver
