#include "compiler/base/side_thread.h"

#include <system_error>
#include <utility>

#include "compiler/base/pool_alloc.h"

namespace stave::base {

SideThread::SideThread(std::function<void()> work) : work_(std::move(work)) {
  auto run = [this] {
    try {
      work_();
    } catch (...) {
      failure_ = std::current_exception();
    }
  };
  try {
    thread_ = std::thread([run] {
      PoolBypassThisThread();
      run();
    });
  } catch (const std::system_error&) {
    run();  // no thread to be had
  }
}

SideThread::~SideThread() {
  if (thread_.joinable()) thread_.join();
}

void SideThread::Join() {
  if (thread_.joinable()) thread_.join();
  if (failure_) std::rethrow_exception(std::exchange(failure_, nullptr));
}

}  // namespace stave::base
