// expect-error: grit: RetryOnError's predicate must take the error type of the returned value
// A RetryOnError predicate that cannot take the returned value's error.
#include <grit/grit.hpp>

#include <stdexcept>

using namespace std::chrono_literals;

struct E : std::runtime_error {
  using std::runtime_error::runtime_error;
};

#include <string>
struct Result {
  bool has_value() const { return false; }
  int error() const { return 1; }
};
struct ByMessage {
  bool operator()(const std::string& message) const { return message.empty(); }
};
Result f() { return {}; }
Result g() { return grit::Retrying<grit::RetryOnError<ByMessage>, grit::wait::None>{}(f); }
