// expect-error: grit: RetryIf's predicate must take the exception by const reference
// A predicate taking a non-const reference: the caught exception is const.
#include <grit/grit.hpp>

#include <stdexcept>

using namespace std::chrono_literals;

struct E : std::runtime_error {
  using std::runtime_error::runtime_error;
};

struct IsTransient {
  bool operator()(E&) const { return true; }
};
grit::Retrying<grit::RetryIf<IsTransient>> retry;
