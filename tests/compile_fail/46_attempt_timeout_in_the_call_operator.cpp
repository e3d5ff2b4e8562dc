// expect-error: grit: attempt::Timeout needs a driver that can cancel an attempt in progress
// The sync call operator cannot interrupt a call, so it rejects an attempt deadline rather than ignore it.
#include <grit/grit.hpp>

#include <chrono>
#include <stdexcept>

int main() {
  using namespace std::chrono_literals;
  const grit::Retrying<grit::RetryOn<std::runtime_error>, grit::attempt::Timeout<2s>> retry;
  return retry([] { return 0; });
}
