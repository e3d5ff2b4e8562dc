// expect-error: grit: RetryIf's predicate must take one exception \(class type\) parameter
// A RetryIf predicate taking an int: exceptions are caught by class type.
#include <grit/grit.hpp>

#include <stdexcept>

using namespace std::chrono_literals;

struct E : std::runtime_error {
  using std::runtime_error::runtime_error;
};

struct Odd {
  bool operator()(int code) const { return code % 2 != 0; }
};
grit::Retrying<grit::RetryIf<Odd>> retry;
