// The harness's own check, as in {fmt}'s compile-error tests: with no expectation on its first line, this valid use
// of grit must compile, with the same command line as every other file here; so the others fail for their own
// reason, not the command line's.
#include <grit/grit.hpp>

#include <memory>
#include <stdexcept>

using namespace std::chrono_literals;

struct E : std::runtime_error {
  using std::runtime_error::runtime_error;
};

using Retry = grit::Retrying<grit::RetryOn<E>, grit::stop::Attempts<3>, grit::stop::Timeout<1s>,
                             grit::wait::Exponential<10ms, 1s>, grit::jitter::Full, grit::Name<"sanity">>;

int f(int x) { return x; }
int g() {
  const Retry retry;
  Retry copy(retry);
  Retry mutable_copy = copy;
  Retry from_lvalue(mutable_copy);  // the copy constructor, not the one taking policy objects
  auto wrapped = grit::retrying<Retry>(f);
  auto fresh = [] { return std::make_unique<int>(1); };
  return from_lvalue(f, 1) + wrapped(2) + *retry(fresh) +
         grit::Retrying<grit::RetryOn<E>, grit::stop::Attempts<>>{grit::stop::Attempts<>{2}}([] { return 3; });
}
