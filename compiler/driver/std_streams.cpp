// std_streams.h. stdout is buffered, so a short output to a full device
// fails only at the final flush: the exit code is decided after it.
#include "compiler/driver/std_streams.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <iostream>
#include <string>

#include "compiler/driver/commands.h"

namespace stave::driver {
namespace {

bool closed_at_start[3] = {false, false, false};
std::string noted_reason;

// Flushes one stream; returns the reason it failed, or empty.
std::string Flush(FILE* stream, int fd) {
  errno = 0;
  bool flushed = std::fflush(stream) == 0;
  int err = errno;
  if (flushed && !std::ferror(stream)) return {};
  if (closed_at_start[fd]) return "it is closed";
  if (err != 0) return std::strerror(err);
  return noted_reason.empty() ? "a write was refused" : noted_reason;
}

}  // namespace

void GuardStandardStreams() {
  for (int fd = 0; fd <= 2; ++fd) {
    if (::fcntl(fd, F_GETFD) != -1 || errno != EBADF) continue;
    closed_at_start[fd] = true;
    int opened = ::open(fd == 0 ? "/dev/null" : "/dev/full", fd == 0 ? O_RDONLY : O_WRONLY);
    if (opened < 0) opened = ::open("/dev/null", O_RDWR);
    if (opened >= 0 && opened != fd) {
      ::dup2(opened, fd);
      ::close(opened);
    }
  }
}

void NoteStreamFailure(std::string_view reason) { noted_reason = reason; }

bool StandardStreamFailed() {
  return std::ferror(stdout) || std::ferror(stderr) || std::cout.bad();
}

int FinishStandardStreams(int code) {
  std::cout.flush();
  bool cout_bad = std::cout.bad();
  std::string out = Flush(stdout, 1);
  if (out.empty() && cout_bad) out = "a write was refused";
  std::string err = Flush(stderr, 2);
  if (out.empty() && err.empty()) return code;
  if (!out.empty()) {
    WriteNoThrow(2, "stave: error: cannot write to standard output: " + out +
                        "; the output is incomplete\n");
  }
  if (!err.empty()) {
    WriteNoThrow(1,
                 "stave: error: cannot write to standard error: " + err + "; messages were lost\n");
  }
  return code == kExitInternal ? code : kExitUsage;
}

void WriteNoThrow(int fd, std::string_view text) noexcept {
  while (!text.empty()) {
    ssize_t n = ::write(fd, text.data(), text.size());
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return;
    text.remove_prefix(static_cast<size_t>(n));
  }
}

}  // namespace stave::driver
