// Reading Kubernetes YAML and JSON with yaml-cpp: documents are split,
// `List`s unwrapped, metadata resolved and content flattened here; the
// per-kind model is built in model.cpp. yaml-cpp's exceptions stop at this
// file's boundary.
#include <algorithm>
#include <optional>
#include <set>
#include <sstream>
#include <tuple>

#include <fmt/format.h>
#include <yaml-cpp/eventhandler.h>
#include <yaml-cpp/yaml.h>

#include "compiler/emit/yaml.h"
#include "compiler/kube/read_internal.h"

namespace stave::kube {
namespace {

// A document's nodes are visited at most this many times: aliases share
// nodes, and `&a [*a, *a]` nested twenty deep would otherwise be visited a
// million times over.
constexpr size_t kNodeBudget = 1'000'000;

// Added by the API server (or kubectl), not part of what an object says.
const std::set<std::string> kServerMetadata = {
    "uid", "resourceVersion", "creationTimestamp", "generation", "managedFields",
    "selfLink", "deletionTimestamp", "deletionGracePeriodSeconds", "namespace", "name"};
constexpr const char* kLastApplied = "kubectl.kubernetes.io/last-applied-configuration";

const std::set<std::string> kReadKinds = {
    "ServiceAccount",     "Role",          "ClusterRole",
    "RoleBinding",        "ClusterRoleBinding",
    "AuthorizationPolicy", "PeerAuthentication", "RequestAuthentication",
    "ValidatingAdmissionPolicy", "ValidatingAdmissionPolicyBinding",
    // Emitted for call audit rules (spec §14): drift must see it to say
    // whether a managed one is missing or changed; compared by content.
    "Telemetry"};

bool Flatten(const YAML::Node& n, const std::string& path, std::map<std::string, std::string>& out,
             size_t& budget) {
  if (budget == 0) return false;
  --budget;
  switch (n.Type()) {
    case YAML::NodeType::Scalar: out[path] = n.Scalar(); return true;
    case YAML::NodeType::Sequence: {
      size_t i = 0;
      for (const YAML::Node& item : n) {
        if (!Flatten(item, fmt::format("{}[{}]", path, i++), out, budget)) return false;
      }
      return true;
    }
    case YAML::NodeType::Map:
      for (const auto& kv : n) {
        std::string key = kv.first.IsScalar() ? kv.first.Scalar() : "?";
        if (!Flatten(kv.second, path.empty() ? key : path + "." + key, out, budget)) return false;
      }
      return true;
    default: return true;  // null and undefined say nothing
  }
}

class DocumentReader {
 public:
  DocumentReader(const std::string& file, const std::string& default_ns, ReadResult& out,
                 std::map<std::string, size_t>& skipped, std::map<std::string, Origin>& first_skip)
      : file_(file), default_ns_(default_ns), out_(out), skipped_(skipped), first_skip_(first_skip) {}

  void Document(const YAML::Node& doc, int depth) {
    if (doc.IsNull()) return;  // an empty document (`---` at the end)
    if (!doc.IsMap()) return Error(doc, "a document must be a Kubernetes object (a mapping)");
    std::string kind = Scalar(doc["kind"]);
    if (kind.empty()) return Error(doc, "the object has no `kind`");
    const YAML::Node items = doc["items"];
    if (kind == "List" || (kind.size() > 4 && kind.ends_with("List") && items)) {
      if (depth > 0) return Error(doc, "a `List` inside a `List`");
      if (!items) return;
      if (!items.IsSequence()) return Error(items, "`items` of a `List` must be a list");
      for (const YAML::Node& item : items) Document(item, depth + 1);
      return;
    }
    if (!IsReadKind(kind)) {
      if (skipped_[kind]++ == 0) first_skip_[kind] = At(doc);
      return;
    }
    Object(doc, kind);
  }

 private:
  Origin At(const YAML::Node& n) const {
    YAML::Mark m = n.Mark();
    return {file_, m.line + 1, m.column + 1};
  }
  void Error(const YAML::Node& n, std::string message) { out_.errors.push_back({At(n), std::move(message)}); }

  static std::string Scalar(const YAML::Node& n) { return n && n.IsScalar() ? n.Scalar() : ""; }

