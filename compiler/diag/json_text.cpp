#include "compiler/diag/json_text.h"

#include <llvm/Support/FormatVariadic.h>
#include <llvm/Support/raw_ostream.h>

namespace stave::diag {

std::string JsonText(llvm::json::Value value) {
  std::string out;
  llvm::raw_string_ostream os(out);
  os << llvm::formatv("{0:2}", value);
  os.flush();
  return out + "\n";
}

}  // namespace stave::diag
