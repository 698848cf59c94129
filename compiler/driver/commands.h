// One function per command; each returns the process exit code.
#pragma once

#include "compiler/driver/options.h"

namespace stave::driver {

inline constexpr int kExitOk = 0;
inline constexpr int kExitPolicyError = 1;
inline constexpr int kExitUsage = 2;
// Reserved for internal errors (a bug in stave), distinct from policy errors.
inline constexpr int kExitInternal = 3;

int RunCheck(const Options& options);
int RunBuild(const Options& options);
int RunTest(const Options& options);
int RunExplain(const Options& options);
int RunWhoCan(const Options& options);
int RunDiff(const Options& options);
int RunFmt(const Options& options);
int RunLsp(const Options& options);
int RunCompletions(const Options& options);
int RunImport(const Options& options);
int RunDrift(const Options& options);

}  // namespace stave::driver
