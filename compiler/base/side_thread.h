// Work that runs on a second thread while the calling one does its own:
// reading files, half of lowering, sema's grant lints. The thread takes
// its memory from malloc (PoolBypassThisThread): the language server
// compiles on every recheck, and what a short-lived thread frees into its
// own pool lists would never be used again.
#pragma once

#include <exception>
#include <functional>
#include <thread>

namespace stave::base {

class SideThread {
 public:
  // Starts `work` on a thread of its own. When no thread can be had (a
  // process limit), the work runs here and now instead, and started() is
  // false; either way Join rethrows what it threw, so callers need not
  // tell the two apart.
  explicit SideThread(std::function<void()> work);
  // Joins; what the work threw is dropped (Join rethrows it).
  ~SideThread();
  SideThread(const SideThread&) = delete;
  SideThread& operator=(const SideThread&) = delete;

  bool started() const { return thread_.joinable(); }
  // Waits for the work and rethrows what it threw (bad_alloc).
  void Join();

 private:
  std::function<void()> work_;
  std::exception_ptr failure_;
  std::thread thread_;
};

}  // namespace stave::base
