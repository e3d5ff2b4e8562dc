// expect-error: grit: the function is not callable with these argument types
// The same through grit::retrying's wrapper, its result returned.
#include <grit/grit.hpp>

#include <stdexcept>

using namespace std::chrono_literals;

struct E : std::runtime_error {
  using std::runtime_error::runtime_error;
};

int flaky(int n) { return n; }
int g() {
  auto fetch = grit::retrying<grit::Retrying<grit::RetryOn<E>>>(flaky);
  return fetch("one");
}
