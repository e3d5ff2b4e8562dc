// Must compile, warnings as errors, on every compiler: policies whose parameters are given at run time, in every
// mix of compile-time and run-time parameters, passed to a Retrying in any order; and user-written policies that
// hold run-time state (so are not default-constructible), sinks included.
#include <grit/grit.hpp>

#include <memory>
#include <stdexcept>

using namespace std::chrono_literals;

struct E : std::runtime_error {
  using std::runtime_error::runtime_error;
};

struct CountingSink : grit::sink::Base {
  explicit CountingSink(std::shared_ptr<int> n) : count(std::move(n)) {}
  void retry_scheduled(const grit::RetryDetails&) const { ++*count; }
  std::shared_ptr<int> count;
};

int f() { return 1; }

int g() {
  const grit::wait::Exponential<grit::runtime, 5s, grit::runtime> exponential{100ms, 1.5};
  const grit::wait::Exponential<grit::runtime, grit::runtime, grit::runtime> all_runtime{10ms, 1s, 3};
  const grit::wait::Linear<> linear{10ms, 5ms, 1s};
  const grit::wait::Linear<10ms, grit::runtime, 1s> step_only{20ms};
  const grit::jitter::Additive<grit::runtime> jitter{250ms};
  const grit::random::Seeded<> seeded{42};
  using Retry = grit::Retrying<grit::RetryOn<E>, grit::stop::Attempts<>, grit::stop::Timeout<>,
                               grit::wait::Exponential<grit::runtime, 5s, grit::runtime>,
                               grit::jitter::Additive<grit::runtime>, grit::random::Seeded<>, CountingSink>;
  const Retry retry{jitter,
                    seeded,
                    CountingSink{std::make_shared<int>(0)},
                    grit::stop::Timeout<>{2s},
                    exponential,
                    grit::stop::Attempts<>{4}};
  return retry(f) +
         static_cast<int>(all_runtime.delay(2).count() + linear.delay(2).count() + step_only.delay(3).count());
}
