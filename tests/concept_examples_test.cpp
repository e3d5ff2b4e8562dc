// The smallest policy of each category, copied from its header's concept comment (stop.hpp, wait.hpp, jitter.hpp,
// random.hpp, filter.hpp, sink.hpp, clock.hpp) and written from that text alone: each satisfies its concept and works
// in a Retrying.
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <boost/mp11/list.hpp>
#include <chrono>
#include <cstdint>
#include <grit/grit.hpp>
#include <random>
#include <stdexcept>
#include <system_error>
#include <utility>
#include <vector>

namespace {

using namespace std::chrono_literals;
using std::chrono::nanoseconds;

// stop.hpp
struct StopWhenSet : grit::stop::Base {
  const std::atomic<bool>* flag;
  bool should_stop(const grit::StopContext&) const { return flag->load(); }
};
// wait.hpp
template <grit::Duration Unit, grit::Duration Max>
struct Fibonacci {
  using grit_category = grit::category::wait;
  grit::nanoseconds delay(std::uint64_t n) const noexcept {
    grit::nanoseconds a = Unit.value(), b = Unit.value();
    for (std::uint64_t k = 1; k < n && a < Max.value(); ++k) a = std::exchange(b, a + b);
    return std::min(a, Max.value());
  }
  grit::nanoseconds initial() const noexcept { return Unit.value(); }
  grit::nanoseconds max() const noexcept { return Max.value(); }
};
// jitter.hpp
struct TenPercentOff {
  using grit_category = grit::category::jitter;
  grit::nanoseconds apply(grit::nanoseconds delay, const grit::JitterInput&, grit::random::Bits& bits) const {
    return delay - grit::nanoseconds(static_cast<std::int64_t>(bits() % (delay.count() / 10 + 1)));
  }
};
// random.hpp
struct Minstd {
  using grit_category = grit::category::random;
  using state_type = std::minstd_rand;
  state_type start() const { return state_type(42); }
  std::uint64_t next(state_type& s) const { return (std::uint64_t{s()} << 33) ^ s(); }
};
// filter.hpp
struct RetryOnTimeouts {
  using grit_category = grit::category::filter;
  using exception_types = boost::mp11::mp_list<std::system_error>;
  grit::Verdict classify(const std::system_error& e) const {
    return e.code() == std::errc::timed_out ? grit::Verdict::retry() : grit::Verdict::give_up();
  }
};
// sink.hpp
struct CountRetries : grit::sink::Base {
  std::atomic<int>* retries;
  void retry_scheduled(const grit::RetryDetails&) const { ++*retries; }
};
// clock.hpp
struct ManualClock {
  using grit_category = grit::category::clock;
  static constexpr bool is_steady = true;
  grit::nanoseconds* time;
  grit::nanoseconds now() const { return *time; }
  void sleep_for(grit::nanoseconds d) const { *time += d; }
};

// attempt.hpp
struct QuarterSecond {
  using grit_category = grit::category::attempt;
  static constexpr bool limits_attempts = true;
  static constexpr grit::nanoseconds timeout() noexcept { return std::chrono::milliseconds(250); }
};
// budget.hpp
struct RetriesLeft {
  using grit_category = grit::category::budget;
  static constexpr bool limits_retries = true;
  std::atomic<int>* left;
  bool allows_retry() const noexcept { return left->load(std::memory_order_relaxed) > 0; }
  void on_failure() const noexcept { left->fetch_sub(1, std::memory_order_relaxed); }
  void on_success() const noexcept {}
};

static_assert(grit::AttemptPolicy<QuarterSecond>);
static_assert(grit::BudgetPolicy<RetriesLeft>);
static_assert(grit::StopPolicy<StopWhenSet>);
static_assert(grit::WaitPolicy<Fibonacci<10ms, 1s>>);
static_assert(grit::JitterPolicy<TenPercentOff>);
static_assert(grit::RandomPolicy<Minstd>);
static_assert(grit::FilterPolicy<RetryOnTimeouts>);
static_assert(grit::SinkPolicy<CountRetries>);
static_assert(grit::ClockPolicy<ManualClock>);

TEST(ConceptExamples, AllSevenTogether) {
  std::atomic<bool> flag{false};
  std::atomic<int> retries{0};
  nanoseconds time{};
  using Retry = grit::Retrying<RetryOnTimeouts, StopWhenSet, grit::stop::Attempts<6>, Fibonacci<10ms, 1s>,
                               TenPercentOff, Minstd, CountRetries, ManualClock>;
  const Retry retry{StopWhenSet{{}, &flag}, CountRetries{{}, &retries}, ManualClock{&time}};
  int calls = 0;
  EXPECT_THROW(retry([&] {
                 ++calls;
                 throw std::system_error(std::make_error_code(std::errc::timed_out));
               }),
               std::system_error);
  EXPECT_EQ(calls, 6);
  EXPECT_EQ(retries.load(), 5);
  // Fibonacci 10, 10, 20, 30, 50 ms, each up to 10 % off.
  EXPECT_LE(time, 120ms);
  EXPECT_GE(time, 108ms);

  // The flag stops at once; another error is not retried.
  flag = true;
  calls = 0;
  EXPECT_THROW(retry([&] {
                 ++calls;
                 throw std::system_error(std::make_error_code(std::errc::timed_out));
               }),
               std::system_error);
  EXPECT_EQ(calls, 1);
  flag = false;
  calls = 0;
  EXPECT_THROW(retry([&] {
                 ++calls;
                 throw std::system_error(std::make_error_code(std::errc::connection_refused));
               }),
               std::system_error);
  EXPECT_EQ(calls, 1);
}

}  // namespace

namespace {
TEST(ConceptExamples, TheSmallestBudgetLimitsRetries) {
  std::atomic<int> left{3};
  nanoseconds time{};
  const grit::Retrying<grit::RetryOn<std::runtime_error>, grit::stop::Attempts<10>, RetriesLeft, ManualClock> retry{
      RetriesLeft{&left}, ManualClock{&time}};
  int calls = 0;
  EXPECT_THROW(retry([&] {
                 ++calls;
                 throw std::runtime_error("503");
               }),
               std::runtime_error);
  EXPECT_EQ(calls, 3);  // 3 -> 2 -> 1 -> 0: the third failure finds none left
  EXPECT_EQ(left.load(), 0);
}
}  // namespace
