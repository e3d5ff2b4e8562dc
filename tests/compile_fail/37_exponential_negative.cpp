// expect-error: grit: wait::Exponential's Initial must be >= 0
// A negative initial wait.
#include <grit/grit.hpp>

#include <stdexcept>

using namespace std::chrono_literals;

struct E : std::runtime_error {
  using std::runtime_error::runtime_error;
};

grit::wait::Exponential<-1ms> wait;