  void Object(const YAML::Node& doc, const std::string& kind) {
    ClusterObject o;
    o.kind = kind;
    o.origin = At(doc);
    o.api_version = Scalar(doc["apiVersion"]);
    const YAML::Node meta = doc["metadata"];
    if (!meta || !meta.IsMap()) return Error(doc, fmt::format("the {} has no `metadata`", kind));
    o.name = Scalar(meta["name"]);
    if (o.name.empty()) return Error(meta, fmt::format("the {} has no `metadata.name`", kind));
    if (IsNamespacedKind(kind)) {
      o.ns = Scalar(meta["namespace"]);
      if (o.ns.empty()) o.ns = default_ns_;
    }
    size_t budget = kNodeBudget;
    for (const auto& kv : doc) {
      std::string key = kv.first.IsScalar() ? kv.first.Scalar() : "";
      if (key == "apiVersion" || key == "kind" || key == "status") continue;
      if (kind == "ServiceAccount" && key == "secrets") continue;  // the token controller's
      if (key == "metadata") {
        for (const auto& m : meta) {
          std::string mk = m.first.IsScalar() ? m.first.Scalar() : "";
          if (kServerMetadata.count(mk)) continue;
          if (!Flatten(m.second, "metadata." + mk, o.content, budget)) break;
        }
        o.content.erase("metadata.annotations." + std::string(kLastApplied));
        continue;
      }
      if (!Flatten(kv.second, key, o.content, budget)) break;
    }
    if (budget == 0) {
      return Error(doc, fmt::format("the {} `{}` is too large (over {} nodes with aliases expanded)",
                                    kind, o.name, kNodeBudget));
    }
    std::vector<Problem> errors;
    BuildModel(doc, o, errors);
    if (!errors.empty()) {
      out_.errors.insert(out_.errors.end(), errors.begin(), errors.end());
      return;
    }
    out_.objects.push_back(std::move(o));
  }

