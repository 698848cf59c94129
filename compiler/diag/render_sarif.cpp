// SARIF 2.1.0, as GitHub code scanning takes it: one run; the rules with a
// readable name, the long explanation (`stave explain`) as help, a helpUri
// at the catalog's anchor and a security-severity for the risk lints;
// results that all have a location and a fingerprint that survives line
// moves. What belongs to no file (a path that cannot be read) is a tool
// execution notification, since GitHub rejects a result without a location.
#include <llvm/Support/JSON.h>

#include <cctype>
#include <map>

#include "compiler/diag/explain.h"
#include "compiler/diag/json_text.h"
#include "compiler/diag/machine_text.h"
#include "compiler/diag/render_machine.h"

namespace stave::diag {
namespace {

// Failing test expectations are results of this rule, which has no code.
constexpr const char* kTestRule = "stave-test";

// SARIF's levels are stave's severity names (error, warning, note).
std::string Level(Severity s) { return std::string(SeverityName(s)); }

llvm::json::Object PhysicalLocation(const base::SourceSet& sources, base::Span span) {
  const base::SourceFile& f = sources.file(span.file);
  base::LineCol b = f.position(span.begin), e = f.position(span.end);
  return llvm::json::Object{
      {"physicalLocation",
       llvm::json::Object{{"artifactLocation", llvm::json::Object{{"uri", SarifUri(f.path())}}},
                          {"region", llvm::json::Object{{"startLine", b.line},
                                                        {"startColumn", b.column},
                                                        {"endLine", e.line},
                                                        {"endColumn", e.column}}}}}};
}

// The heading `### CODE: summary` of docs/diagnostics.md as GitHub anchors
// it: lowercase, punctuation dropped, each space a hyphen.
std::string Anchor(const CodeInfo& info) {
  std::string heading = std::string(info.name) + ": " + std::string(info.summary);
  std::string out;
  for (unsigned char c : heading) {
    if (c == ' ') out += '-';
    else if (std::isalnum(c) || c == '-' || c == '_' || c >= 0x80) out += static_cast<char>(std::tolower(c));
  }
  return out;
}

// "a wildcard verb or resource" -> "WildcardVerbOrResource".
std::string ReadableName(std::string_view summary) {
  std::vector<std::string> words(1);
  for (unsigned char c : summary) {
    if (std::isalnum(c)) words.back() += static_cast<char>(c);
    else if (!words.back().empty()) words.emplace_back();
  }
  std::string out;
  for (size_t i = 0; i < words.size(); ++i) {
    std::string& w = words[i];
    if (w.empty() || (i == 0 && (w == "a" || w == "an" || w == "the"))) continue;
    w[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(w[0])));
    out += w;
  }
  return out;
}

// GitHub ranks security alerts by this score (>= 9 critical, >= 7 high,
// >= 4 medium): what an attacker holding the grant could reach
// (docs/ci.md lists them).
const char* SecuritySeverity(Code code) {
  switch (code) {
    case Code::W0501: return "8.0";  // wildcard verb or resource
    case Code::W0502: return "7.5";  // Secrets
    case Code::W0503: return "9.0";  // escalate, bind, impersonate
    case Code::W0504: return "8.5";  // writing RBAC objects
    case Code::W0505: return "7.0";  // exec, attach, port-forward
    case Code::W0506: return "7.5";  // serviceaccount tokens
    case Code::W0507: return "9.0";  // nodes/proxy
    case Code::W0508: return "5.0";  // cluster-wide
    case Code::W0509: return "6.0";  // `any` may call
    case Code::W0510: return "8.5";  // escalation path
    default: return nullptr;
  }
}

llvm::json::Object Rule(const CodeInfo& info, const std::string& docs_url) {
  auto e = Explain(info.code);
  std::string text = e ? e->body : std::string(info.summary);
  llvm::json::Object rule{
      {"id", std::string(info.name)},
      {"name", ReadableName(info.summary)},
      {"shortDescription", llvm::json::Object{{"text", std::string(info.summary)}}},
      {"fullDescription", llvm::json::Object{{"text", std::string(info.summary)}}},
      {"help", llvm::json::Object{{"text", text}, {"markdown", text}}},
      {"helpUri", docs_url + "#" + Anchor(info)},
      {"defaultConfiguration", llvm::json::Object{{"level", Level(info.severity)}}}};
  if (const char* score = SecuritySeverity(info.code)) {
    rule["properties"] = llvm::json::Object{{"security-severity", score},
                                            {"tags", llvm::json::Array{"security", "rbac"}}};
  }
  return rule;
}

llvm::json::Object TestRule() {
  const char* text =
      "A `test` block's expectation does not hold for the objects stave generates: the "
      "request it describes is allowed where the test expects it denied, or denied where it "
      "expects it allowed. The message names the request and the object that decided it.";
  return llvm::json::Object{
      {"id", kTestRule},
      {"name", "FailingTestExpectation"},
      {"shortDescription", llvm::json::Object{{"text", "a test expectation that does not hold"}}},
      {"fullDescription", llvm::json::Object{{"text", text}}},
      {"help", llvm::json::Object{{"text", text}, {"markdown", text}}},
      {"defaultConfiguration", llvm::json::Object{{"level", "error"}}}};
}

llvm::json::Array Related(const base::SourceSet& sources, const Diagnostic& d) {
  llvm::json::Array related;
  for (const Label& l : d.secondary) {
    if (!l.span.valid()) continue;
    llvm::json::Object loc = PhysicalLocation(sources, l.span);
    loc["message"] = llvm::json::Object{{"text", l.message.empty() ? "related" : l.message}};
    related.push_back(std::move(loc));
  }
  for (const Note& n : d.notes) {
    if (!n.span.valid()) continue;  // in the message (FlatMessage)
    llvm::json::Object loc = PhysicalLocation(sources, n.span);
    loc["message"] = llvm::json::Object{{"text", n.message}};
    related.push_back(std::move(loc));
  }
  return related;
}

llvm::json::Object Notification(const std::string& id, const std::string& level, std::string text) {
  return llvm::json::Object{{"descriptor", llvm::json::Object{{"id", id}}},
                            {"level", level},
                            {"message", llvm::json::Object{{"text", std::move(text)}}}};
}

// Rules in first-reported order; results point at them by index.
class RuleSet {
 public:
  size_t IndexOf(const std::string& id) {
    auto it = index_.find(id);
    if (it != index_.end()) return it->second;
    order_.push_back(id);
    return index_.emplace(id, order_.size() - 1).first->second;
  }
  llvm::json::Array Rules(const std::string& docs_url) const {
    llvm::json::Array out;
    for (const std::string& id : order_) {
      out.push_back(id == kTestRule ? TestRule() : Rule(Info(*ParseCode(id)), docs_url));
    }
    return out;
  }

