// Shell completion scripts for bash, zsh and fish, generated from the option
// table (`stave completions SHELL`; `meson install` installs all three).
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace stave::driver {

inline constexpr std::string_view kShells[] = {"bash", "zsh", "fish"};

// nullopt for a shell we have no script for.
std::optional<std::string> CompletionScript(std::string_view shell);

}  // namespace stave::driver
