// expect-error: grit: stop::Attempts<N> needs N >= 1 \(N counts the first attempt too\)
// Attempts<0>: the first attempt counts, so at least 1.
#include <grit/grit.hpp>

#include <stdexcept>

using namespace std::chrono_literals;

struct E : std::runtime_error {
  using std::runtime_error::runtime_error;
};

grit::Retrying<grit::RetryOn<E>, grit::stop::Attempts<0>> retry;
