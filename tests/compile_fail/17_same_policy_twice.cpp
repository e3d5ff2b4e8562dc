// expect-error: grit: the same policy is given twice to Retrying
// The same policy twice.
#include <grit/grit.hpp>

#include <stdexcept>

using namespace std::chrono_literals;

struct E : std::runtime_error {
  using std::runtime_error::runtime_error;
};

grit::Retrying<grit::RetryOn<E>, grit::wait::None, grit::RetryOn<E>> retry;