 private:
  std::map<std::string, size_t> index_;
  std::vector<std::string> order_;
};

}  // namespace

std::string SarifUri(const std::string& path) {
  std::string out = !path.empty() && path[0] == '/' ? "file://" : "";
  for (char c : path) {
    if (c == ' ') out += "%20";
    else if (c == '%') out += "%25";
    else out += c;
  }
  return out;
}

std::string RenderSarif(const RunReport& r) {
  RuleSet rules;
  Fingerprints fingerprints;
  llvm::json::Array results, notifications;
  auto result = [&](const std::string& id, const std::string& level, const std::string& text,
                    base::Span span) {
    llvm::json::Object o{{"ruleId", id},
                         {"ruleIndex", rules.IndexOf(id)},
                         {"level", level},
                         {"message", llvm::json::Object{{"text", text}}},
                         {"locations", llvm::json::Array{PhysicalLocation(*r.sources, span)}},
                         {"partialFingerprints",
                          llvm::json::Object{{"stave/v1", fingerprints.Next(id, r.sources, span, text)}}}};
    return o;
  };
  if (r.diagnostics) {
    for (const Diagnostic& d : r.diagnostics->items()) {
      std::string id(Info(d.code).name), text = FlatMessage(d);
      if (!d.primary.span.valid() || r.sources == nullptr) {
        notifications.push_back(Notification(id, Level(d.severity), text));
        continue;
      }
      llvm::json::Object o = result(id, Level(d.severity), text, d.primary.span);
      llvm::json::Array related = Related(*r.sources, d);
      if (!related.empty()) o["relatedLocations"] = std::move(related);
      results.push_back(std::move(o));
    }
  }
  for (const TestFailureReport& f : r.test_failures) {
    std::string text = "test `" + f.test + "`: " + f.message;
    if (!f.span.valid() || r.sources == nullptr) {
      notifications.push_back(Notification(kTestRule, "error", text));
    } else {
      results.push_back(result(kTestRule, "error", text, f.span));
    }
  }
  for (const std::string& e : r.load_errors) notifications.push_back(Notification("E0011", "error", e));
  llvm::json::Object invocation{{"executionSuccessful", r.load_errors.empty()}};
  if (!notifications.empty()) invocation["toolExecutionNotifications"] = std::move(notifications);
  llvm::json::Object run{
      {"tool", llvm::json::Object{{"driver", llvm::json::Object{{"name", "stave"},
                                                               {"semanticVersion", r.tool_version},
                                                               {"informationUri", r.docs_url},
                                                               {"rules", rules.Rules(r.docs_url)}}}}},
      {"invocations", llvm::json::Array{std::move(invocation)}},
      {"columnKind", "unicodeCodePoints"},
      {"results", std::move(results)}};
  llvm::json::Object root{{"$schema", "https://json.schemastore.org/sarif-2.1.0.json"},
                          {"version", "2.1.0"},
                          {"runs", llvm::json::Array{std::move(run)}}};
  return JsonText(std::move(root));
}

}  // namespace stave::diag
