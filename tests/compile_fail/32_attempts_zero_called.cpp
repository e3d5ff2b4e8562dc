// expect-error: grit: stop::Attempts<N> needs N >= 1
// Attempts<0> in a Retrying that is called: still exactly one error, the Attempts one.
#include <grit/grit.hpp>

#include <stdexcept>

using namespace std::chrono_literals;

struct E : std::runtime_error {
  using std::runtime_error::runtime_error;
};

int f() { return 1; }
int g() { return grit::Retrying<grit::RetryOn<E>, grit::stop::Attempts<0>>{}(f); }
