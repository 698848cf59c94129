// The standard library (package `std`, spec §9), embedded at build time from
// stdlib/std/*.policy under virtual paths `std/<file>.policy`.
#pragma once

#include <string_view>
#include <vector>

namespace stave::sema {

struct EmbeddedFile {
  std::string_view path;
  std::string_view text;
};

const std::vector<EmbeddedFile>& StdlibFiles();

}  // namespace stave::sema
