// expect-error: grit: RetryOn<E...> takes exception types, and a grit policy is not one
// A policy inside RetryOn (a list type such as RetryOn<A, B> is flattened; a RetryIf is not a list).
#include <grit/grit.hpp>

#include <stdexcept>

using namespace std::chrono_literals;

struct E : std::runtime_error {
  using std::runtime_error::runtime_error;
};

struct IsTransient {
  bool operator()(const E&) const { return true; }
};
grit::Retrying<grit::RetryOn<grit::RetryIf<IsTransient>>> retry;
