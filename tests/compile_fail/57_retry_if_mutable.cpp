// expect-error: grit: RetryIf's predicate must be callable as a const object
// A predicate with a non-const call operator: a Retrying is shared, so its filters are const.
#include <grit/grit.hpp>

#include <stdexcept>

using namespace std::chrono_literals;

struct E : std::runtime_error {
  using std::runtime_error::runtime_error;
};

struct CountingPredicate {
  int seen = 0;
  bool operator()(const E&) { return ++seen < 3; }
};
grit::Retrying<grit::RetryIf<CountingPredicate>> retry;
