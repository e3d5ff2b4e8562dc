// expect-error: grit: RetryIf's predicate must return bool \(retry or not\) or a std::chrono duration
// A RetryIf predicate returning int: neither bool nor a duration.
#include <grit/grit.hpp>

#include <stdexcept>

using namespace std::chrono_literals;

struct E : std::runtime_error {
  using std::runtime_error::runtime_error;
};

struct Status {
  int operator()(const E&) const { return 503; }
};
grit::Retrying<grit::RetryIf<Status>> retry;
int g() {
  return retry([] { return 1; });
}
