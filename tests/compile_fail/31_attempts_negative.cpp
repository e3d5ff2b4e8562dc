// expect-error: grit: stop::Attempts<N> needs N >= 1
// A negative attempt count.
#include <grit/grit.hpp>

#include <stdexcept>

using namespace std::chrono_literals;

struct E : std::runtime_error {
  using std::runtime_error::runtime_error;
};

grit::stop::Attempts<-3> attempts;
