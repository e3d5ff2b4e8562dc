// expect-error: grit: the same policy is passed twice to Retrying's constructor
// One run-time policy passed twice to the constructor: which value was meant?
#include <grit/grit.hpp>

#include <stdexcept>

using namespace std::chrono_literals;

struct E : std::runtime_error {
  using std::runtime_error::runtime_error;
};

grit::Retrying<grit::RetryOn<E>, grit::stop::Attempts<>> retry{grit::stop::Attempts<>{1}, grit::stop::Attempts<>{2}};
