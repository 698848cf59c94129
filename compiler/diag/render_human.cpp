// Renders one diagnostic as text. Labels in the primary file share one
// snippet, sorted by line; labels in other files get a `:::` block of their
// own; located notes become `note:` sub-diagnostics with their own snippet.
#include "compiler/diag/render_human.h"

#include <algorithm>
#include <map>

#include <fmt/format.h>

#include "compiler/base/utf8.h"

namespace stave::diag {
namespace {

struct Paint {
  bool on;
  std::string operator()(std::string_view code, std::string_view text) const {
    if (!on) return std::string(text);
    return fmt::format("\x1b[{}m{}\x1b[0m", code, text);
  }
};

std::string_view SeverityColor(Severity s) {
  switch (s) {
    case Severity::Error: return "1;31";
    case Severity::Warning: return "1;33";
    case Severity::Note: return "1;32";
  }
  return "1";
}

// What a source line looks like on a terminal: tabs become four spaces,
// and control characters and bytes that are not UTF-8 (a file refused with
// E0001 is still quoted) become `\xNN`, so a diagnostic never sends raw
// binary to the terminal. Widths come from the same text, so carets line up.
std::string ForDisplay(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size();) {
    // Printable ASCII, most of any line, is copied a run at a time.
    size_t run = i;
    while (run < text.size() && static_cast<unsigned char>(text[run]) - 0x20u < 0x5fu) ++run;
    if (run > i) {
      out.append(text.substr(i, run - i));
      i = run;
      continue;
    }
    unsigned char c = static_cast<unsigned char>(text[i]);
    if (c == '\t') {
      out += "    ";
      ++i;
      continue;
    }
    if (c < 0x20 || c == 0x7f) {
      out += fmt::format("\\x{:02x}", c);
      ++i;
      continue;
    }
    size_t len = c < 0x80 ? 1 : c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : c >= 0xC0 ? 2 : 0;
    if (len == 0 || i + len > text.size() || base::FindInvalidUtf8(text.substr(i, len))) {
      out += fmt::format("\\x{:02x}", c);
      ++i;
      continue;
    }
    out.append(text.substr(i, len));
    i += len;
  }
  return out;
}

uint32_t DisplayWidth(std::string_view text) { return base::CountCodePoints(ForDisplay(text)); }

// A quoted line is cut to this many bytes around its marks, with `...` at
// a cut end: a diagnostic on a 6 MB line quotes an excerpt, not the line
// (docs/security.md).
constexpr uint32_t kMaxQuotedBytes = 120;
// Of which this many come before the first mark, when the line is cut.
constexpr uint32_t kLeadBytes = 40;
constexpr std::string_view kEllipsis = "...";

struct Mark {
  uint32_t line;
  uint32_t begin_byte;  // in the line, 0-based
  uint32_t end_byte;
  bool primary;
  std::string_view message;
  uint32_t start_col = 0;  // display columns in the quoted excerpt, 0-based
  uint32_t width = 1;
};

Mark MarkFor(const base::SourceFile& file, const Label& label, bool primary) {
  base::LineCol begin = file.position(label.span.begin);
  std::string_view line = file.line_text(begin.line);
  uint32_t line_start = label.span.begin - (begin.byte_column - 1);
  uint32_t col_byte = std::min<uint32_t>(begin.byte_column - 1, static_cast<uint32_t>(line.size()));
  // A span running past its first line is underlined to that line's end.
  uint32_t end_byte = std::min<uint32_t>(label.span.end - line_start,
                                         static_cast<uint32_t>(line.size()));
  if (end_byte < col_byte) end_byte = col_byte;
  return {begin.line, col_byte, end_byte, primary, label.message};
}

// Moves `at` back to the first byte of a UTF-8 sequence (at most three
// steps: invalid text has no sequence to keep whole).
uint32_t SequenceStart(std::string_view line, uint32_t at) {
  for (int i = 0; i < 3 && at > 0 && at < line.size() &&
                  (static_cast<unsigned char>(line[at]) & 0xC0) == 0x80;
       ++i) {
    --at;
  }
  return at;
}

// The quoted part of a line: all of it when short, else kMaxQuotedBytes
// from a little before the first mark. Sets each mark's display columns.
std::string Excerpt(std::string_view line, std::vector<Mark>& marks) {
  uint32_t size = static_cast<uint32_t>(line.size());
  uint32_t begin = 0, end = size;
  if (size > kMaxQuotedBytes) {
    uint32_t first = size;
    for (const Mark& m : marks) first = std::min(first, m.begin_byte);
    begin = SequenceStart(line, first > kLeadBytes ? first - kLeadBytes : 0);
    end = std::min(size, begin + kMaxQuotedBytes);
    if (end < size) end = SequenceStart(line, end);
  }
  std::string_view shown = line.substr(begin, end - begin);
  std::string prefix = begin > 0 ? std::string(kEllipsis) : "";
  uint32_t lead = static_cast<uint32_t>(prefix.size());
  for (Mark& m : marks) {
    uint32_t b = std::clamp(m.begin_byte, begin, end) - begin;
    uint32_t e = std::clamp(m.end_byte, begin, end) - begin;
    m.start_col = lead + DisplayWidth(shown.substr(0, b));
    m.width = std::max<uint32_t>(DisplayWidth(shown.substr(b, e - b)), 1);
  }
  return prefix + ForDisplay(shown) + (end < size ? std::string(kEllipsis) : "");
}

class Renderer {
 public:
  Renderer(const base::SourceSet& sources, const HumanStyle& style)
      : sources_(sources), paint_{style.color} {}

