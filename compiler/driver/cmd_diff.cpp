// `stave diff OLD NEW`: the permissions added and removed between two
// versions of a program, each side a path or a git revision, and the mesh
// requests whose decision changes (diff_mesh.h). Exit 0 when
// nothing changed, 1 when something did, 2 on errors. Output: human, JSON,
// or a Markdown table for a pull-request comment (`--format markdown`).
#include <algorithm>
#include <map>
#include <tuple>

#include <fmt/format.h>
#include <llvm/Support/JSON.h>

#include "compiler/access/permissions.h"
#include "compiler/diag/json_text.h"
#include "compiler/driver/commands.h"
#include "compiler/driver/diff_markdown.h"
#include "compiler/driver/diff_mesh.h"
#include "compiler/driver/git_source.h"
#include "compiler/driver/render.h"
#include "compiler/pipeline/compilation.h"

namespace stave::driver {
namespace {

struct Side {
  std::unique_ptr<pipeline::Compilation> compilation;
  std::vector<access::PermissionRow> rows;
};

// Git's empty tree, and the all-zero revision CI systems give as the base
// of a new branch (GitHub's `github.event.before`): a first policy pull
// request diffs against nothing.
bool IsEmptyBase(const std::string& spec) {
  static const std::string kEmptyTree = "4b825dc642cb6eb9a060e54bf8d69288fbee4904";
  if (spec.size() >= 7 && kEmptyTree.compare(0, spec.size(), spec) == 0) return true;
  return spec.size() >= 7 && spec.find_first_not_of('0') == std::string::npos;
}

// Loads and compiles one side; false (after printing why) on any error.
// Errors go to stderr as text whatever the format: stdout is the diff.
bool LoadSide(const std::string& spec, const Options& options, Side& side) {
  if (IsEmptyBase(spec)) return true;
  std::vector<std::string> paths = options.policy_paths.empty() ? std::vector<std::string>{"."}
                                                                : options.policy_paths;
  pipeline::LoadResult loaded = IsGitRevision(spec) ? LoadRevision(spec, paths) : pipeline::LoadPaths({spec});
  PrintLoadNotes(loaded.notes, options);
  if (!loaded.errors.empty()) {
    Options human = options;
    human.format = Format::Human;
    PrintLoadErrors(loaded.errors, human, stderr);
    fmt::print(stderr, "stave: error: cannot read `{}` (a path, a git revision, or {} for an "
                       "empty base)\n", spec, "4b825dc642cb6eb9a060e54bf8d69288fbee4904");
    return false;
  }
  pipeline::PipelineOptions stages;
  stages.lowering = {options.trust_domain, options.istio_dry_run};
  stages.retain = {.references = false, .expectations = false};
  side.compilation = pipeline::CompileFinished(std::move(loaded.inputs), stages);
  if (side.compilation->diagnostics.has_errors()) {
    fmt::print(stderr, "stave: error: `{}` does not compile:\n", spec);
    Options human = options;
    human.format = Format::Human;
    PrintDiagnostics(side.compilation->diagnostics, side.compilation->sources, human, stderr);
    return false;
  }
  side.rows = access::Permissions(*side.compilation->program, side.compilation->output);
  return true;
}

struct Change {
  char sign;  // '+' or '-'
  const access::PermissionRow* row;
};

std::vector<Change> Compare(const std::vector<access::PermissionRow>& before,
                            const std::vector<access::PermissionRow>& after) {
  std::vector<Change> changes;
  auto less = [](const access::PermissionRow& a, const access::PermissionRow& b) { return a.key() < b.key(); };
  size_t i = 0, j = 0;
  while (i < before.size() || j < after.size()) {
    if (j == after.size() || (i < before.size() && less(before[i], after[j]))) {
      changes.push_back({'-', &before[i++]});
    } else if (i == before.size() || less(after[j], before[i])) {
      changes.push_back({'+', &after[j++]});
    } else {
      ++i, ++j;
    }
  }
  // Audit rows last (spec §14: a section of their own), then grouped by
  // scope and subject, additions first.
  std::stable_sort(changes.begin(), changes.end(), [](const Change& a, const Change& b) {
    bool audit_a = a.row->kind == "audit", audit_b = b.row->kind == "audit";
    return std::tie(audit_a, a.row->scope, a.row->subject, a.row->kind, b.sign, a.row->what) <
           std::tie(audit_b, b.row->scope, b.row->subject, b.row->kind, a.sign, b.row->what);
  });
  return changes;
}

// One line of output (diff_markdown.h).
using Line = DiffRow;

std::vector<Line> Lines(const std::vector<Change>& changes) {
  std::vector<Line> lines;
  std::map<std::tuple<char, std::string, std::string, std::vector<std::string>, std::string>, size_t>
      by_object;
  for (const Change& c : changes) {
    const access::PermissionRow& r = *c.row;
    if (r.kind != "rbac") {
      lines.push_back({c.sign, &r, r.what});
      continue;
    }
    size_t space = r.what.find(' ');
    std::string verb = r.what.substr(0, space), object = r.what.substr(space + 1);
    auto key = std::make_tuple(c.sign, r.scope, r.subject, r.rules, object);
    auto it = by_object.find(key);
    if (it == by_object.end()) {
      by_object.emplace(key, lines.size());
      lines.push_back({c.sign, &r, r.what});
    } else {
      Line& line = lines[it->second];
      line.what.insert(line.what.size() - object.size() - 1, ", " + verb);
    }
  }
  return lines;
}

std::string Rules(const access::PermissionRow& r) {
  std::string out;
  for (const auto& rule : r.rules) out += (out.empty() ? "" : "; ") + rule;
  return out;
}

bool IsAudit(const Change& c) { return c.row->kind == "audit"; }

void PrintHuman(const std::vector<Change>& changes, size_t added, size_t removed) {
  fmt::print("{} added, {} removed\n", added, removed);
  std::string scope, subject;
  bool audit = false;
  for (const Line& c : Lines(changes)) {
    if (c.row->kind == "audit" && !audit) {  // spec §14: a section of their own
      audit = true;
      scope.clear();
      fmt::print("\naudit: what the API server and the mesh record\n");
    }
    if (c.row->scope != scope) {
      scope = c.row->scope;
      subject.clear();
      fmt::print("\n{}\n", scope == "cluster" ? "cluster-wide" : "namespace " + scope);
    }
    if (c.row->subject != subject) {
      subject = c.row->subject;
      fmt::print("  {}\n", subject);
    }
    fmt::print("    {} {}\n        {}\n", c.sign, c.what, Rules(*c.row));
  }
}

std::string Requests(const MeshDecisionChange& m) {
  std::string out;
  for (const auto& e : m.examples) out += (out.empty() ? "" : ", ") + e;
  return out;
}

void PrintMeshHuman(const std::vector<MeshDecisionChange>& mesh) {
  if (mesh.empty()) return;
  fmt::print("\nmesh requests that change (both versions asked)\n");
  std::string scope;
  for (const MeshDecisionChange& m : mesh) {
    if (m.scope != scope) {
      scope = m.scope;
      fmt::print("\nnamespace {}\n", scope);
    }
    fmt::print("  {} {} {} call {}: {}\n        {} {}\n", m.sign, m.source, m.sign == '+' ? "may now" : "may no longer",
               m.workloads, Requests(m), m.sign == '+' ? "admitted by" : "admitted before by", m.decided_by);
  }
}

llvm::json::Array MeshJson(const std::vector<MeshDecisionChange>& mesh) {
  llvm::json::Array out;
  for (const MeshDecisionChange& m : mesh) {
    llvm::json::Array requests;
    for (const auto& e : m.examples) requests.push_back(e);
    out.push_back(llvm::json::Object{{"change", m.sign == '+' ? "admitted" : "refused"},
                                     {"scope", m.scope},
                                     {"source", m.source},
                                     {"workloads", m.workloads},
                                     {"requests", std::move(requests)},
                                     {"decidedBy", m.decided_by}});
  }
  return out;
}

std::string MeshMarkdown(const std::vector<MeshDecisionChange>& mesh) {
  if (mesh.empty()) return "";
  size_t plus = std::count_if(mesh.begin(), mesh.end(), [](const MeshDecisionChange& m) { return m.sign == '+'; });
  std::string out = fmt::format("\n#### Mesh requests that change ({} now admitted, {} now refused)\n\n", plus,
                                mesh.size() - plus);
  // A first policy closes much that was open: a long table is collapsed,
  // as the rows' is (diff_markdown.h).
  bool collapse = mesh.size() > kCollapseRowsAfter;
  if (collapse) out += "<details><summary>every caller and callee</summary>\n\n";
  out += "| change | namespace | caller | callee | requests | decided by |\n|---|---|---|---|---|---|\n";
  for (const MeshDecisionChange& m : mesh) {
    out += fmt::format("| {} | {} | {} | {} | {} | {} |\n", m.sign == '+' ? "admitted" : "refused",
                       MarkdownCell(m.scope), MarkdownCell(m.source), MarkdownCell(m.workloads),
                       MarkdownCell(Requests(m)), MarkdownCell(m.decided_by));
  }
  if (collapse) out += "\n</details>\n";
  return out;
}

void PrintJson(const std::vector<Change>& changes, const std::vector<MeshDecisionChange>& mesh) {
  llvm::json::Array added, removed, audit_added, audit_removed;
  for (const Change& c : changes) {
    llvm::json::Array rules;
    for (const auto& r : c.row->rules) rules.push_back(r);
    llvm::json::Object o{{"kind", c.row->kind},
                         {"scope", c.row->scope},
                         {"subject", c.row->subject},
                         {"permission", c.row->what},
                         {"rules", std::move(rules)}};
    if (IsAudit(c)) (c.sign == '+' ? audit_added : audit_removed).push_back(std::move(o));
    else (c.sign == '+' ? added : removed).push_back(std::move(o));
  }
  llvm::json::Object doc{{"added", std::move(added)}, {"removed", std::move(removed)}};
  if (!audit_added.empty() || !audit_removed.empty()) {
    doc["audit"] = llvm::json::Object{{"added", std::move(audit_added)},
                                      {"removed", std::move(audit_removed)}};
  }
  if (!mesh.empty()) doc["mesh"] = MeshJson(mesh);
  fmt::print("{}", diag::JsonText(std::move(doc)));
}

}  // namespace

int RunDiff(const Options& options) {
  if (options.args.size() != 2) {
    fmt::print(stderr, "stave: error: `stave diff` takes OLD and NEW (each a path or a git "
                       "revision), e.g. `stave diff main .`\n");
    return kExitUsage;
  }
  Side before, after;
  if (!LoadSide(options.args[0], options, before) || !LoadSide(options.args[1], options, after)) {
    return kExitUsage;
  }
  std::vector<Change> changes = Compare(before.rows, after.rows);
  std::stable_partition(changes.begin(), changes.end(), [](const Change& c) { return !IsAudit(c); });
  size_t added = std::count_if(changes.begin(), changes.end(), [](const Change& c) { return c.sign == '+'; });
  size_t removed = changes.size() - added;
  auto side = [](const Side& s) {
    return s.compilation ? DiffSide{s.compilation->program.get(), &s.compilation->output} : DiffSide{};
  };
  std::vector<MeshDecisionChange> mesh = MeshDecisionChanges(side(before), side(after), options.trust_domain);
  switch (options.format) {
    case Format::Json: PrintJson(changes, mesh); break;
    case Format::Markdown: fmt::print("{}{}", DiffMarkdown(Lines(changes)), MeshMarkdown(mesh)); break;
    default:
      PrintHuman(changes, added, removed);
      PrintMeshHuman(mesh);
      break;
  }
  return changes.empty() ? kExitOk : kExitPolicyError;
}

}  // namespace stave::driver
