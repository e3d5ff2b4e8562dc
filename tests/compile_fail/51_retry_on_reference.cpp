// expect-error: grit: RetryOn<E\.\.\.> takes exception class types
// RetryOn takes class types, not references.
#include <grit/grit.hpp>

#include <stdexcept>

using namespace std::chrono_literals;

struct E : std::runtime_error {
  using std::runtime_error::runtime_error;
};

grit::RetryOn<int&> filter;
