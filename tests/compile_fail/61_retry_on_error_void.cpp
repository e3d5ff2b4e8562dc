// expect-error: grit: RetryOnError and RetryOnResult inspect a returned value, but this function returns void
// RetryOnError on a void function.
#include <grit/grit.hpp>

#include <stdexcept>

using namespace std::chrono_literals;

struct E : std::runtime_error {
  using std::runtime_error::runtime_error;
};

void f() {}
void g() { grit::Retrying<grit::RetryOnError<>>{}(f); }