  std::string Render(const Diagnostic& d) {
    std::vector<Label> same_file;
    std::vector<Label> other_files;
    for (const Label& l : d.secondary) {
      if (!l.span.valid()) continue;
      (l.span.file == d.primary.span.file ? same_file : other_files).push_back(l);
    }
    gutter_ = GutterWidth(d);

    std::string out = Header(d.severity, fmt::format("{}[{}]", SeverityName(d.severity),
                                                     Info(d.code).name), d.message);
    if (d.primary.span.valid()) {
      out += Snippet(d.primary, same_file, "-->");
    }
    for (const Label& l : other_files) out += Snippet(l, {}, ":::", false);
    for (const Note& n : d.notes) {
      if (!n.span.valid()) {
        out += fmt::format("{} {} {}\n", Pad(), paint_("1;34", "="), "note: " + n.message);
      }
    }
    for (const std::string& h : d.help) {
      out += fmt::format("{} {} help: {}\n", Pad(), paint_("1;34", "="), h);
    }
    for (const Note& n : d.notes) {
      if (!n.span.valid()) continue;
      out += Header(Severity::Note, "note", n.message);
      out += Snippet({n.span, ""}, {}, "-->");
    }
    return out;
  }

 private:
  std::string Header(Severity s, std::string_view tag, std::string_view message) {
    return fmt::format("{}{}\n", paint_(SeverityColor(s), tag),
                       paint_("1", fmt::format(": {}", message)));
  }

  std::string Pad() const { return std::string(gutter_, ' '); }

  uint32_t GutterWidth(const Diagnostic& d) {
    uint32_t max_line = 1;
    auto consider = [&](base::Span s) {
      if (s.valid()) max_line = std::max(max_line, sources_.file(s.file).position(s.begin).line);
    };
    consider(d.primary.span);
    for (const Label& l : d.secondary) consider(l.span);
    for (const Note& n : d.notes) consider(n.span);
    return static_cast<uint32_t>(fmt::formatted_size("{}", max_line));
  }

  std::string Snippet(const Label& main, const std::vector<Label>& extra,
                      std::string_view arrow, bool main_is_primary = true) {
    const base::SourceFile& file = sources_.file(main.span.file);
    base::LineCol at = file.position(main.span.begin);
    std::string out = fmt::format("{}{} {}:{}:{}\n", Pad(), paint_("1;34", arrow), file.path(),
                                  at.line, at.column);
    std::map<uint32_t, std::vector<Mark>> by_line;
    Mark m = MarkFor(file, main, main_is_primary);
    by_line[m.line].push_back(m);
    for (const Label& l : extra) {
      Mark x = MarkFor(file, l, false);
      by_line[x.line].push_back(x);
    }
    std::string bar = paint_("1;34", "|");
    out += fmt::format("{} {}\n", Pad(), bar);
    uint32_t previous = 0;
    for (auto& [line, marks] : by_line) {
      if (previous != 0 && line > previous + 1) out += paint_("1;34", "...") + "\n";
      previous = line;
      std::string_view text = file.line_text(line);
      std::string number = paint_("1;34", fmt::format("{:>{}}", line, gutter_));
      if (text.find('\0') != std::string_view::npos) {
        // Binary data is never policy text, and may be anything (a link to
        // /proc/self/environ): it is not quoted at all.
        out += fmt::format("{} {} (not shown: binary data)\n", number, bar);
        continue;
      }
      out += fmt::format("{} {} {}\n", number, bar, Excerpt(text, marks));
      std::sort(marks.begin(), marks.end(),
                [](const Mark& a, const Mark& b) { return a.start_col < b.start_col; });
      for (const Mark& mk : marks) {
        std::string under(mk.width, mk.primary ? '^' : '-');
        std::string text = under;
        if (!mk.message.empty()) text += " " + std::string(mk.message);
        out += fmt::format("{} {} {}{}\n", Pad(), bar, std::string(mk.start_col, ' '),
                           paint_(mk.primary ? "1;31" : "1;34", text));
      }
    }
    return out;
  }

  const base::SourceSet& sources_;
  Paint paint_;
  uint32_t gutter_ = 1;
};

}  // namespace

std::string RenderHuman(const Diagnostic& d, const base::SourceSet& sources,
                        const HumanStyle& style) {
  return Renderer(sources, style).Render(d);
}

}  // namespace stave::diag
