// The whole of `stave import` short of the disk: objects in, formatted
// `.policy` files out, checked by compiling them. Shared by the command
// and the round-trip tests.
#pragma once

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "compiler/import/import.h"
#include "compiler/pipeline/compilation.h"

namespace stave::driver {

struct ImportedProgram {
  std::map<std::string, std::string> files;  // file name -> text, in `stave fmt` layout
  std::vector<kube::Problem> warnings;
  // The files compiled and lowered (with `trust_domain`); an import whose
  // files do not check is a bug in stave, and the caller says so.
  std::unique_ptr<pipeline::Compilation> compilation;
};

import::StdLibrary StdLibraryOf(const sema::Program& program);

ImportedProgram ImportProgram(const std::vector<kube::ClusterObject>& objects, const std::string& package,
                              const std::string& trust_domain = "cluster.local");

}  // namespace stave::driver
