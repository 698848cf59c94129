// Standard output and error that fail loudly: a closed or full stdout or
// stderr makes the run exit non-zero with a message on whichever stream
// still works, instead of losing output behind exit 0 (docs/security.md).
#pragma once

#include <string_view>

namespace stave::driver {

// Call first in main. A standard descriptor that is closed (`2>&-`) is
// reopened on /dev/full (writes fail, so lost output is noticed) or, for
// stdin, on /dev/null, so that no file stave opens later lands on 0, 1 or 2
// and receives diagnostics.
void GuardStandardStreams();

// Whether a write to stdout or stderr has failed so far.
bool StandardStreamFailed();

// Keeps the reason a write to stdout or stderr failed ({fmt} says it in the
// exception it throws; by the final flush errno is long gone).
void NoteStreamFailure(std::string_view reason);

// Flushes stdout and stderr; when either failed, reports it on the other
// and returns kExitUsage (keeping kExitInternal); otherwise returns `code`.
int FinishStandardStreams(int code);

// Writes to a descriptor with write(2), ignoring failures: for messages
// printed while handling another failure, which must not throw.
void WriteNoThrow(int fd, std::string_view text) noexcept;

}  // namespace stave::driver
