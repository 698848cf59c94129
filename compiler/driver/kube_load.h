// Finding and reading Kubernetes YAML and JSON for `stave import` and
// `stave drift` (spec §15): files, directories and standard input. Only
// the driver touches the disk.
#pragma once

#include <cstdio>
#include <string>
#include <vector>

#include "compiler/kube/objects.h"

namespace stave::driver {

// Larger files are refused (with their path), like policy files over 8 MiB:
// a dump of 10,000 objects is about 10 MiB.
inline constexpr size_t kMaxKubeFileBytes = 64u << 20;

struct KubeLoad {
  std::vector<kube::InputFile> files;  // sorted by path within each argument
  std::vector<std::string> errors;     // unreadable or missing: exit 2
  std::vector<kube::Problem> too_large;  // read but refused: exit 1
};

// `-` is standard input. Directories are searched recursively for
// `*.yaml`, `*.yml` and `*.json` regular files, sorted, skipping hidden
// directories and symlinks that lead out of the directory.
KubeLoad LoadKubeInputs(const std::vector<std::string>& paths);

// Reads and prints what went wrong (errors, then notes) in rustc's layout
// on `out`. Returns 2 when an input could not be read, 1 when one is
// malformed, else 0; `result` holds the objects either way.
int ReadKube(const std::vector<std::string>& paths, const std::string& default_ns,
             kube::ReadResult& result, FILE* out);

void PrintProblem(FILE* out, const char* severity, const kube::Problem& p);

}  // namespace stave::driver
