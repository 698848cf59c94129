// The formatter's internals: the printed form of a file as lines of tokens,
// each token tied to the source token it reprints, and the pass that puts
// every comment back between the same two tokens it sat between.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "compiler/base/source.h"
#include "compiler/syntax/ast.h"

namespace stave::formatter::internal {

// Lines longer than this (indentation included) are broken where the
// layout allows: call rules, call expectations, one-line blocks.
inline constexpr size_t kMaxWidth = 100;

// Where a source token is: half-open byte offsets.
struct TokPos {
  uint32_t begin = 0;
  uint32_t end = 0;
};

// The tokens of a file that parsed without errors, comments and whitespace
// skipped. The formatter prints exactly these tokens, in this order.
std::vector<TokPos> LexTokens(std::string_view text);

struct Piece {
  std::string text;   // as printed (strings re-escaped, keys quoted or bare)
  uint32_t tok = 0;   // index into the LexTokens result
  bool glue = false;  // no space before it (`,` `:` `.` `[` `]`)
};

enum class LineKind : uint8_t {
  kChild,      // a statement: an item, a block clause, an entry, an expectation
  kCont,       // a continuation inside one statement: no blank lines around it
  kClose,      // the `}` of a block of statements
  kCloseCont,  // the `}` of a broken one-line block
};

struct Line {
  int indent = 0;
  LineKind kind = LineKind::kChild;
  bool force_blank = false;   // one blank line before it (after package and imports)
  std::vector<Piece> pieces;  // never empty
};

size_t Width(const Line& line);

// True when a comment that cannot stay inline (a `//` comment, a block
// comment spanning lines) lies inside lines[first..last] (the broken form of
// a group) after a token of any line but the last: printing the group on one
// line would push that comment out of it.
bool CommentForcesBreak(const std::vector<Line>& lines, size_t first, size_t last,
                        const std::vector<TokPos>& toks,
                        const std::vector<syntax::Comment>& comments);

// Joins lines[first..last] into lines[first] (`{` `}` become `{}`).
void JoinLines(std::vector<Line>& lines, size_t first, size_t last);

// The final text: `lines` with every comment placed (see docs/formatting.md,
// "Comments"), trailing whitespace removed, one final newline.
std::string Render(std::string_view source, const std::vector<TokPos>& toks,
                   const std::vector<Line>& lines, const std::vector<syntax::Comment>& comments,
                   bool force_blank_at_end);

struct Checked {
  std::string text;
  // False when the layout walk disagreed with the source tokens (a bug):
  // FormatFile then returns the source unchanged. Tests assert it is true.
  bool in_sync = true;
};

// FormatFile, with the consistency check visible to tests. `file` must be
// free of syntax errors.
Checked FormatChecked(const syntax::File& file, const base::SourceFile& source);

}  // namespace stave::formatter::internal
