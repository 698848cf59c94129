// `stave fmt` (compiler/fmt): that formatting keeps `stave:allow` working,
// and properties over every example and golden file (golden/fmt/ holds the
// exact-output cases) and over randomly
// re-spaced and commented variants of them: the layout walk stays in sync
// with the source, formatting is idempotent, keeps every comment in order,
// and lowers to the same YAML with the same diagnostics.
#include <algorithm>
#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>

#include <catch2/catch.hpp>

#include "compiler/emit/yaml.h"
#include "compiler/fmt/format.h"
#include "compiler/fmt/layout.h"
#include "compiler/syntax/parse.h"
#include "test_util.h"

namespace fs = std::filesystem;
using namespace stave;

namespace {

using Files = std::vector<std::pair<std::string, std::string>>;

struct Parsed {
  base::SourceSet set;
  base::FileId id = base::kNoFile;
  syntax::ParseResult result;
};

std::unique_ptr<Parsed> ParseText(const std::string& text) {
  auto p = std::make_unique<Parsed>();
  p->id = p->set.add("t.policy", text);
  p->result = syntax::Parse(p->set, p->id);
  return p;
}

std::optional<std::string> Format(const std::string& text) {
  auto p = ParseText(text);
  return stave::formatter::FormatFile(p->result.file, p->set.file(p->id));
}

// The formatted text; fails the test when the file does not parse or the
// layout walk lost sync with the source tokens.
std::string Fmt(const std::string& text) {
  auto p = ParseText(text);
  REQUIRE_FALSE(p->result.file.has_syntax_errors);
  auto checked = stave::formatter::internal::FormatChecked(p->result.file, p->set.file(p->id));
  REQUIRE(checked.in_sync);
  return checked.text;
}

// Comment texts in order, as the formatter promises to keep them: trailing
// whitespace (and CR) removed from each of their lines.
std::vector<std::string> CommentTexts(const std::string& text) {
  auto p = ParseText(text);
  std::vector<std::string> out;
  for (const auto& c : p->result.file.comments) {
    std::string kept;
    std::stringstream lines(c.text);
    std::string line;
    bool first = true;
    while (std::getline(lines, line)) {
      while (!line.empty() && (line.back() == ' ' || line.back() == '\t' || line.back() == '\r' ||
                               line.back() == '\f')) {
        line.pop_back();
      }
      kept += (first ? "" : "\n") + line;
      first = false;
    }
    out.push_back(kept);
  }
  return out;
}

// What a program means: its lowered YAML, and the codes it reports.
std::string Meaning(const Files& files) {
  auto c = testing::CompileFinishedText(files);
  std::vector<std::string> codes;
  for (const auto& d : c->diagnostics.items()) codes.emplace_back(diag::Info(d.code).name);
  std::sort(codes.begin(), codes.end());
  std::string out = c->diagnostics.has_errors() ? "errors\n" : emit::EmitStream(c->output);
  out += "-- codes:";
  for (const auto& code : codes) out += " " + code;
  return out;
}

std::string ReadFile(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

Files ReadCase(const fs::path& dir) {
  Files files;
  for (const auto& entry : fs::recursive_directory_iterator(dir)) {
    if (entry.path().extension() != ".policy") continue;
    files.emplace_back(fs::relative(entry.path(), dir).string(), ReadFile(entry.path()));
  }
  std::sort(files.begin(), files.end());
  return files;
}

// examples/* and golden/<area>/*: each directory is one program.
std::vector<fs::path> CaseDirs() {
  fs::path root(STAVE_SOURCE_ROOT);
  std::vector<fs::path> out;
  for (const auto& e : fs::directory_iterator(root / "examples")) out.push_back(e.path());
  for (const auto& area : fs::directory_iterator(root / "golden")) {
    if (!area.is_directory()) continue;
    for (const auto& e : fs::directory_iterator(area.path())) {
      if (e.is_directory()) out.push_back(e.path());
    }
  }
  std::sort(out.begin(), out.end());
  return out;
}

// A file's tokens and comments, in order, as source slices.
struct Atom {
  std::string text;
  uint32_t begin = 0;
  uint32_t end = 0;
  bool is_comment = false;
};

std::vector<Atom> Atoms(const std::string& text) {
  auto p = ParseText(text);
  const auto& comments = p->result.file.comments;
  auto toks = stave::formatter::internal::LexTokens(text);
  std::vector<Atom> out;
  auto comment = [&](const syntax::Comment& c) {
    out.push_back({c.text, c.span.begin, c.span.end, true});
  };
  size_t c = 0;
  for (const auto& t : toks) {
    for (; c < comments.size() && comments[c].span.begin < t.begin; ++c) comment(comments[c]);
    out.push_back({text.substr(t.begin, t.end - t.begin), t.begin, t.end, false});
  }
  for (; c < comments.size(); ++c) comment(comments[c]);
  return out;
}

// The spans of `run` rules: the admission policy quotes their source text
// in its messages (lower/admission.cpp), so spacing inside them shows in the
// YAML. Variants keep them as written.
std::vector<base::Span> RunRules(const std::string& text) {
  auto p = ParseText(text);
  std::vector<base::Span> out;
  for (const auto& r : p->result.file.rules) {
    if (std::holds_alternative<syntax::RunRule>(r.target)) out.push_back(r.span);
  }
  return out;
}

// Reprints a valid file with random whitespace between its atoms and, with
// `add_comments`, random `// cN` and `/* cN */` comments between tokens.
// Without `keep_comments` its own comments are dropped; without `blank_lines`
// no separator holds an empty line.
std::string Respace(const std::string& text, std::mt19937& rng, bool add_comments,
                    bool keep_comments, bool blank_lines) {
  std::vector<base::Span> verbatim = RunRules(text);
  auto inside = [&](uint32_t from, uint32_t to) {
    return std::any_of(verbatim.begin(), verbatim.end(),
                       [&](const base::Span& s) { return s.begin <= from && to <= s.end; });
  };
  std::vector<Atom> atoms = Atoms(text);
  std::string out;
  int n = 0;
  for (size_t i = 0; i < atoms.size(); ++i) {
    const Atom& a = atoms[i];
    if (i + 1 < atoms.size() && inside(a.begin, atoms[i + 1].end)) {
      out += text.substr(a.begin, atoms[i + 1].begin - a.begin);
      continue;
    }
    if (a.is_comment && !keep_comments) continue;
    out += a.text;
    if (a.is_comment && a.text.rfind("//", 0) == 0) {
      out += "\n";
      continue;
    }
    switch (rng() % 12) {
      case 4: out += add_comments ? " /* m" + std::to_string(n++) + "\n  x */ " : " "; break;
      case 5: out += "\n"; break;
      case 6: out += blank_lines ? "\n\n  " : "\n  "; break;
      case 7: out += " \t "; break;
      case 8: out += add_comments ? " /* c" + std::to_string(n++) + " */ " : " "; break;
      case 9: out += add_comments ? "   // c" + std::to_string(n++) + "\n" : "\n\t"; break;
      case 10: out += add_comments ? "\n  // own " + std::to_string(n++) + "\n\n" : " "; break;
      default: out += " ";
    }
  }
  return out;
}

// The doc comments the language server shows, per declaration and rule.
std::vector<std::string> Docs(const std::string& text) {
  auto p = ParseText(text);
  std::vector<std::string> out;
  auto add = [&](std::string doc) {
    std::string kept;
    std::stringstream lines(doc);
    std::string line;
    while (std::getline(lines, line)) {
      while (!line.empty() && (line.back() == ' ' || line.back() == '\t')) line.pop_back();
      kept += line + "\n";
    }
    out.push_back(kept);
  };
  for (const auto& d : p->result.file.decls) add(d.doc);
  for (const auto& r : p->result.file.rules) add(r.doc);
  return out;
}

// The checks every formatted file must pass; returns the formatted text.
std::string CheckFormatted(const std::string& original) {
  std::string once = Fmt(original);
  CHECK(Fmt(once) == once);
  CHECK(CommentTexts(once) == CommentTexts(original));
  CHECK(Docs(once) == Docs(original));
  CHECK(once.find(" \n") == std::string::npos);
  CHECK(once.find("\t\n") == std::string::npos);
  REQUIRE(!once.empty());
  CHECK(once.back() == '\n');
  CHECK(once.find("\n\n\n") == std::string::npos);
  CHECK(once.substr(once.size() - std::min<size_t>(once.size(), 2)) != "\n\n");
  return once;
}

}  // namespace

// ---------------------------------------------------------------- exact output

// The input/expected pairs are golden cases, golden/fmt/<case>/{input,
// expected}.policy, run through `stave fmt -` by tests/golden/run_golden.py
// (which also formats each expected.policy again: idempotence). Every file
// there is formatted by the property tests below too, so the layout walk
// staying in sync and the comments kept are checked for them here. This
// one stays: it compares what the program means before and after.
TEST_CASE("fmt: stave:allow comments keep silencing the same item", "[fmt]") {
  // An allow applies to the first item after it. The first one trails
  // `action a`; the second sits inside the first rule, so it applies to the
  // second rule; formatting moves it to the end of the first rule's line.
  const std::string input =
      "package p\nnamespace ns\ngroup g = \"g\"\n"
      "action a { pods: * } // stave:allow W0501 the demo needs it\n"
      "allow g to // stave:allow W0501 again\n a in ns\nallow g to a in ns\n";
  std::string formatted = Fmt(input);
  CHECK(formatted ==
        "package p\n\nnamespace ns\ngroup g = \"g\"\naction a {\n  pods: *\n}  "
        "// stave:allow W0501 the demo needs it\n"
        "allow g to a in ns  // stave:allow W0501 again\nallow g to a in ns\n");
  std::string meaning = Meaning({{"a.policy", input}});
  CHECK(meaning.find("W0501") == std::string::npos);
  CHECK(meaning.find("W0104") == std::string::npos);
  CHECK(Meaning({{"a.policy", formatted}}) == meaning);
}

// ---------------------------------------------------------------- properties

TEST_CASE("fmt: every example and golden file", "[fmt]") {
  fs::path root(STAVE_SOURCE_ROOT);
  size_t formatted = 0;
  size_t refused = 0;
  for (const char* dir : {"examples", "golden", "stdlib"}) {
    for (const auto& entry : fs::recursive_directory_iterator(root / dir)) {
      if (entry.path().extension() != ".policy") continue;
      INFO("file: " << entry.path().string());
      std::string text = ReadFile(entry.path());
      auto p = ParseText(text);
      if (p->result.file.has_syntax_errors) {
        CHECK_FALSE(stave::formatter::FormatFile(p->result.file, p->set.file(p->id)));
        ++refused;
        continue;
      }
      CheckFormatted(text);
      ++formatted;
    }
  }
  CHECK(formatted > 50);
  CHECK(refused > 5);
}

TEST_CASE("fmt: formatting every case keeps its meaning", "[fmt]") {
  size_t compared = 0;
  for (const fs::path& dir : CaseDirs()) {
    Files original = ReadCase(dir);
    if (original.empty()) continue;
    Files formatted;
    bool all_parse = true;
    for (const auto& [path, text] : original) {
      auto out = Format(text);
      if (!out) {
        all_parse = false;
        break;
      }
      formatted.emplace_back(path, *out);
    }
    if (!all_parse) continue;
    // Cases with errors (say, an unknown name) must report the same codes.
    std::string meaning = Meaning(original);
    INFO("case: " << dir.string());
    CHECK(Meaning(formatted) == meaning);
    compared += meaning.rfind("errors\n", 0) != 0;
  }
  CHECK(compared > 20);
}

TEST_CASE("fmt: re-spaced and commented variants", "[fmt]") {
  size_t compared = 0;
  for (const fs::path& dir : CaseDirs()) {
    Files original = ReadCase(dir);
    if (original.empty()) continue;
    bool all_parse = std::all_of(original.begin(), original.end(),
                                 [](const auto& f) { return Format(f.second).has_value(); });
    if (!all_parse) continue;
    std::string meaning = Meaning(original);
    for (unsigned seed = 1; seed <= 4; ++seed) {
      std::mt19937 rng(seed);
      INFO("case: " << dir.string() << " seed " << seed);
      Files variant;
      for (const auto& [path, text] : original) {
        std::string noisy = Respace(text, rng, /*add_comments=*/true, /*keep_comments=*/true,
                                    /*blank_lines=*/true);
        INFO("variant of " << path << ":\n" << noisy);
        variant.emplace_back(path, CheckFormatted(noisy));
        // The layout depends on the tokens alone, not on how they were spaced.
        std::string bare = Respace(text, rng, false, false, false);
        std::string single;
        for (const Atom& a : Atoms(text)) {
          if (!a.is_comment) single += a.text + " ";
        }
        CHECK(Fmt(bare) == Fmt(single));
      }
      CHECK(Meaning(variant) == meaning);
      compared += meaning.rfind("errors\n", 0) != 0;
    }
  }
  CHECK(compared > 80);
}
