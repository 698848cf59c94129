// Position conversion: byte offsets to lines and columns in code points and
// UTF-16 units, and back (the language server's direction).
#include <catch2/catch.hpp>

#include "compiler/base/source.h"
#include "compiler/base/utf8.h"

using stave::base::SourceFile;

TEST_CASE("positions count lines and code points", "[source]") {
  SourceFile f("a.policy", "ab\ncd\r\nef");
  CHECK(f.position(0).line == 1);
  CHECK(f.position(4).line == 2);
  CHECK(f.position(4).column == 2);
  CHECK(f.line_text(2) == "cd");  // the \r is not part of the line
  CHECK(f.position(7).line == 3);
  CHECK(f.line_count() == 3);
}

TEST_CASE("non-ASCII text: code points for humans, UTF-16 for the LSP", "[source]") {
  // "é" is 2 bytes/1 unit; "😀" is 4 bytes/2 UTF-16 units.
  SourceFile f("a.policy", "// é😀x\n");
  auto lc = f.position(9);  // the `x`
  CHECK(lc.byte_column == 10);
  CHECK(lc.column == 6);
  CHECK(lc.utf16_column == 7);
  CHECK(f.offset_of_utf16(0, 6) == 9);
  // A column inside the surrogate pair lands before the emoji, never inside.
  CHECK(f.offset_of_utf16(0, 5) == 5);
  // Past the end of the line clamps to the line's end.
  CHECK(f.offset_of_utf16(0, 100) == 10);
  CHECK(f.offset_of_utf16(7, 0) == f.text().size());
}

TEST_CASE("a lone carriage return ends a line, as LSP counts lines", "[source]") {
  SourceFile f("a.policy", "a\rb\r\nc\nd");
  CHECK(f.line_count() == 4);
  CHECK(f.position(2).line == 2);
  CHECK(f.line_text(2) == "b");
  CHECK(f.position(5).line == 3);
  CHECK(f.offset_of_utf16(3, 0) == 7);
}

TEST_CASE("UTF-8 validation finds the first bad byte", "[source]") {
  using stave::base::FindInvalidUtf8;
  CHECK_FALSE(FindInvalidUtf8("plain ascii").has_value());
  CHECK_FALSE(FindInvalidUtf8("caf\xc3\xa9").has_value());
  CHECK(FindInvalidUtf8("ab\xff").value() == 2);
  CHECK(FindInvalidUtf8("\xc0\xaf").value() == 0);          // overlong
  CHECK(FindInvalidUtf8("x\xed\xa0\x80").value() == 1);     // surrogate
  CHECK(FindInvalidUtf8("\xf4\x90\x80\x80").value() == 0);  // > U+10FFFF
  CHECK(FindInvalidUtf8("ab\xe2\x82").value() == 2);        // truncated
}
