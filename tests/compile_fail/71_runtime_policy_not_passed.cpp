// expect-error: grit: a policy of this Retrying holds run-time values
// Attempts<> takes its value at run time, but the Retrying is default-made.
#include <grit/grit.hpp>

#include <stdexcept>

using namespace std::chrono_literals;

struct E : std::runtime_error {
  using std::runtime_error::runtime_error;
};

grit::Retrying<grit::RetryOn<E>, grit::stop::Attempts<>> retry{};
