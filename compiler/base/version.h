// Stave's version, as meson's `project(version:)` passes it to the targets
// that report it (`--version`, SARIF, the language server's serverInfo).
#pragma once

#ifndef STAVE_VERSION
#define STAVE_VERSION "unknown"
#endif

namespace stave::base {

inline constexpr const char* kVersion = STAVE_VERSION;

}  // namespace stave::base
