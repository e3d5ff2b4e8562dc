// Issue 9, defect 2: a retried call made during static destruction (a global whose destructor retries, after hooks
// were set) must find the hook registry alive. The global below is made before main, so before the registry, and
// is destroyed after it would be: before the fix, a heap-use-after-free (ASan) or a crash at exit. CTest matches the
// line printed at the very end; tools/sanitize.sh runs this under ASan.
#include <grit/grit.hpp>
#include <grit/testing.hpp>

#include <cstdio>
#include <stdexcept>

namespace {

struct Transient : std::runtime_error {
  using std::runtime_error::runtime_error;
};

int retries_heard = 0;

struct RetriesAtExit {
  ~RetriesAtExit() {
    const grit::Retrying<grit::RetryOn<Transient>, grit::stop::Attempts<3>, grit::testing::VirtualClock> retry;
    int calls = 0;
    const int result = retry([&] {
      if (++calls < 3) throw Transient("503");
      return calls;
    });
    std::printf("at exit: %d attempts, hooks heard %d retries\n", result, retries_heard);
  }
} retries_at_exit;

}  // namespace

int main() {
  grit::instrumentation::set_on_retry_hooks({[](const grit::RetryDetails&) { ++retries_heard; }});
  std::printf("main: hooks set\n");
}
