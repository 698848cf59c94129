// Reading Kubernetes YAML and JSON with yaml-cpp's parser (documents built
// by yaml_tree.cpp): documents are split, `List`s unwrapped, metadata
// resolved and content flattened here; the per-kind model is built in
// model.cpp. yaml-cpp's exceptions stop at this file's boundary.
#include <algorithm>
#include <optional>
#include <set>
#include <sstream>
#include <tuple>

#include <fmt/format.h>
#include <yaml-cpp/exceptions.h>

#include "compiler/emit/yaml.h"
#include "compiler/kube/read_internal.h"

namespace stave::kube {
namespace {

// A document's nodes are visited at most this many times: aliases share
// nodes, and `&a [*a, *a]` nested twenty deep would otherwise be visited a
// million times over.
constexpr size_t kNodeBudget = 1'000'000;
// Nor deeper than this: an alias inside its own anchor (`&a {b: *a}`) is a
// cycle. Kubernetes objects nest a dozen levels.
constexpr size_t kMaxDepth = 100;

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

// False when the budget or the depth runs out.
bool Flatten(const YamlNode& n, const std::string& path, std::map<std::string, std::string>& out,
             size_t& budget, size_t depth = 0) {
  if (budget == 0 || depth > kMaxDepth) {
    budget = 0;
    return false;
  }
  --budget;
  switch (n.type()) {
    case YamlNode::Type::Scalar: out[path] = n.Scalar(); return true;
    case YamlNode::Type::Sequence: {
      size_t i = 0;
      for (const YamlNode* item : n.items()) {
        if (!Flatten(*item, fmt::format("{}[{}]", path, i++), out, budget, depth + 1)) return false;
      }
      return true;
    }
    case YamlNode::Type::Map:
      for (const auto& kv : n.entries()) {
        std::string key = kv.first.IsScalar() ? kv.first.Scalar() : "?";
        if (!Flatten(kv.second, path.empty() ? key : path + "." + key, out, budget, depth + 1)) return false;
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

  void Document(const YamlNode& doc, int depth) {
    if (doc.IsNull()) return;  // an empty document (`---` at the end)
    if (!doc.IsMap()) return Error(doc, "a document must be a Kubernetes object (a mapping)");
    std::string kind = Scalar(doc["kind"]);
    if (kind.empty()) return Error(doc, "the object has no `kind`");
    const YamlNode& items = doc["items"];
    if (kind == "List" || (kind.size() > 4 && kind.ends_with("List") && items)) {
      if (depth > 0) return Error(doc, "a `List` inside a `List`");
      if (!items) return;
      if (!items.IsSequence()) return Error(items, "`items` of a `List` must be a list");
      for (const YamlNode* item : items.items()) Document(*item, depth + 1);
      return;
    }
    if (!IsReadKind(kind)) {
      if (skipped_[kind]++ == 0) first_skip_[kind] = At(doc);
      return;
    }
    Object(doc, kind);
  }

 private:
  Origin At(const YamlNode& n) const {
    const YAML::Mark& m = n.Mark();
    return {file_, m.line + 1, m.column + 1};
  }
  void Error(const YamlNode& n, std::string message) { out_.errors.push_back({At(n), std::move(message)}); }

  static std::string Scalar(const YamlNode& n) { return n && n.IsScalar() ? n.Scalar() : ""; }

  void Object(const YamlNode& doc, const std::string& kind) {
    ClusterObject o;
    o.kind = kind;
    o.origin = At(doc);
    o.api_version = Scalar(doc["apiVersion"]);
    const YamlNode& meta = doc["metadata"];
    if (!meta || !meta.IsMap()) return Error(doc, fmt::format("the {} has no `metadata`", kind));
    o.name = Scalar(meta["name"]);
    if (o.name.empty()) return Error(meta, fmt::format("the {} has no `metadata.name`", kind));
    if (IsNamespacedKind(kind)) {
      o.ns = Scalar(meta["namespace"]);
      if (o.ns.empty()) o.ns = default_ns_;
    }
    size_t budget = kNodeBudget;
    for (const auto& kv : doc.entries()) {
      std::string key = kv.first.IsScalar() ? kv.first.Scalar() : "";
      if (key == "apiVersion" || key == "kind" || key == "status") continue;
      if (kind == "ServiceAccount" && key == "secrets") continue;  // the token controller's
      if (key == "metadata") {
        for (const auto& m : meta.entries()) {
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
      return Error(doc, fmt::format("the {} `{}` is too large (over {} nodes with aliases expanded, "
                                    "or over {} levels deep: an alias inside its own anchor?)",
                                    kind, o.name, kNodeBudget, kMaxDepth));
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
// `{a: 1},` as a document): it yields empty documents forever. A stream has
// at most one document per `---` or `...` marker, plus one, so more than
// that means the parser stopped advancing.
size_t MaxDocuments(const std::string& text) {
  size_t bound = 2;
  for (size_t at = text.find("--"); at != std::string::npos; at = text.find("--", at + 2)) ++bound;
  for (size_t at = text.find(".."); at != std::string::npos; at = text.find("..", at + 2)) ++bound;
  return bound;
}

void ReadFile(const InputFile& f, const std::string& default_ns, ReadResult& out,
              std::map<std::string, size_t>& skipped, std::map<std::string, Origin>& first_skip) {
  DocumentReader reader(f.path, default_ns, out, skipped, first_skip);
  // A malformed stream gives no objects, only its error.
  size_t objects = out.objects.size(), errors = out.errors.size();
  try {
    YAML::Mark stalled;
    if (!ParseYamlStream(f.text, MaxDocuments(f.text), [&](const YamlNode& doc) { reader.Document(doc, 0); },
                         stalled)) {
      out.objects.erase(out.objects.begin() + static_cast<std::ptrdiff_t>(objects), out.objects.end());
      out.errors.erase(out.errors.begin() + static_cast<std::ptrdiff_t>(errors), out.errors.end());
      out.errors.push_back({{f.path, stalled.line + 1, stalled.column + 1},
                            "malformed YAML: a `,` outside any list or mapping"});
      return;
    }
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
  // What reading the emitted YAML back would give (emit's round-trip test
  // checks they agree), without the text: what the reader leaves out of
  // content is left out here too.
  std::map<std::string, std::string> content = emit::FlattenObject(object);
  for (const char* identity : {"apiVersion", "kind", "metadata.name", "metadata.namespace"}) content.erase(identity);
  content.erase("metadata.annotations." + std::string(kLastApplied));
  return content;
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
