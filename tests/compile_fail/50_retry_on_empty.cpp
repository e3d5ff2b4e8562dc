// expect-error: grit: RetryOn<> names no exception type
// RetryOn<> names nothing to catch.
#include <grit/grit.hpp>

#include <stdexcept>

using namespace std::chrono_literals;

struct E : std::runtime_error {
  using std::runtime_error::runtime_error;
};

grit::RetryOn<> filter;
