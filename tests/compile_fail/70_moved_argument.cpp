// expect-error: grit: the function can be called only with moved \(rvalue\) arguments
// A function that can only take a moved argument: every attempt reuses the same argument.
#include <grit/grit.hpp>

#include <stdexcept>

using namespace std::chrono_literals;

struct E : std::runtime_error {
  using std::runtime_error::runtime_error;
};

#include <memory>
void consume(std::unique_ptr<int>) {}
void g() { grit::Retrying<grit::RetryOn<E>>{}(consume, std::make_unique<int>(1)); }
