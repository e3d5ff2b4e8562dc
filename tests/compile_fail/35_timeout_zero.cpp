// expect-error: grit: stop::Timeout<D> needs D > 0
// A zero timeout: write stop::Attempts<1> for no retries.
#include <grit/grit.hpp>

#include <stdexcept>

using namespace std::chrono_literals;

struct E : std::runtime_error {
  using std::runtime_error::runtime_error;
};

grit::Retrying<grit::RetryOn<E>, grit::stop::Timeout<0s>> retry;
