// expect-error: grit: sink::None means no instrumentation
// sink::None together with another sink.
#include <grit/grit.hpp>

#include <stdexcept>

using namespace std::chrono_literals;

struct E : std::runtime_error {
  using std::runtime_error::runtime_error;
};

grit::Retrying<grit::RetryOn<E>, grit::sink::None, grit::sink::Hooks> retry;
