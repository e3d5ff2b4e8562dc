// expect-error: grit: jitter::Additive<Max> needs Max >= 0
// A negative jitter.
#include <grit/grit.hpp>

#include <stdexcept>

using namespace std::chrono_literals;

struct E : std::runtime_error {
  using std::runtime_error::runtime_error;
};

grit::jitter::Additive<-1ms> jitter;
