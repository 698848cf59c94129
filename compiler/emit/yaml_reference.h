// The two writers behind EmitObject and EmitAuditPolicy, apart: yaml-cpp's
// emitter, which laid out every document until the text sink
// (yaml_text.h) took over, and that sink alone. Tests hold them to the
// same bytes (tests/unit/emit_text_test.cpp).
#pragma once

#include <string>

#include "compiler/lower/objects.h"

namespace stave::emit {

// One document as yaml-cpp's emitter writes it, newline-terminated.
std::string EmitObjectWithYamlCpp(const lower::Object& object);
std::string EmitAuditPolicyWithYamlCpp(const lower::AuditPolicy& policy);

// The same document laid out by the text sink, appended to `out`; false,
// with `out` as it was, when the document has a shape the sink leaves to
// yaml-cpp.
bool AppendObjectText(const lower::Object& object, std::string& out);
bool AppendAuditPolicyText(const lower::AuditPolicy& policy, std::string& out);

}  // namespace stave::emit
