// Writing `build -o DIR`: all files or none, stale files that stave wrote
// earlier removed, and never a file stave did not write touched.
#pragma once

#include <map>
#include <string>
#include <vector>

namespace stave::driver {

struct WriteResult {
  std::vector<std::string> errors;   // nothing was changed when non-empty
  std::vector<std::string> written;  // files whose content changed
  std::vector<std::string> removed;  // stale generated files
};

WriteResult WriteOutputDir(const std::string& dir, const std::map<std::string, std::string>& files);

}  // namespace stave::driver
