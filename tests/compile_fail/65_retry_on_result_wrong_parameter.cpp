// expect-error: grit: a result filter cannot inspect what this function returns
// A RetryOnResult predicate that cannot take what the function returns.
#include <grit/grit.hpp>

#include <stdexcept>

using namespace std::chrono_literals;

struct E : std::runtime_error {
  using std::runtime_error::runtime_error;
};

#include <string>
struct EmptyMessage {
  bool operator()(const std::string& message) const { return message.empty(); }
};
int f() { return 1; }
int g() { return grit::Retrying<grit::RetryOnResult<EmptyMessage>>{}(f); }
