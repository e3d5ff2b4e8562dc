// expect-error: grit: RetryOnError and RetryOnResult inspect a returned value, but this function returns void
// RetryOnResult on a void function.
#include <grit/grit.hpp>

#include <stdexcept>

using namespace std::chrono_literals;

struct E : std::runtime_error {
  using std::runtime_error::runtime_error;
};

struct Busy {
  bool operator()(int status) const { return status == 503; }
};
void f() {}
void g() { grit::Retrying<grit::RetryOnResult<Busy>>{}(f); }
