// expect-error: grit: stop::Timeout<D> needs D > 0
// A negative timeout.
#include <grit/grit.hpp>

#include <stdexcept>

using namespace std::chrono_literals;

struct E : std::runtime_error {
  using std::runtime_error::runtime_error;
};

grit::stop::Timeout<-5s> timeout;
