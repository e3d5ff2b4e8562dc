// expect-error: grit: the function is not callable with these argument types
// A plain wrong argument, the result used: the grit: message is the only error (no "void value not ignored").
#include <grit/grit.hpp>

#include <stdexcept>

using namespace std::chrono_literals;

struct E : std::runtime_error {
  using std::runtime_error::runtime_error;
};

int flaky(int n) { return n; }
int g() {
  int x = grit::Retrying<grit::RetryOn<E>>{}(flaky, "one");
  return x;
}
