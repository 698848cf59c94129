// Publishing only what changed (publish.h).
#include "compiler/lsp/publish.h"

namespace stave::lsp {
namespace {

// Whether every file `d` points into reads as it did at the last update.
bool PointsIntoStableFiles(const diag::Diagnostic& d, const std::vector<bool>& stable) {
  auto ok = [&](base::Span span) { return !span.valid() || (span.file < stable.size() && stable[span.file]); };
  if (!ok(d.primary.span)) return false;
  for (const diag::Label& label : d.secondary) {
    if (!ok(label.span)) return false;
  }
  for (const diag::Note& note : d.notes) {
    if (!ok(note.span)) return false;
  }
  return true;
}

struct FileDiagnostics {
  base::FileId file = base::kNoFile;
  llvm::Optional<int64_t> version;
  std::vector<const diag::Diagnostic*> items;
};

}  // namespace

// Marks the ids whose file has the same path, text and URI as at the last
// update, and remembers the files as they are now.
std::vector<bool> DiagnosticPublisher::SeeFiles(const Analysis& a, const UriOfFile& uri_of) {
  std::vector<bool> stable(a.sources().size(), false);
  files_.resize(a.sources().size());
  for (base::FileId id = 0; id < a.sources().size(); ++id) {
    const base::SourceFile& f = a.file(id);
    std::optional<std::string> uri = uri_of(id);
    FileSeen& seen = files_[id];
    stable[id] = seen.path == f.path() && seen.uri == uri && seen.text == f.text();
    if (stable[id]) continue;
    seen.path = f.path();
    seen.uri = std::move(uri);
    seen.text = f.text();
  }
  return stable;
}

std::vector<json::Value> DiagnosticPublisher::Update(const Analysis& a, const UriOfFile& uri_of,
                                                     const VersionOfFile& version_of) {
  std::vector<bool> stable = SeeFiles(a, uri_of);
  std::map<std::string, FileDiagnostics> by_uri;
  for (base::FileId f : a.UserFiles()) {
    const std::optional<std::string>& uri = files_[f].uri;
    if (!uri) continue;
    FileDiagnostics& entry = by_uri[*uri];
    entry.file = f;
    entry.version = version_of(f);
  }
  for (const diag::Diagnostic& d : a.compilation().diagnostics.items()) {
    if (!d.primary.span.valid() || d.primary.span.file >= a.sources().size()) continue;
    const std::optional<std::string>& uri = files_[d.primary.span.file].uri;
    if (!uri) continue;  // in the embedded std files, which the user cannot edit
    by_uri[*uri].items.push_back(&d);
  }

  std::vector<json::Value> out;
  // Files that left the program (deleted, or closed outside the root): clear.
  for (auto it = sent_.begin(); it != sent_.end();) {
    if (by_uri.count(it->first)) {
      ++it;
      continue;
    }
    out.push_back(PublishDiagnosticsParams{it->first, llvm::None, {}});
    it = sent_.erase(it);
  }
  auto unchanged = [&](const Sent& sent, const FileDiagnostics& now) {
    if (sent.file != now.file || !stable[now.file] || sent.version != now.version ||
        sent.diagnostics.size() != now.items.size()) {
      return false;
    }
    for (size_t i = 0; i < now.items.size(); ++i) {
      if (!(sent.diagnostics[i] == *now.items[i]) || !PointsIntoStableFiles(*now.items[i], stable)) {
        return false;
      }
    }
    return true;
  };
  // Open documents first: the ones the user is looking at.
  for (bool open : {true, false}) {
    for (auto& [uri, now] : by_uri) {
      if (now.version.hasValue() != open) continue;
      auto [it, inserted] = sent_.try_emplace(uri);
      Sent& sent = it->second;
      if (!inserted && unchanged(sent, now)) continue;
      PublishDiagnosticsParams params{uri, now.version, {}};
      for (const diag::Diagnostic* d : now.items) params.diagnostics.push_back(ToLspDiagnostic(*d, a, uri_of));
      json::Value value = params;
      std::string text = ToText(value);
      sent.file = now.file;
      sent.version = now.version;
      sent.diagnostics.clear();
      for (const diag::Diagnostic* d : now.items) sent.diagnostics.push_back(*d);
      // A new version of an open document counts as a change, and an
      // unseen file is always published; otherwise the same text is not
      // sent again.
      if (!inserted && sent.json == text) continue;
      sent.json = std::move(text);
      out.push_back(std::move(value));
    }
  }
  return out;
}

}  // namespace stave::lsp
