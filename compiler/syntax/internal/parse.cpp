// Parse(): checks the bytes, lexes, turns lexical problems into diagnostics,
// parses with Stave's error strategy and builds the AST. Every exception
// stops here; nothing from ANTLR outlives this call.
#include <fmt/format.h>

#include "StaveLexer.h"
#include "StaveParser.h"
#include "antlr4-runtime.h"
#include "compiler/base/utf8.h"
#include "compiler/syntax/internal/error_strategy.h"
#include "compiler/syntax/internal/fast_lexer.h"
#include "compiler/syntax/internal/token_buffer.h"
#include "compiler/syntax/internal/token_text.h"
#include "compiler/syntax/internal/tree_builder.h"
#include "compiler/syntax/parse.h"
#include "compiler/syntax/tokens.h"

namespace stave::syntax {
namespace {

using L = stave_antlr::StaveLexer;

// Refuses input ANTLR should never see: oversized, binary or not UTF-8.
bool CheckBytes(const base::SourceFile& src, base::FileId id, diag::DiagnosticList& diags) {
  std::string_view text = src.text();
  if (text.size() > kMaxFileBytes) {
    // The driver reads a file only up to one byte past the limit, so the
    // size is known only for text that came in whole (an editor's buffer).
    std::string size = text.size() > kMaxFileBytes + 1
                           ? fmt::format("{:.1f} MiB", text.size() / 1048576.0)
                           : fmt::format("over {} MiB", kMaxFileBytes >> 20);
    diags.report(diag::Code::E0002, {id, 0, 0},
                 fmt::format("`{}` is {}; policy files may be at most {} MiB", src.path(), size,
                             kMaxFileBytes >> 20),
                 "the file starts here")
        .with_help("split the policy into several files of one package");
    return false;
  }
  if (auto nul = text.find('\0'); nul != std::string_view::npos) {
    diags.report(diag::Code::E0001, {id, static_cast<uint32_t>(nul), static_cast<uint32_t>(nul)},
                 fmt::format("`{}` looks like a binary file, not policy text", src.path()),
                 "a NUL byte here");
    return false;
  }
  if (auto bad = base::FindInvalidUtf8(text)) {
    diags.report(diag::Code::E0001, {id, *bad, *bad + 1},
                 fmt::format("`{}` is not valid UTF-8", src.path()), "invalid byte sequence here")
        .with_help("save the file as UTF-8");
    return false;
  }
  return true;
}

// One pass over the tokens: lexical errors are reported, and the bad
// tokens hidden or repaired so that the parser sees a plausible stream;
// comments are kept for the formatter. Every token is a CommonToken (the
// token source makes them), so no cast needs checking. Lexical errors count
// against the same cap as the parser's (a megabyte of `"` lines would be
// half a million errors): returns how many were reported, or nullopt when
// there were more than kMaxSyntaxErrors and the scan stopped.
std::optional<size_t> ScanTokens(antlr4::CommonTokenStream& tokens, const internal::OffsetMap& map,
                                 base::FileId id, diag::DiagnosticList& diags, File& file) {
  size_t errors = 0;
  for (antlr4::Token* t : tokens.getTokens()) {
    auto* token = static_cast<antlr4::CommonToken*>(t);
    size_t type = t->getType();
    if ((type == L::UNTERMINATED_STRING || type == L::UNTERMINATED_COMMENT ||
         type == L::ERROR_CHAR) &&
        ++errors > kMaxSyntaxErrors) {
      return std::nullopt;
    }
    switch (type) {
      case L::UNTERMINATED_STRING: {
        base::Span span = internal::TokenSpan(t, map, id);
        diags.report(diag::Code::E0003, {id, span.begin, span.begin + 1},
                     "unterminated string", "the string starts here")
            .with_help("close the string with `\"` on the same line");
        token->setType(L::STRING);
        break;
      }
      case L::UNTERMINATED_COMMENT: {
        base::Span span = internal::TokenSpan(t, map, id);
        diags.report(diag::Code::E0004, {id, span.begin, span.begin + 2},
                     "unterminated block comment", "the comment starts here")
            .with_help("close the comment with `*/`");
        file.comments.push_back({t->getText(), span});
        token->setChannel(antlr4::Token::HIDDEN_CHANNEL);
        break;
      }
      case L::ERROR_CHAR: {
        std::string text = t->getText();
        diags.report(diag::Code::E0006, internal::TokenSpan(t, map, id),
                     fmt::format("unexpected character `{}`", text), "not part of any token")
            .with_help(text == "-" ? "names may contain `-` but not end with it"
                                   : "remove it, or put it inside a string");
        token->setChannel(antlr4::Token::HIDDEN_CHANNEL);
        break;
      }
      case L::DOC_COMMENT:
      case L::LINE_COMMENT:
      case L::BLOCK_COMMENT:
        file.comments.push_back({t->getText(), internal::TokenSpan(t, map, id)});
        break;
      default: break;
    }
  }
  return errors;
}

void ReportTooManyErrors(const base::SourceFile& src, base::FileId id, diag::DiagnosticList& diags) {
  diags.report(diag::Code::E0009, {id, 0, 0},
               fmt::format("too many syntax errors in `{}`; stopped after {}", src.path(),
                           kMaxSyntaxErrors),
               "the file starts here")
      .with_help("fix the first errors; later ones often follow from them");
}

// The first of ANTLR's two-stage parse: SLL prediction, which looks at
// less context and is cheaper, giving up at the first syntax error. When
// it succeeds the tree is the one full LL prediction builds (ANTLR's
// guarantee for SLL); when it gives up, nullptr, and the caller parses
// again with LL and the error strategy that reports and recovers. Almost
// every file in a repository parses at the first stage.
stave_antlr::StaveParser::FileContext* SllParse(stave_antlr::StaveParser& parser) {
  parser.getInterpreter<antlr4::atn::ParserATNSimulator>()->setPredictionMode(
      antlr4::atn::PredictionMode::SLL);
  parser.setErrorHandler(std::make_shared<antlr4::BailErrorStrategy>());
  try {
    return parser.file();
  } catch (const antlr4::ParseCancellationException&) {
    return nullptr;
  }
}

}  // namespace

ParseResult Parse(const base::SourceSet& sources, base::FileId id) {
  ParseResult result;
  result.file.file = id;
  const base::SourceFile& src = sources.file(id);
  if (!CheckBytes(src, id, result.diagnostics)) {
    result.file.has_syntax_errors = true;
    return result;
  }
  try {
    internal::OffsetMap map(src.text());
    internal::TokenBuffer tokens(src.text());
    std::optional<size_t> lexical = ScanTokens(tokens, map, id, result.diagnostics, result.file);
    if (!lexical) {
      ReportTooManyErrors(src, id, result.diagnostics);
      result.file.has_syntax_errors = true;
      return result;
    }

    stave_antlr::StaveParser parser(&tokens);
    parser.removeErrorListeners();
    auto strategy = std::make_shared<internal::StaveErrorStrategy>(result.diagnostics, map, id,
                                                                   kMaxSyntaxErrors - *lexical);
    stave_antlr::StaveParser::FileContext* tree = SllParse(parser);
    try {
      if (tree == nullptr) {
        // A syntax error, or a decision SLL cannot make: again from the
        // start (reset rewinds the tokens) with full LL prediction and our
        // recovery, which reports.
        parser.reset();
        parser.getInterpreter<antlr4::atn::ParserATNSimulator>()->setPredictionMode(
            antlr4::atn::PredictionMode::LL);
        parser.setErrorHandler(strategy);
        tree = parser.file();
      }
    } catch (const internal::TooManyErrors&) {
      ReportTooManyErrors(src, id, result.diagnostics);
      result.file.has_syntax_errors = true;
      return result;
    }
    std::vector<Comment> comments = std::move(result.file.comments);
    result.file = internal::BuildFile(tree, tokens, map, id, result.diagnostics);
    result.file.comments = std::move(comments);
    result.file.has_syntax_errors = result.file.has_syntax_errors || strategy->error_count() > 0 ||
                                    result.diagnostics.has_errors();
  } catch (const std::exception& e) {
    result.diagnostics.report(diag::Code::E0007, {id, 0, 0},
                              fmt::format("internal error while parsing: {}", e.what()),
                              "while parsing this file")
        .with_help("please report this at the Stave issue tracker with the file");
    result.file.has_syntax_errors = true;
  }
  return result;
}

TargetParseResult ParseExpectTarget(const base::SourceSet& sources, base::FileId id) {
  TargetParseResult result;
  const base::SourceFile& src = sources.file(id);
  if (!CheckBytes(src, id, result.diagnostics)) return result;
  try {
    internal::OffsetMap map(src.text());
    internal::TokenBuffer tokens(src.text());
    File comments;  // a query has none worth keeping
    if (!ScanTokens(tokens, map, id, result.diagnostics, comments)) {
      ReportTooManyErrors(src, id, result.diagnostics);
      return result;
    }
    stave_antlr::StaveParser parser(&tokens);
    parser.removeErrorListeners();
    auto strategy = std::make_shared<internal::StaveErrorStrategy>(result.diagnostics, map, id,
                                                                   kMaxSyntaxErrors);
    parser.setErrorHandler(strategy);
    stave_antlr::StaveParser::LoneExpectTargetContext* tree = nullptr;
    try {
      tree = parser.loneExpectTarget();
    } catch (const internal::TooManyErrors&) {
      ReportTooManyErrors(src, id, result.diagnostics);
      return result;
    }
    auto target = internal::BuildLoneTarget(tree, tokens, map, id, result.diagnostics);
    if (strategy->error_count() == 0 && !result.diagnostics.has_errors()) result.target = std::move(target);
  } catch (const std::exception& e) {
    result.diagnostics.report(diag::Code::E0007, {id, 0, 0},
                              fmt::format("internal error while parsing: {}", e.what()),
                              "while parsing this query")
        .with_help("please report this at the Stave issue tracker with the query");
  }
  return result;
}

namespace {

// Where a lone target takes a string: the object of `VERB RESOURCE OBJECT
// in NS`, and the value of `path`, `host` and a header (`= VALUE`).
bool TargetTakesString(const std::vector<std::string>& words, size_t i) {
  if (i > 0 && (words[i - 1] == "path" || words[i - 1] == "host" || words[i - 1] == "=")) return true;
  bool api = words[0] != "call" && words[0] != "run";
  return api && i == 2 && words.size() > 3 && words[3] == "in";
}

}  // namespace

std::string TargetText(const std::vector<std::string>& words) {
  std::string text;
  for (size_t i = 0; i < words.size(); ++i) {
    const std::string& w = words[i];
    bool quoted = w.size() >= 2 && w.front() == '"' && w.back() == '"';
    if (i > 0) text += ' ';
    text += TargetTakesString(words, i) && !quoted ? StringLiteral(w) : w;
  }
  return text;
}

std::optional<std::string> CompareTokenizers(std::string_view text) {
  try {
    antlr4::ANTLRInputStream input(text.data(), text.size());
    L lexer(&input);
    lexer.removeErrorListeners();
    auto generated = lexer.getAllTokens();
    auto fast = internal::LexFast(text);
    for (size_t i = 0; i < std::max(generated.size(), fast.size()); ++i) {
      if (i >= generated.size() || i >= fast.size()) {
        return fmt::format("token {}: one tokenizer ends ({} vs {} tokens)", i, generated.size(),
                           fast.size());
      }
      const antlr4::Token& a = *generated[i];
      const antlr4::Token& b = *fast[i];
      if (a.getType() != b.getType() || a.getText() != b.getText() ||
          a.getStartIndex() != b.getStartIndex() || a.getStopIndex() != b.getStopIndex() ||
          a.getLine() != b.getLine() || a.getCharPositionInLine() != b.getCharPositionInLine() ||
          a.getChannel() != b.getChannel()) {
        return fmt::format("token {}: generated {} vs hand-written {}", i, a.toString(), b.toString());
      }
    }
    return std::nullopt;
  } catch (const std::exception& e) {
    return std::string("exception: ") + e.what();
  }
}

}  // namespace stave::syntax
