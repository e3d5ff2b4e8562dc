// expect-error: grit: an argument of Retrying's constructor is not one of its policies
// A policy object passed to the constructor whose type is not in the Retrying.
#include <grit/grit.hpp>

#include <stdexcept>

using namespace std::chrono_literals;

struct E : std::runtime_error {
  using std::runtime_error::runtime_error;
};

grit::Retrying<grit::RetryOn<E>, grit::stop::Attempts<5>> retry{grit::stop::Attempts<>{3}};
