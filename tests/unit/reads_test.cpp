// What Stave reads and how much it says about it (docs/security.md):
// the policy-tree walk (links, special files, limits), bounded reads, the
// language server's one walk and its watched-file updates, the transport's
// resynchronization, and bounded diagnostics.
#include <catch2/catch.hpp>

#include <future>

#include <sys/stat.h>
#include <unistd.h>

#include "compiler/diag/render_human.h"
#include "compiler/lsp/transport.h"
#include "compiler/pipeline/load.h"
#include "compiler/syntax/parse.h"
#include "tests/unit/lsp_client.h"

namespace stave {
namespace {

using testing::Client;
using testing::TempDir;
namespace fs = std::filesystem;

bool HasNote(const std::vector<std::string>& notes, const std::string& what) {
  for (const std::string& n : notes) {
    if (n.find(what) != std::string::npos) return true;
  }
  return false;
}

TEST_CASE("the tree walk reads regular files and in-tree links only", "[reads]") {
  TempDir dir, outside;
  dir.Write("a.policy", "package p\n");
  dir.Write("data/real.txt", "package p\ngroup g\n");
  outside.Write("secret.policy", "package p\ngroup leaked\n");
  std::string d = dir.Path();
  fs::create_symlink(d + "/data/real.txt", d + "/in.policy");
  fs::create_symlink(outside.Path() + "/secret.policy", d + "/out.policy");
  fs::create_symlink("/proc/self/environ", d + "/env.policy");
  fs::create_symlink("/dev/zero", d + "/zero.policy");
  fs::create_symlink(d + "/nowhere", d + "/dangling.policy");
  fs::create_symlink(d + "/loop2.policy", d + "/loop1.policy");
  fs::create_symlink(d + "/loop1.policy", d + "/loop2.policy");
  fs::create_symlink(outside.Path(), d + "/outdir");
  REQUIRE(::mkfifo((d + "/fifo.policy").c_str(), 0600) == 0);

  pipeline::LoadResult r = pipeline::LoadPaths({d});
  CHECK(r.errors.empty());
  std::vector<std::string> paths;
  for (const auto& in : r.inputs) paths.push_back(fs::path(in.path).filename().string());
  CHECK(paths == std::vector<std::string>{"a.policy", "in.policy"});
  CHECK(r.inputs[1].text == "package p\ngroup g\n");
  CHECK(HasNote(r.notes, "out.policy`: a link out of"));
  CHECK(HasNote(r.notes, "env.policy`: a link out of"));
  CHECK(HasNote(r.notes, "zero.policy`: a link out of"));
  CHECK(HasNote(r.notes, "dangling.policy`: a dangling link"));
  CHECK(HasNote(r.notes, "loop1.policy`: a link loop"));
  CHECK(HasNote(r.notes, "fifo.policy`: not a regular file"));
  CHECK(HasNote(r.notes, "outdir`: links to directories are not followed"));
}

TEST_CASE("reads never block and stop one byte past the size limit", "[reads]") {
  TempDir dir;
  std::string d = dir.Path();
  REQUIRE(::mkfifo((d + "/f").c_str(), 0600) == 0);
  std::string text;
  // A FIFO with no writer would block a plain open(); this returns at once.
  CHECK(pipeline::ReadRegularFile(d + "/f", true, text) == "not a regular file");
  CHECK(pipeline::ReadRegularFile("/dev/zero", true, text) == "not a regular file");
  fs::create_symlink(d + "/f", d + "/link");
  CHECK(pipeline::ReadRegularFile(d + "/link", false, text) == "it became a link");
  // A sparse file far over the limit: only the limit plus one byte is read.
  std::string big = d + "/big.policy";
  { std::ofstream(big) << "x"; }
  fs::resize_file(big, 1ull << 30);
  CHECK(pipeline::ReadRegularFile(big, false, text).empty());
  CHECK(text.size() == syntax::kMaxFileBytes + 1);
  CHECK(text.capacity() <= syntax::kMaxFileBytes + 64);
  // /proc files report size 0 but have content.
  CHECK(pipeline::ReadRegularFile("/proc/self/stat", true, text).empty());
  CHECK_FALSE(text.empty());
}

TEST_CASE("walk limits: entries, depth, vendor directories, files", "[reads]") {
  TempDir dir;
  std::string d = dir.Path();
  std::string deep = "x";
  for (int i = 0; i < 20; ++i) deep += "/x";
  dir.Write(deep + "/deep.policy", "package p\n");
  dir.Write("node_modules/m/a.policy", "package p\n");
  dir.Write(".git/a.policy", "package p\n");
  dir.Write("top.policy", "package p\n");
  pipeline::WalkLimits limits;
  limits.max_depth = 16;
  limits.skip_vendor_dirs = true;
  pipeline::WalkResult w = pipeline::WalkPolicyTree(d, limits);
  REQUIRE(w.files.size() == 1);
  CHECK(fs::path(w.files[0].path).filename() == "top.policy");
  CHECK(w.truncated);
  // Without limits, the deep file and node_modules are found (hidden never).
  w = pipeline::WalkPolicyTree(d);
  CHECK(w.files.size() == 3);
  CHECK_FALSE(w.truncated);
  limits = {};
  limits.max_entries = 3;
  w = pipeline::WalkPolicyTree(d, limits);
  CHECK(w.entries == 3);
  CHECK(w.truncated);
  limits = {};
  limits.max_files = 2;
  w = pipeline::WalkPolicyTree(d, limits);
  CHECK(w.files.size() == 2);
  CHECK(w.truncated);
}

TEST_CASE("the language server walks its root once and follows watched-file events", "[reads][lsp]") {
  TempDir dir;
  dir.Write("a.policy", "package p\nnamespace prod\ngroup devs\n");
  dir.Write("b.policy", "package p\nallow devs to view in prod\n");
  dir.Write("sub/c.policy", "package p\n");
  Client c;
  c.Initialize(dir.Uri());
  std::string b = dir.Uri("b.policy");
  c.Open(b, "package p\nallow devs to view in prod\n");
  c.Flush();
  for (int i = 0; i < 5; ++i) {
    c.Replace(b, 2 + i, i % 2 ? "package p\nallow devs to view in prod\n" : "package p\nallow devz to view in prod\n");
    c.Flush();
    c.Request("textDocument/hover", testing::Pos(b, 1, 7));
  }
  const lsp::Workspace::Stats& stats = c.server().workspace().stats();
  CHECK(stats.walks == 1);
  CHECK(stats.reads == 3);
  CHECK(c.Diagnostics(b)->size() == 1);  // the last edit: `devz` is unknown

  // Renamed on disk behind the server's back: not seen until an event says so.
  dir.Write("a.policy", "package p\nnamespace prod\ngroup devz\n");
  c.Replace(b, 10, "package p\nallow devz to view in prod\n");
  c.Flush();
  CHECK(c.Diagnostics(b)->size() == 1);
  c.Notify("workspace/didChangeWatchedFiles",
           testing::Object{{"changes", testing::Array{testing::Object{{"uri", dir.Uri("a.policy")}, {"type", 2}}}}});
  c.Flush();
  CHECK(c.Diagnostics(b)->empty());
  CHECK(stats.reads == 4);
  CHECK(stats.walks == 1);

  // A deleted directory drops what was under it; a created file is read.
  fs::remove_all(dir.Path() + "/sub");
  dir.Write("d.policy", "package p\ngroup d\ngroup d\n");
  c.Notify("workspace/didChangeWatchedFiles",
           testing::Object{{"changes", testing::Array{
                                           testing::Object{{"uri", dir.Uri("sub")}, {"type", 3}},
                                           testing::Object{{"uri", dir.Uri("d.policy")}, {"type", 1}}}}});
  c.Flush();
  auto inputs = c.server().workspace().Inputs();
  std::vector<std::string> names;
  for (const auto& in : inputs) names.push_back(fs::path(in.path).filename().string());
  CHECK(names == std::vector<std::string>{"a.policy", "b.policy", "d.policy"});
  auto d_diags = c.Diagnostics(dir.Uri("d.policy"));  // the duplicate group
  REQUIRE(d_diags);
  CHECK(testing::ToText(testing::Value(std::move(*d_diags))).find("E0102") != std::string::npos);
  CHECK(stats.walks == 1);
}

TEST_CASE("with a background walk, requests about the open document do not wait for it", "[reads][lsp]") {
  TempDir dir;
  dir.Write("a.policy", "package p\nnamespace prod\ngroup devs\n");
  // The walk waits for the test to open its gate, as a walk of a huge or
  // slow root would keep the server waiting.
  std::promise<void> gate;
  std::shared_future<void> opened = gate.get_future().share();
  lsp::Server::Options options = Client::Options(std::chrono::milliseconds(0));
  options.walk_in_background = true;
  options.walker = [opened](const std::string& root) {
    opened.wait();
    return lsp::WalkRoot(root);
  };
  Client c(options);
  // Opens the gate however the test ends: the server waits for its walk.
  bool gate_open = false;
  struct Opener {
    std::promise<void>& gate;
    bool& open;
    ~Opener() {
      if (!open) gate.set_value();
    }
  } opener{gate, gate_open};
  c.Initialize(dir.Uri());
  std::string b = dir.Uri("b.policy");
  c.Open(b, "package p\n/// Ops.\ngroup ops\nallow devs to view in prod\n");
  c.Flush();
  // Answered from the open document alone while the walk runs ...
  CHECK(c.server().walk_running());
  testing::Value hover = c.Result("textDocument/hover", testing::Pos(b, 2, 7));
  CHECK(testing::ToText(hover).find("Ops.") != std::string::npos);
  testing::Value symbols = c.Result("textDocument/documentSymbol",
                                    testing::Object{{"textDocument", testing::Object{{"uri", b}}}});
  CHECK(testing::ToText(symbols).find("ops") != std::string::npos);
  // ... and judged only with the whole program: no diagnostics yet (`devs`
  // and `prod` are declared in a.policy, which the walk has not read).
  CHECK_FALSE(c.Diagnostics(b));
  CHECK(c.server().workspace().stats().walks == 0);
  gate.set_value();
  gate_open = true;
  c.server().CollectWalk(true);
  CHECK_FALSE(c.server().walk_running());
  c.Flush();
  REQUIRE(c.Diagnostics(b));
  CHECK(c.Diagnostics(b)->empty());
  CHECK(c.server().workspace().stats().walks == 1);
  CHECK(c.server().workspace().stats().reads == 1);
}

TEST_CASE("a large root is walked within bounds, and the open document is published first", "[reads][lsp]") {
  TempDir dir;
  // More entries than the server looks at: 300 directories of 80 files.
  for (int i = 0; i < 300; ++i) {
    std::string sub = dir.Path() + "/d" + std::to_string(1000 + i);
    fs::create_directories(sub);
    for (int j = 0; j < 80; ++j) std::ofstream(sub + "/f" + std::to_string(j) + ".txt");
  }
  dir.Write("d1000/a.policy", "package p\ngroup a\ngroup a\n");
  dir.Write("zz/open.policy", "package p\n");
  Client c;
  c.Initialize(dir.Uri());
  std::string open = dir.Uri("zz/open.policy");
  c.Open(open, "package p\ngroup g\ngroup g\n");
  c.Flush();
  const lsp::Workspace::Stats& stats = c.server().workspace().stats();
  CHECK(stats.walks == 1);
  CHECK(stats.truncated);
  CHECK(stats.entries == lsp::kWalkLimits.max_entries);
  CHECK(stats.reads == 1);  // d1000/a.policy; zz/ is past the limit
  // The open document's diagnostics come before the other files'.
  std::vector<std::string> order;
  for (const auto& m : c.messages()) {
    const auto* o = m.getAsObject();
    if (o->getString("method") == llvm::StringRef("textDocument/publishDiagnostics")) {
      order.push_back(o->getObject("params")->getString("uri")->str());
    }
  }
  REQUIRE(order.size() == 2);
  CHECK(order[0] == open);
  // The truncated walk is said in the log.
  bool logged = false;
  for (const auto& m : c.messages()) {
    const auto* o = m.getAsObject();
    if (o->getString("method") == llvm::StringRef("window/logMessage")) {
      logged |= o->getObject("params")->getString("message")->contains("larger than the language server walks");
    }
  }
  CHECK(logged);
}

TEST_CASE("the watcher is registered when the client can register it", "[reads][lsp]") {
  for (bool dynamic : {true, false}) {
    Client c;
    testing::Object caps{{"workspace", testing::Object{{"didChangeWatchedFiles",
                                                         testing::Object{{"dynamicRegistration", dynamic}}}}}};
    c.Result("initialize", testing::Object{{"processId", nullptr}, {"capabilities", std::move(caps)},
                                           {"rootUri", nullptr}});
    c.Notify("initialized", testing::Object{});
    const testing::Object* registration = nullptr;
    for (const auto& m : c.messages()) {
      const auto* o = m.getAsObject();
      if (o->getString("method") == llvm::StringRef("client/registerCapability")) registration = o;
    }
    CHECK((registration != nullptr) == dynamic);
    if (!registration) continue;
    CHECK(registration->get("id"));
    const auto* reg = registration->getObject("params")->getArray("registrations")->front().getAsObject();
    CHECK(reg->getString("method") == llvm::StringRef("workspace/didChangeWatchedFiles"));
    // The client's answer is a response to our request: dropped, not an error.
    size_t before = c.messages().size();
    c.Send(testing::Object{{"jsonrpc", "2.0"}, {"id", *registration->get("id")}, {"result", nullptr}});
    CHECK(c.messages().size() == before);
  }
}

TEST_CASE("transport: after a bad Content-Length with a body, the next header resynchronizes",
          "[reads][lsp][transport]") {
  std::string body = "{\"jsonrpc\":\"2.0\",\"method\":\"exit\"}";
  std::string input = "Content-Length: 12x\r\n\r\n{\"id\":1,\"method\":\"initialize\"}" +
                      lsp::Frame(body) +
                      "Content-Length: 0000" + std::to_string(body.size()) + "\r\n\r\n" + body +
                      "Content-Length:\t" + std::to_string(body.size()) + " \r\n\r\n" + body +
                      "Content-Length: 99999999999999999999999999\r\n\r\n{\"x\":1}" + lsp::Frame(body) +
                      "no header at all\r\n\r\n{}" + lsp::Frame(body);
  lsp::StringSource source(input);
  lsp::MessageReader reader(source);
  using Kind = lsp::ReadEvent::Kind;
  auto e = reader.Next();
  CHECK((e.kind == Kind::Error && e.error == "invalid Content-Length header"));
  for (int i = 0; i < 3; ++i) {
    e = reader.Next();
    CHECK((e.kind == Kind::Message && e.body == body));
  }
  e = reader.Next();  // 10^25: not waited for
  CHECK((e.kind == Kind::Error && e.error.find("larger than the limit") != std::string::npos));
  e = reader.Next();
  CHECK((e.kind == Kind::Message && e.body == body));
  e = reader.Next();
  CHECK((e.kind == Kind::Error && e.error == "missing Content-Length header"));
  e = reader.Next();
  CHECK((e.kind == Kind::Message && e.body == body));
  CHECK(reader.Next().kind == Kind::Eof);
}

// Renders every diagnostic of a file and returns the total size.
size_t RenderedSize(const std::string& text, size_t* count = nullptr) {
  base::SourceSet sources;
  base::FileId id = sources.add("x.policy", text);
  syntax::ParseResult r = syntax::Parse(sources, id);
  size_t size = 0;
  for (const auto& d : r.diagnostics.items()) size += diag::RenderHuman(d, sources, {}).size();
  if (count) *count = r.diagnostics.items().size();
  return size;
}

TEST_CASE("lexer errors are capped like parser errors", "[reads][diag]") {
  std::string quotes;
  for (int i = 0; i < 500000; ++i) quotes += "\"\n";
  size_t count = 0;
  size_t size = RenderedSize(quotes, &count);
  CHECK(count == syntax::kMaxSyntaxErrors + 1);  // 50 and the E0009 that stops
  CHECK(size < 64 * 1024);
  std::string escapes = "package p\nuser u = \"" ;
  for (int i = 0; i < 100000; ++i) escapes += "\\q";
  escapes += "\"\n";
  CHECK(RenderedSize(escapes, &count) < 4096);
  CHECK(count == 1);
}

TEST_CASE("a diagnostic quotes a bounded excerpt of its line", "[reads][diag]") {
  std::string allow;
  for (int i = 0; i < 1000000; ++i) allow += "allow ";  // 6 MB on one line
  size_t count = 0;
  size_t size = RenderedSize(allow, &count);
  CHECK(count <= syntax::kMaxSyntaxErrors + 1);
  CHECK(size < 32 * 1024);

  // The excerpt keeps the carets under the span, with `...` at the cuts.
  std::string line = std::string("package p group g ") + std::string(300, ' ') + "allow g to $ in x" +
                     std::string(300, ' ') + "group h\n";
  base::SourceSet sources;
  base::FileId id = sources.add("y.policy", line);
  syntax::ParseResult r = syntax::Parse(sources, id);
  REQUIRE_FALSE(r.diagnostics.items().empty());
  std::string out = diag::RenderHuman(r.diagnostics.items().front(), sources, {});
  INFO(out);
  size_t quoted = out.find(" | ...");
  REQUIRE(quoted != std::string::npos);
  std::string source_line = out.substr(quoted, out.find('\n', quoted) - quoted);
  CHECK(source_line.size() < 140);
  CHECK(source_line.size() >= 3);
  CHECK(source_line.substr(source_line.size() - 3) == "...");
  size_t caret_line = out.find('^');
  REQUIRE(caret_line != std::string::npos);
  size_t line_start = out.rfind('\n', caret_line) + 1;
  size_t dollar = source_line.find('$');
  REQUIRE(dollar != std::string::npos);
  CHECK(caret_line - line_start == out.find('$', quoted) - (out.rfind('\n', quoted) + 1));
}

TEST_CASE("binary lines are never quoted", "[reads][diag]") {
  base::SourceSet sources;
  base::FileId id = sources.add("env.policy", std::string("SECRET_TOKEN=hunter2\0HOME=/root\0", 32));
  syntax::ParseResult r = syntax::Parse(sources, id);
  REQUIRE(r.diagnostics.items().size() == 1);
  std::string out = diag::RenderHuman(r.diagnostics.items().front(), sources, {});
  CHECK(out.find("looks like a binary file") != std::string::npos);
  CHECK(out.find("hunter2") == std::string::npos);
  CHECK(out.find("not shown: binary data") != std::string::npos);
}

}  // namespace
}  // namespace stave
