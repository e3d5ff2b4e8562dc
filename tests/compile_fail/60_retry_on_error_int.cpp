// expect-error: grit: a result filter cannot inspect what this function returns: RetryOnError needs
// RetryOnError on a function returning int (not expected-like).
#include <grit/grit.hpp>

#include <stdexcept>

using namespace std::chrono_literals;

struct E : std::runtime_error {
  using std::runtime_error::runtime_error;
};

int f() { return 1; }
int g() { return grit::Retrying<grit::RetryOnError<>>{}(f); }
