// The document store and the program's file set (workspace.h).
#include "compiler/lsp/workspace.h"

#include <algorithm>
#include <filesystem>
#include <system_error>

#include "compiler/base/source.h"
#include "compiler/lsp/uri.h"

namespace stave::lsp {
namespace {

uint32_t Clamp32(int64_t v) {
  return static_cast<uint32_t>(std::clamp<int64_t>(v, 0, UINT32_MAX));
}

}  // namespace

void ApplyChange(std::string& text, const TextDocumentContentChangeEvent& change) {
  if (!change.range) {
    text = change.text;
    return;
  }
  // The line table of the current text; positions past a line's end or the
  // last line are clamped there, as LSP asks.
  base::SourceFile file("", text);
  uint32_t begin = file.offset_of_utf16(Clamp32(change.range->start.line),
                                        Clamp32(change.range->start.character));
  uint32_t end = file.offset_of_utf16(Clamp32(change.range->end.line),
                                      Clamp32(change.range->end.character));
  if (end < begin) std::swap(begin, end);
  text.replace(begin, end - begin, change.text);
}

void Workspace::SetRoot(std::optional<std::string> root) {
  if (root && !root->empty()) {
    std::error_code ec;
    std::filesystem::path p = std::filesystem::absolute(*root, ec);
    if (ec) p = *root;
    std::string normal = p.lexically_normal().string();
    // `/work/x/` and `/work/x` name the same root; keep the shorter form.
    while (normal.size() > 1 && normal.back() == '/') normal.pop_back();
    root_ = normal;
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

bool Workspace::Close(const std::string& uri) { return open_.erase(DocumentPath(uri)) > 0; }

const Document* Workspace::Find(std::string_view uri) const {
  auto it = open_.find(DocumentPath(uri));
  return it == open_.end() ? nullptr : &it->second;
}

std::vector<driver::SourceInput> Workspace::Inputs() const {
  std::map<std::string, std::string> files;
  if (root_) {
    // A root without policies, or one that vanished, is an empty program on
    // disk; its errors are not the user's concern while editing.
    driver::LoadResult loaded = driver::LoadPaths({*root_});
    for (auto& input : loaded.inputs) files[std::move(input.path)] = std::move(input.text);
  }
  for (const auto& [path, doc] : open_) files[path] = doc.text;
  std::vector<driver::SourceInput> inputs;
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
