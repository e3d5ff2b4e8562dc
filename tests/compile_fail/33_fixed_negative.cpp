// expect-error: grit: wait::Fixed<D> needs D >= 0
// A negative fixed wait.
#include <grit/grit.hpp>

#include <stdexcept>

using namespace std::chrono_literals;

struct E : std::runtime_error {
  using std::runtime_error::runtime_error;
};

grit::wait::Fixed<-1s> wait;
