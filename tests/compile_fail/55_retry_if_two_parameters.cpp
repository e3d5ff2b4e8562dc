// expect-error: grit: RetryIf's predicate takes exactly one parameter, the exception
// A predicate with a second parameter (an attempt number, say) that grit never passes.
#include <grit/grit.hpp>

#include <stdexcept>

using namespace std::chrono_literals;

struct E : std::runtime_error {
  using std::runtime_error::runtime_error;
};

struct IsTransient {
  bool operator()(const E&, int attempt) const { return attempt < 3; }
};
grit::Retrying<grit::RetryIf<IsTransient>> retry;
