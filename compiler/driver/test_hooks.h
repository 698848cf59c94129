// Faults and stops that tests inject through environment variables, so that
// a full disk, a failing fsync or a kill at a known point is reproduced on
// any machine (docs/security.md lists them). Unset, they cost one getenv.
#pragma once

namespace stave::driver {

// `STAVE_TEST_FAULT=OP:N[,OP:N…]`: the Nth call of OP (`open`, `write`,
// `fsync`, `close`, `rename`) in this process fails. Returns true (with
// errno set as the real failure would: ENOSPC for write, EIO otherwise) when
// this call is the one to fail.
bool InjectedFault(const char* op);

// `STAVE_TEST_STOP=POINT[:N]`: the Nth time (default first) the process
// reaches POINT it stops itself with SIGSTOP, so a test can change files,
// kill it, or continue it (SIGCONT) at exactly that point.
void TestStopPoint(const char* point);

// Forgets the counts, so that in-process tests start each case from 1.
void ResetTestHookCounts();

}  // namespace stave::driver