  const std::string& file_;
  const std::string& default_ns_;
  ReadResult& out_;
  std::map<std::string, size_t>& skipped_;
  std::map<std::string, Origin>& first_skip_;
};

// yaml-cpp 0.7 never stops on a `,` outside any list or mapping (`,` or
// `{a: 1},` as a document): it yields empty documents forever, until memory
// runs out. Such a `,` can only follow a line start, blanks, `]`, `}` or
// another `,`; only texts with one get a first pass that counts documents
// with the event parser, which stops where the stream stops advancing.
class DocumentCounter : public YAML::EventHandler {
 public:
  void OnDocumentStart(const YAML::Mark& mark) override { last = mark; }
  void OnDocumentEnd() override {}
  void OnNull(const YAML::Mark&, YAML::anchor_t) override { ++events; }
  void OnAlias(const YAML::Mark&, YAML::anchor_t) override { ++events; }
  void OnScalar(const YAML::Mark&, const std::string&, YAML::anchor_t, const std::string&) override { ++events; }
  void OnSequenceStart(const YAML::Mark&, const std::string&, YAML::anchor_t, YAML::EmitterStyle::value) override { ++events; }
  void OnSequenceEnd() override {}
  void OnMapStart(const YAML::Mark&, const std::string&, YAML::anchor_t, YAML::EmitterStyle::value) override { ++events; }
  void OnMapEnd() override {}
  YAML::Mark last;
  size_t events = 0;
};

bool MayHaveStrayComma(const std::string& text) {
  char before = '\n';
  for (char c : text) {
    if (c == ',' && (before == '\n' || before == ']' || before == '}' || before == ',')) return true;
    if (c != ' ' && c != '\t') before = c;
  }
  return false;
}

// Where the stream stops advancing, if it does.
std::optional<YAML::Mark> StrayComma(const std::string& text) {
  if (text.find(',') == std::string::npos) return std::nullopt;
  size_t bound = 2;
  for (size_t at = text.find("--"); at != std::string::npos; at = text.find("--", at + 2)) ++bound;
  for (size_t at = text.find(".."); at != std::string::npos; at = text.find("..", at + 2)) ++bound;
  std::istringstream in(text);
  YAML::Parser parser(in);
  DocumentCounter counter;
  for (size_t docs = 0; parser.HandleNextDocument(counter);) {
    if (++docs > bound) return counter.last;
  }
  return std::nullopt;
}

void ReadFile(const InputFile& f, const std::string& default_ns, ReadResult& out,
              std::map<std::string, size_t>& skipped, std::map<std::string, Origin>& first_skip) {
  DocumentReader reader(f.path, default_ns, out, skipped, first_skip);
  try {
    if (auto mark = StrayComma(f.text)) {
      out.errors.push_back({{f.path, mark->line + 1, mark->column + 1},
                            "malformed YAML: a `,` outside any list or mapping"});
      return;
    }
    for (const YAML::Node& doc : YAML::LoadAll(f.text)) reader.Document(doc, 0);
  } catch (const YAML::Exception& e) {
    // yaml-cpp's messages are lowercase phrases ("end of map not found").
    out.errors.push_back({{f.path, e.mark.line + 1, e.mark.column + 1},
                          fmt::format("malformed YAML: {}", e.msg)});
  } catch (const std::exception& e) {
    out.errors.push_back({{f.path, 0, 0}, fmt::format("malformed YAML: {}", e.what())});
  }
}

}  // namespace

std::string Qualified(const ClusterObject& o) { return o.ns.empty() ? o.name : o.ns + "/" + o.name; }

std::map<std::string, std::string> ContentOf(const lower::Object& object) {
  ReadResult r = ReadObjects({{"<emitted>", emit::EmitObject(object)}}, object.meta.ns);
  return r.objects.size() == 1 ? r.objects.front().content : std::map<std::string, std::string>{};
}

bool IsReadKind(const std::string& kind) { return kReadKinds.count(kind) > 0; }

bool IsNamespacedKind(const std::string& kind) {
  return kind != "ClusterRole" && kind != "ClusterRoleBinding" &&
         kind != "ValidatingAdmissionPolicy" && kind != "ValidatingAdmissionPolicyBinding";
}

ReadResult ReadObjects(const std::vector<InputFile>& files, const std::string& default_ns) {
  ReadResult out;
  std::map<std::string, size_t> skipped;
  std::map<std::string, Origin> first_skip;
  for (const InputFile& f : files) ReadFile(f, default_ns, out, skipped, first_skip);
  // A later object of the same kind, namespace and name replaces an earlier
  // one, as `kubectl apply -f` of the same files would.
  std::map<std::tuple<std::string, std::string, std::string>, size_t> last;
  for (size_t i = 0; i < out.objects.size(); ++i) {
    const ClusterObject& o = out.objects[i];
    auto [it, fresh] = last.try_emplace({o.kind, o.ns, o.name}, i);
    if (!fresh) {
      out.notes.push_back({o.origin, fmt::format("{} `{}` appears again; this one replaces the one "
                                                 "at {}:{}", o.kind, Qualified(o), out.objects[it->second].origin.file,
                                                 out.objects[it->second].origin.line)});
      it->second = i;
    }
  }
  std::vector<ClusterObject> kept;
  for (size_t i = 0; i < out.objects.size(); ++i) {
    const ClusterObject& o = out.objects[i];
    if (last[{o.kind, o.ns, o.name}] == i) kept.push_back(std::move(out.objects[i]));
  }
  out.objects = std::move(kept);
  for (const auto& [kind, count] : skipped) {
    out.notes.push_back({first_skip[kind],
                         fmt::format("skipped {} object{} of kind `{}`: stave reads RBAC and Istio "
                                     "security objects only",
                                     count, count == 1 ? "" : "s", kind)});
  }
  return out;
}

lower::Output ModelOutput(const std::vector<ClusterObject>& objects,
                          std::vector<const ClusterObject*>* sources) {
  std::vector<const ClusterObject*> models;
  for (const ClusterObject& o : objects) {
    if (o.model) models.push_back(&o);
  }
  // Cluster-scoped first (empty namespace sorts first), then namespace, kind, name.
  std::stable_sort(models.begin(), models.end(), [](const ClusterObject* a, const ClusterObject* b) {
    return std::tie(a->model->meta.ns, a->model->kind, a->model->meta.name) <
           std::tie(b->model->meta.ns, b->model->kind, b->model->meta.name);
  });
  lower::Output out;
  for (const ClusterObject* m : models) out.objects.push_back(*m->model);
  if (sources) *sources = std::move(models);
  return out;
}

}  // namespace stave::kube
