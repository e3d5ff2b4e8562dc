// expect-error: grit: say which failures are transient: add a filter such as grit::RetryOn<YourError>
// A Retrying without a filter: nothing says which failures are transient.
#include <grit/grit.hpp>

#include <stdexcept>

using namespace std::chrono_literals;

struct E : std::runtime_error {
  using std::runtime_error::runtime_error;
};

grit::Retrying<grit::stop::Attempts<3>> retry;
