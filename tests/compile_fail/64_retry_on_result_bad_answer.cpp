// expect-error: grit: a filter predicate must return bool \(retry or not\) or a std::chrono duration
// A RetryOnResult predicate returning a string.
#include <grit/grit.hpp>

#include <stdexcept>

using namespace std::chrono_literals;

struct E : std::runtime_error {
  using std::runtime_error::runtime_error;
};

#include <string>
struct Describe {
  std::string operator()(int status) const { return std::to_string(status); }
};
int f() { return 1; }
int g() { return grit::Retrying<grit::RetryOnResult<Describe>, grit::wait::None>{}(f); }
