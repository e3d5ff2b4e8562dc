// expect-error: grit: exceptions are off \(-fno-exceptions\), so an exception filter \(RetryOn, RetryIf\)
// compile-flags: -fno-exceptions
// An exception filter where nothing can be thrown: one grit: message that says which filters work.
#include <grit/grit.hpp>

#include <stdexcept>

struct E : std::runtime_error {
  using std::runtime_error::runtime_error;
};

int g() {
  const grit::Retrying<grit::RetryOn<E>> retry;
  return retry([] { return 1; });
}
