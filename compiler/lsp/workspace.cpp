// The document store and the program's file set (workspace.h).
#include "compiler/lsp/workspace.h"

#include <algorithm>
#include <filesystem>
#include <system_error>

#include <fmt/format.h>

#include "compiler/base/source.h"
#include "compiler/lsp/uri.h"

namespace stave::lsp {

void ApplyChange(std::string& text, const TextDocumentContentChangeEvent& change) {
  if (!change.range) {
    text = change.text;
    return;
  }
  // The line table of the current text; positions past a line's end or the
  // last line are clamped there, as LSP asks.
  base::SourceFile file("", text);
  uint32_t begin = file.offset_of_utf16(ClampPosition(change.range->start.line),
                                        ClampPosition(change.range->start.character));
  uint32_t end = file.offset_of_utf16(ClampPosition(change.range->end.line),
                                      ClampPosition(change.range->end.character));
  if (end < begin) std::swap(begin, end);
  text.replace(begin, end - begin, change.text);
}

void Workspace::SetRoot(std::optional<std::string> root) {
  walked_ = false;
  disk_.clear();
  changed_during_walk_.clear();
  canonical_root_.clear();
  if (root && !root->empty()) {
    std::error_code ec;
    std::filesystem::path p = std::filesystem::absolute(*root, ec);
    if (ec) p = *root;
    std::string normal = p.lexically_normal().string();
    // `/work/x/` and `/work/x` name the same root; keep the shorter form.
    while (normal.size() > 1 && normal.back() == '/') normal.pop_back();
    root_ = normal;
    std::filesystem::path canonical = std::filesystem::canonical(normal, ec);
    canonical_root_ = ec ? normal : canonical.string();
  } else {
    root_.reset();
  }
}

void Workspace::Open(const std::string& uri, std::string text, int64_t version) {
  std::string path = DocumentPath(uri);
  Document& doc = open_[path];
  doc.uri = uri;
  doc.path = path;
  doc.text = std::move(text);
  doc.version = version;
}

bool Workspace::Change(const std::string& uri, llvm::Optional<int64_t> version,
                       const std::vector<TextDocumentContentChangeEvent>& changes) {
  auto it = open_.find(DocumentPath(uri));
  if (it == open_.end()) return false;
  for (const auto& change : changes) ApplyChange(it->second.text, change);
  if (version) it->second.version = *version;
  return true;
}

// The file reverts to its disk text, read again: it may have been saved.
bool Workspace::Close(const std::string& uri) {
  std::string path = DocumentPath(uri);
  if (open_.erase(path) == 0) return false;
  if (walked_ && UnderRoot(path)) ReadDiskFile(path);
  return true;
}

const Document* Workspace::Find(std::string_view uri) const {
  auto it = open_.find(DocumentPath(uri));
  return it == open_.end() ? nullptr : &it->second;
}

bool Workspace::UnderRoot(const std::string& path) const {
  return root_ && pipeline::PathIsUnder(*root_, path);
}

// One file under the root, read as the walk reads it (no link out of the
// root, regular files only, never blocking); dropped when it cannot be.
void Workspace::ReadDiskFile(const std::string& path) {
  std::string target, text;
  if (!pipeline::CheckTreeEntry(canonical_root_, path, target).empty() ||
      !pipeline::ReadRegularFile(target, false, text).empty()) {
    disk_.erase(path);
    return;
  }
  ++stats_.reads;
  disk_[path] = std::move(text);
}

namespace {

// The texts of the files a walk found; those that cannot be read are left
// out (the walk already refused what it must not follow).
std::map<std::string, std::string> ReadWalkedFiles(const pipeline::WalkResult& walk) {
  std::map<std::string, std::string> files;
  for (const pipeline::TreeFile& f : walk.files) {
    std::string text;
    if (pipeline::ReadRegularFile(f.target, false, text).empty()) files[f.path] = std::move(text);
  }
  return files;
}

}  // namespace

void Workspace::AddWalk(const pipeline::WalkResult& walk) {
  for (auto& [path, text] : ReadWalkedFiles(walk)) {
    ++stats_.reads;
    disk_[path] = std::move(text);
  }
}

WalkOutput WalkRoot(const std::string& root) {
  WalkOutput out;
  out.root = root;
  // A root without policies, or one that vanished, is an empty program on
  // disk; its errors are not the user's concern while editing.
  out.walk = pipeline::WalkPolicyTree(root, kWalkLimits);
  out.files = ReadWalkedFiles(out.walk);
  return out;
}

std::vector<std::string> Workspace::EnsureWalked() {
  if (!NeedsWalk()) return {};
  return AcceptWalk(WalkRoot(*root_));
}

std::vector<std::string> Workspace::AcceptWalk(WalkOutput out) {
  if (!NeedsWalk() || out.root != *root_) return {};
  walked_ = true;
  ++stats_.walks;
  stats_.entries = out.walk.entries;
  stats_.truncated = out.walk.truncated;
  stats_.reads += out.files.size();
  for (auto& [path, text] : out.files) disk_[path] = std::move(text);
  // What changed while the walk ran may have been read before the change.
  std::vector<std::pair<std::string, bool>> changed = std::move(changed_during_walk_);
  changed_during_walk_.clear();
  for (const auto& [path, deleted] : changed) DiskChanged(path, deleted);
  std::vector<std::string> notes = std::move(out.walk.notes);
  if (out.walk.truncated) {
    notes.push_back(::fmt::format("`{}` is larger than the language server walks ({} entries, {} "
                                "levels, {} policy files); files past that are not checked",
                                *root_, kWalkLimits.max_entries, kWalkLimits.max_depth,
                                kWalkLimits.max_files));
  }
  return notes;
}

void Workspace::DiskChanged(const std::string& path, bool deleted) {
  if (!UnderRoot(path)) return;
  if (!walked_) {
    // The first walk will see it, unless it is running now and has already
    // passed the file: replayed when the walk is taken (AcceptWalk).
    if (changed_during_walk_.size() < kWalkLimits.max_files) changed_during_walk_.push_back({path, deleted});
    return;
  }
  if (deleted) {
    // A directory's deletion may come as one event for the directory.
    disk_.erase(path);
    std::string prefix = path + "/";
    for (auto it = disk_.lower_bound(prefix);
         it != disk_.end() && it->first.compare(0, prefix.size(), prefix) == 0;) {
      it = disk_.erase(it);
    }
    return;
  }
  std::error_code ec;
  auto own = std::filesystem::symlink_status(path, ec);
  if (!ec && std::filesystem::is_directory(own)) {
    pipeline::WalkLimits limits = kWalkLimits;
    limits.max_files = kWalkLimits.max_files > disk_.size() ? kWalkLimits.max_files - disk_.size() : 0;
    AddWalk(pipeline::WalkPolicyTree(path, limits));
    return;
  }
  if (std::filesystem::path(path).extension() == ".policy") ReadDiskFile(path);
}

std::vector<pipeline::SourceInput> Workspace::Inputs() {
  std::map<std::string, std::string> files;
  for (const auto& [path, text] : disk_) files[path] = text;
  for (const auto& [path, doc] : open_) files[path] = doc.text;
  std::vector<pipeline::SourceInput> inputs;
  inputs.reserve(files.size());
  for (auto& [path, text] : files) inputs.push_back({path, std::move(text)});
  return inputs;
}

std::optional<std::string> Workspace::UriOf(std::string_view path) const {
  if (auto it = open_.find(path); it != open_.end()) return it->second.uri;
  return PathToFileUri(path);
}

llvm::Optional<int64_t> Workspace::VersionOf(std::string_view path) const {
  if (auto it = open_.find(path); it != open_.end()) return it->second.version;
  return llvm::None;
}

}  // namespace stave::lsp
