// The second half of the formatter: the token positions (the parser's own
// tokens, syntax/tokens.h), and writing the laid-out lines with every
// comment put back between the same two tokens it sat between (inline,
// trailing, or on a line of its own).
#include <algorithm>

#include "compiler/fmt/layout.h"
#include "compiler/syntax/tokens.h"

namespace stave::formatter::internal {
namespace {

bool IsSpace(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\f'; }

bool IsDoc(const syntax::Comment& c) { return c.text.rfind("///", 0) == 0; }

// A `/* … */` on one line can stay between two tokens of a line.
bool IsInline(const syntax::Comment& c) {
  return c.text.rfind("/*", 0) == 0 && c.text.find('\n') == std::string::npos;
}

// Places comments while writing lines; the state below is what the
// placement rules in docs/formatting.md ("Comments") talk about.
class Renderer {
 public:
  Renderer(std::string_view source, const std::vector<TokPos>& toks,
           const std::vector<syntax::Comment>& comments)
      : src_(source), toks_(toks), comments_(comments) {}

  void WriteLine(const Line& line);
  void Finish(bool force_blank);
  std::string Text() const;

 private:
  // Comments before source offset `limit`, ahead of a line of `kind`.
  void Gap(uint32_t limit, int indent, LineKind kind);
  void OwnLine(const std::string& text, int indent, bool blank);
  bool SameLine(uint32_t from, uint32_t to) const {
    return src_.substr(from, to - from).find('\n') == std::string_view::npos;
  }
  bool BlankBetween(uint32_t from, uint32_t to) const;
  bool TakeForce() {
    bool f = force_;
    force_ = false;
    return f;
  }

  std::string_view src_;
  const std::vector<TokPos>& toks_;
  const std::vector<syntax::Comment>& comments_;
  size_t next_comment_ = 0;
  std::vector<std::string> out_;
  std::vector<const syntax::Comment*> pending_;  // moved out of a line, not yet written
  uint32_t last_end_ = 0;          // end of the last token or comment written (source offset)
  bool can_append_ = false;        // a comment on last_end_'s source line may join out_.back()
  bool after_open_ = false;        // nothing since a `{` that ends a line
  bool last_doc_ = false;          // the last thing written is a `///` comment
  bool appended_comment_ = false;  // out_.back() ends with a comment, not a token
  bool force_ = false;
};

bool Renderer::BlankBetween(uint32_t from, uint32_t to) const {
  bool newline = false;
  for (uint32_t i = from; i < to && i < src_.size(); ++i) {
    char c = src_[i];
    if (c == '\n') {
      if (newline) return true;
      newline = true;
    } else if (!IsSpace(c)) {
      newline = false;
    }
  }
  return false;
}

void Renderer::OwnLine(const std::string& text, int indent, bool blank) {
  if (blank && !out_.empty()) out_.emplace_back();
  out_.push_back(std::string(static_cast<size_t>(indent) * 2, ' ') + text);
  after_open_ = false;
}

void Renderer::Gap(uint32_t limit, int indent, LineKind kind) {
  if (kind == LineKind::kClose || kind == LineKind::kCloseCont) ++indent;
  bool blanks = kind == LineKind::kChild || kind == LineKind::kClose;
  // Comments moved out of the previous line go first, in order, with no
  // blank line (but the forced one after the header).
  for (const syntax::Comment* c : pending_) {
    OwnLine(c->text, indent, TakeForce());
    last_doc_ = IsDoc(*c);
  }
  if (!pending_.empty()) can_append_ = false;
  pending_.clear();
  while (next_comment_ < comments_.size() && comments_[next_comment_].span.begin < limit) {
    const syntax::Comment& c = comments_[next_comment_++];
    if (!out_.empty() && can_append_ && SameLine(last_end_, c.span.begin)) {
      // Trailing the tokens of the line (two spaces), or following a
      // comment on the same line (one space).
      out_.back() += (appended_comment_ ? " " : "  ") + c.text;
    } else {
      bool blank = TakeForce() || (blanks && !after_open_ && !(last_doc_ && IsDoc(c)) &&
                                   BlankBetween(last_end_, c.span.begin));
      OwnLine(c.text, indent, blank);
    }
    appended_comment_ = true;
    can_append_ = true;
    last_doc_ = IsDoc(c);
    last_end_ = std::max(last_end_, c.span.end);
  }
}

void Renderer::WriteLine(const Line& line) {
  if (line.force_blank) force_ = true;
  uint32_t first = toks_[line.pieces.front().tok].begin;
  Gap(first, line.indent, line.kind);
  bool blank = TakeForce() || (line.kind == LineKind::kChild && !after_open_ && !last_doc_ &&
                               BlankBetween(last_end_, first));
  std::string text;
  std::vector<const syntax::Comment*> moved;
  for (size_t i = 0; i < line.pieces.size(); ++i) {
    const Piece& p = line.pieces[i];
    if (i > 0) {
      bool inline_comment = false;
      uint32_t begin = toks_[p.tok].begin;
      while (next_comment_ < comments_.size() && comments_[next_comment_].span.begin < begin) {
        const syntax::Comment& c = comments_[next_comment_++];
        // Once one comment leaves the line, later ones follow it, so that
        // they stay in order.
        if (moved.empty() && IsInline(c)) {
          text += " " + c.text;
          inline_comment = true;
        } else {
          moved.push_back(&c);
        }
      }
      if (inline_comment || !p.glue) text += ' ';
    }
    text += p.text;
  }
  if (!moved.empty()) {
    text += "  " + moved.front()->text;
    pending_.assign(moved.begin() + 1, moved.end());
  }
  OwnLine(text, line.indent, blank);
  last_end_ = std::max(last_end_, toks_[line.pieces.back().tok].end);
  can_append_ = moved.empty();
  appended_comment_ = false;
  after_open_ = line.pieces.back().text == "{";
  last_doc_ = !moved.empty() && IsDoc(*moved.front());
}

void Renderer::Finish(bool force_blank) {
  if (force_blank) force_ = true;
  Gap(UINT32_MAX, 0, LineKind::kChild);
}

std::string Renderer::Text() const {
  std::string joined;
  for (const std::string& line : out_) {
    joined += line;
    joined += '\n';
  }
  // No trailing whitespace anywhere, block comments included.
  std::string out;
  size_t start = 0;
  while (start < joined.size()) {
    size_t nl = joined.find('\n', start);
    std::string_view line(joined.data() + start, nl - start);
    size_t keep = line.size();
    while (keep > 0 && IsSpace(line[keep - 1])) --keep;
    out.append(line.substr(0, keep));
    out += '\n';
    start = nl + 1;
  }
  return out;
}

}  // namespace

std::vector<TokPos> LexTokens(std::string_view text) {
  std::vector<TokPos> toks;
  for (const syntax::Token& t : syntax::Tokenize(text)) {
    if (t.kind != syntax::TokenKind::Space && t.kind != syntax::TokenKind::Comment) {
      toks.push_back({t.begin, t.end});
    }
  }
  return toks;
}

size_t Width(const Line& line) {
  size_t width = static_cast<size_t>(line.indent) * 2;
  for (size_t i = 0; i < line.pieces.size(); ++i) {
    // Code points, not bytes: what a reader sees.
    for (char c : line.pieces[i].text) width += (static_cast<unsigned char>(c) & 0xC0) != 0x80;
    if (i > 0 && !line.pieces[i].glue) ++width;
  }
  return width;
}

bool CommentForcesBreak(const std::vector<Line>& lines, size_t first, size_t last,
                        const std::vector<TokPos>& toks,
                        const std::vector<syntax::Comment>& comments) {
  uint32_t lo = toks[lines[first].pieces.front().tok].end;
  uint32_t hi = toks[lines[last].pieces.back().tok].begin;
  auto it =
      std::lower_bound(comments.begin(), comments.end(), lo,
                       [](const syntax::Comment& c, uint32_t at) { return c.span.begin < at; });
  for (; it != comments.end() && it->span.end <= hi; ++it) {
    if (IsInline(*it)) continue;
    size_t line = last;
    while (line > first && toks[lines[line].pieces.front().tok].begin > it->span.begin) --line;
    if (line != last) return true;
  }
  return false;
}

void JoinLines(std::vector<Line>& lines, size_t first, size_t last) {
  Line& into = lines[first];
  for (size_t l = first + 1; l <= last; ++l) {
    for (Piece& p : lines[l].pieces) {
      if (p.text == "}" && into.pieces.back().text == "{") p.glue = true;
      into.pieces.push_back(std::move(p));
    }
  }
  lines.erase(lines.begin() + static_cast<std::ptrdiff_t>(first) + 1,
              lines.begin() + static_cast<std::ptrdiff_t>(last) + 1);
}

std::string Render(std::string_view source, const std::vector<TokPos>& toks,
                   const std::vector<Line>& lines, const std::vector<syntax::Comment>& comments,
                   bool force_blank_at_end) {
  Renderer r(source, toks, comments);
  for (const Line& line : lines) r.WriteLine(line);
  r.Finish(force_blank_at_end);
  return r.Text();
}

}  // namespace stave::formatter::internal
