// `stave diff --format markdown`: a comment for a pull request. Cells are
// escaped so that paths like "/v1/*" stay literal, risky grants (the kinds
// the W05xx lints warn about) are marked, and a large diff collapses into
// one <details> block per namespace whose counts are its rows.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "compiler/access/permissions.h"

namespace stave::driver {

// One output row: changes of one sign, scope, subject and rules to one
// resource share a row, verbs joined ("get, list, watch pods").
struct DiffRow {
  char sign;  // '+' or '-'
  const access::PermissionRow* row;
  std::string what;
};

// More rows than this and the table is split by namespace, collapsed.
inline constexpr size_t kCollapseRowsAfter = 30;

std::string DiffMarkdown(const std::vector<DiffRow>& rows);

// The risk lint a row's permission falls under ("W0502"), or empty.
std::string_view RiskOf(const access::PermissionRow& row, std::string_view what);

// Markdown table cell text: inline markup characters escaped, `|` too.
std::string MarkdownCell(std::string_view text);

}  // namespace stave::driver
