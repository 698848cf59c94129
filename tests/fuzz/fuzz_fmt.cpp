// libFuzzer target: the formatter. Invariants: formatting is idempotent
// (formatting the output again changes nothing), the formatted text parses
// with no errors, and it means the same: when the input compiles without
// errors, so does the output, and both emit the same YAML.
#include "compiler/emit/yaml.h"
#include "compiler/fmt/format.h"
#include "tests/fuzz/fuzz_util.h"

using namespace stave;

namespace {

std::optional<std::string> Format(const std::string& text, bool* parse_errors) {
  base::SourceSet sources;
  base::FileId id = sources.add("fuzz.policy", text);
  syntax::ParseResult parsed = syntax::Parse(sources, id);
  if (parse_errors) *parse_errors = parsed.diagnostics.has_errors();
  return formatter::FormatFile(parsed.file, sources.file(id));
}

// The YAML `build` would write, or nullopt when the text has errors.
std::optional<std::string> Built(const std::string& text) {
  auto c = fuzz::BuildText(text);
  if (c->diagnostics.has_errors()) return std::nullopt;
  return emit::EmitStream(c->output);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string text(reinterpret_cast<const char*>(data), size);
  std::optional<std::string> once = Format(text, nullptr);
  if (!once) return 0;  // fmt refuses text with syntax errors
  bool errors = false;
  std::optional<std::string> twice = Format(*once, &errors);
  fuzz::Require(!errors, "the formatted text has syntax errors");
  fuzz::Require(twice.has_value() && *twice == *once, "formatting is not idempotent");
  std::optional<std::string> before = Built(text);
  if (before) {
    std::optional<std::string> after = Built(*once);
    fuzz::Require(after.has_value(), "the formatted text no longer compiles");
    fuzz::Require(*after == *before, "formatting changed what the policy builds");
  }
  return 0;
}
