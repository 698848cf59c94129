// The lexicon of syntax/tokens.h, which the language server, the formatter
// and import use in place of their own rules: its keyword table is the
// grammar's, its reserved words are the ones the parser refuses as names,
// and Tokenize cuts a text where the parser does.
#include <fstream>
#include <regex>
#include <set>
#include <sstream>

#include <catch2/catch.hpp>

#include "compiler/syntax/parse.h"
#include "compiler/syntax/tokens.h"

using namespace stave;

namespace {

std::string ReadSourceFile(const std::string& relative) {
  std::ifstream in(std::string(STAVE_SOURCE_ROOT) + "/" + relative, std::ios::binary);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

// Whether `group WORD = "x"` parses: a name may be any word but a reserved one.
bool ParsesAsName(std::string_view word) {
  base::SourceSet set;
  base::FileId id = set.add("a.policy", "package p\ngroup " + std::string(word) + " = \"x\"\n");
  syntax::ParseResult r = syntax::Parse(set, id);
  return !r.diagnostics.has_errors();
}

std::string Kinds(std::string_view text) {
  std::string out;
  for (const syntax::Token& t : syntax::Tokenize(text)) {
    static const char* kNames[] = {"space", "word", "int", "string", "unterminated-string",
                                   "comment", "unterminated-comment", "punct", "error"};
    if (t.kind == syntax::TokenKind::Space) continue;
    if (!out.empty()) out += ' ';
    out += std::string(kNames[static_cast<int>(t.kind)]) + ":" +
           std::string(text.substr(t.begin, t.end - t.begin));
  }
  return out;
}

}  // namespace

TEST_CASE("the keyword table is the grammar's keyword rules", "[lexicon]") {
  std::string lexer = ReadSourceFile("grammar/StaveLexer.g4");
  std::set<std::string> grammar;
  std::regex rule(R"(^[A-Z_]+\s*:\s*'([a-z]+)'\s*;)", std::regex::multiline);
  for (auto it = std::sregex_iterator(lexer.begin(), lexer.end(), rule); it != std::sregex_iterator();
       ++it) {
    grammar.insert((*it)[1]);
  }
  std::set<std::string> table;
  for (auto w : syntax::ReservedWords()) table.insert(std::string(w));
  for (auto w : syntax::ContextualKeywords()) table.insert(std::string(w));
  CHECK(grammar.size() > 50);
  CHECK(table == grammar);
  CHECK(syntax::ReservedWords().size() + syntax::ContextualKeywords().size() == table.size());
}

TEST_CASE("reserved words are exactly the keywords the parser refuses as names", "[lexicon]") {
  // Spec §3's list, in its order.
  CHECK(syntax::ReservedWords() ==
        std::vector<std::string_view>{"package", "import", "as", "namespace", "user", "group",
                                      "serviceaccount", "resource", "action", "app", "pipeline",
                                      "allow", "deny", "to", "in", "call", "run", "test",
                                      "expect", "any", "authenticated", "cluster"});
  for (auto w : syntax::ReservedWords()) {
    INFO(w);
    CHECK(syntax::IsReservedWord(w));
    CHECK(syntax::IsKeyword(w));
    CHECK_FALSE(ParsesAsName(w));
  }
  for (auto w : syntax::ContextualKeywords()) {
    INFO(w);
    CHECK_FALSE(syntax::IsReservedWord(w));
    CHECK(syntax::IsKeyword(w));
    CHECK(ParsesAsName(w));
  }
  CHECK(ParsesAsName("devs"));
  CHECK_FALSE(syntax::IsKeyword("devs"));
  CHECK_FALSE(syntax::IsReservedWord("Allow"));  // keywords are lowercase
}

TEST_CASE("an identifier is one word token, not ending in a dash", "[lexicon]") {
  for (const char* ok : {"a", "_", "shop-prod", "a--b", "x9", "A_b-c", "allow"}) {
    INFO(ok);
    CHECK(syntax::IsIdentifier(ok));
    auto toks = syntax::Tokenize(ok);
    REQUIRE(toks.size() == 1);
    CHECK(toks[0].kind == syntax::TokenKind::Word);
  }
  for (const char* bad : {"", "-a", "a-", "9a", "a.b", "a b", "é", "a\"", "*"}) {
    INFO(bad);
    CHECK_FALSE(syntax::IsIdentifier(bad));
  }
}

TEST_CASE("Tokenize cuts a text where the parser does", "[lexicon]") {
  CHECK(Kinds("allow devs to view in prod // why\n") ==
        "word:allow word:devs word:to word:view word:in word:prod comment:// why");
  CHECK(Kinds("web- a--b 9abc") == "word:web error:- word:a--b int:9 word:abc");
  CHECK(Kinds("x == \"a\\\"b\" != * . ,") ==
        "word:x punct:== string:\"a\\\"b\" punct:!= punct:* punct:. punct:,");
  CHECK(Kinds("\"open\nnext") == "unterminated-string:\"open word:next");
  CHECK(Kinds("/* a */ b /* c") == "comment:/* a */ word:b unterminated-comment:/* c");
  CHECK(Kinds("/// doc\né!") == "comment:/// doc error:é error:!");
  // Offsets are bytes and cover the text without gaps.
  std::string text = "app api { ports [8080] }\n";
  uint32_t at = 0;
  for (const syntax::Token& t : syntax::Tokenize(text)) {
    CHECK(t.begin == at);
    CHECK(t.end > t.begin);
    at = t.end;
  }
  CHECK(at == text.size());
}

TEST_CASE("StringLiteral writes a literal the parser reads back as the value", "[lexicon]") {
  for (std::string value : {"", "shop-prod", "a \"quoted\" word", "back\\slash", "two\nlines",
                            "tab\there", "é and ✓"}) {
    INFO(value);
    std::string literal = syntax::StringLiteral(value);
    auto toks = syntax::Tokenize(literal);
    REQUIRE(toks.size() == 1);
    CHECK(toks[0].kind == syntax::TokenKind::String);
    base::SourceSet set;
    base::FileId id = set.add("a.policy", "package p\ngroup g = " + literal + "\n");
    syntax::ParseResult r = syntax::Parse(set, id);
    REQUIRE_FALSE(r.diagnostics.has_errors());
    REQUIRE(r.file.decls.size() == 1);
    CHECK(r.file.decls[0].value->value == value);
  }
}
