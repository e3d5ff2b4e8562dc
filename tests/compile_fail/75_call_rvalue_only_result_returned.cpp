// expect-error: grit: the function can be called only with moved \(rvalue\) arguments
// A function taking std::string&&, its result returned: the grit: message is the only error.
#include <grit/grit.hpp>

#include <stdexcept>

using namespace std::chrono_literals;

struct E : std::runtime_error {
  using std::runtime_error::runtime_error;
};

#include <string>
int consume(std::string&& s) { return static_cast<int>(s.size()); }
int g() { return grit::Retrying<grit::RetryOn<E>>{}(consume, std::string("x")); }
