// Writing `build -o DIR`: under a lock, all files or none (staged, then
// committed by a journal that a killed build's successor completes), stale
// files removed only when the manifest says stave wrote them and they are
// unchanged, and never a file stave did not write touched.
#pragma once

#include <map>
#include <string>
#include <vector>

namespace stave::driver {

struct WriteResult {
  std::vector<std::string> errors;   // nothing was changed when non-empty
  std::vector<std::string> notes;    // e.g. an interrupted build was completed first
  std::vector<std::string> written;  // files whose content changed
  std::vector<std::string> removed;  // stale generated files
};

WriteResult WriteOutputDir(const std::string& dir, const std::map<std::string, std::string>& files);

}  // namespace stave::driver
