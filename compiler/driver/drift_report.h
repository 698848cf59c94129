// `stave drift`'s report in each of its formats: text, JSON, SARIF 2.1.0
// (GitHub code scanning), Code Climate (GitLab Code Quality) and a Markdown
// table. Pure: returns the text; the command prints it.
#pragma once

#include <string>

#include "compiler/base/source.h"
#include "compiler/drift/drift.h"
#include "compiler/driver/options.h"

namespace stave::driver {

// `docs_url` is the diagnostics catalog's address (`--docs-url`, empty for
// the default); the drift rules' help points at import-drift.md beside it.
std::string RenderDriftReport(const drift::Report& report, Format format, const base::SourceSet& sources,
                              const std::string& docs_url);

}  // namespace stave::driver
