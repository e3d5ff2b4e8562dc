// How Retrying composes its policies, proved at compile time: order does not matter, defaults fill the gaps, the
// concepts say what is a policy, and a parameter written in the type costs no storage. In the style of Mp11's `_cx`
// tests and stdexec's concept checks: static_asserts, plus a few run-time checks so that the file registers tests
// (and so that what the types promise is also what a call does).
#include <gtest/gtest.h>

#include <boost/mp11/algorithm.hpp>
#include <boost/mp11/bind.hpp>
#include <boost/mp11/list.hpp>
#include <chrono>
#include <cstdint>
#include <limits>
#include <optional>
#include <stdexcept>
#include <string>
#include <system_error>
#include <type_traits>
#include <vector>

#include <grit/grit.hpp>

namespace {

using namespace std::chrono_literals;
using boost::mp11::mp_list;
using grit::nanoseconds;

struct NetworkError : std::runtime_error {
  using std::runtime_error::runtime_error;
};
struct ServerError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// --- helpers ---------------------------------------------------------------------------------------------------

// Every type Retrying resolves, compared one by one.
template <class A, class B>
inline constexpr bool same_resolution =
    std::is_same_v<typename A::filter_types, typename B::filter_types>&& std::is_same_v<
        typename A::stop_types, typename B::stop_types>&& std::is_same_v<typename A::wait_type, typename B::wait_type>&&
        std::is_same_v<typename A::jitter_type, typename B::jitter_type>&&
            std::is_same_v<typename A::sink_types, typename B::sink_types>&&
                std::is_same_v<typename A::clock_type, typename B::clock_type>&&
                    std::is_same_v<typename A::name_type, typename B::name_type>;

// permutations<mp_list<T...>>: every ordering of T..., as an mp_list of mp_lists.
template <class L>
struct permutations_impl;
template <class L>
using permutations = typename permutations_impl<L>::type;
template <>
struct permutations_impl<mp_list<>> {
  using type = mp_list<mp_list<>>;
};
template <class... T>
struct permutations_impl<mp_list<T...>> {
  template <class X>
  using starting_with = boost::mp11::mp_transform_q<boost::mp11::mp_bind_back<boost::mp11::mp_push_front, X>,
                                                    permutations<boost::mp11::mp_remove<mp_list<T...>, X>>>;
  using type = boost::mp11::mp_append<starting_with<T>...>;
};

static_assert(boost::mp11::mp_size<permutations<mp_list<int, char, long>>>::value == 6);
static_assert(boost::mp11::mp_is_set<permutations<mp_list<int, char, long, short>>>::value);

template <class Reference>
struct resolves_like {
  template <class Policies>
  using fn = boost::mp11::mp_bool<same_resolution<boost::mp11::mp_rename<Policies, grit::Retrying>, Reference>>;
};

// --- policies in any order ---------------------------------------------------------------------------------------

// One policy of each of five categories: all 120 orders resolve to the same types.
using Five = mp_list<grit::RetryOn<NetworkError>, grit::stop::Attempts<3>, grit::wait::Fixed<10ms>, grit::jitter::None,
                     grit::Name<"five">>;
using FiveReference = boost::mp11::mp_rename<Five, grit::Retrying>;
static_assert(boost::mp11::mp_size<permutations<Five>>::value == 120);
static_assert(boost::mp11::mp_all_of_q<permutations<Five>, resolves_like<FiveReference>>::value);

static_assert(std::is_same_v<FiveReference::filter_types, mp_list<grit::RetryOn<NetworkError>>>);
static_assert(std::is_same_v<FiveReference::stop_types, mp_list<grit::stop::Attempts<3>>>);
static_assert(std::is_same_v<FiveReference::wait_type, grit::wait::Fixed<10ms>>);
static_assert(std::is_same_v<FiveReference::jitter_type, grit::jitter::None>);
static_assert(std::is_same_v<FiveReference::name_type, grit::Name<"five">>);

// Every category at once, in two orders that keep the order within each category.
using AllAtOnce = grit::Retrying<grit::RetryOn<NetworkError>, grit::RetryOn<ServerError>, grit::stop::Attempts<5>,
                                 grit::stop::Timeout<30s>, grit::wait::Linear<10ms, 10ms, 1s>, grit::jitter::Equal,
                                 grit::sink::Hooks, grit::testing::VirtualClock, grit::Name<"all">>;
using AllAtOnceShuffled =
    grit::Retrying<grit::Name<"all">, grit::testing::VirtualClock, grit::stop::Attempts<5>, grit::jitter::Equal,
                   grit::RetryOn<NetworkError>, grit::sink::Hooks, grit::stop::Timeout<30s>,
                   grit::wait::Linear<10ms, 10ms, 1s>, grit::RetryOn<ServerError>>;
static_assert(same_resolution<AllAtOnce, AllAtOnceShuffled>);
static_assert(std::is_same_v<AllAtOnce::clock_type, grit::testing::VirtualClock>);
static_assert(std::is_same_v<AllAtOnce::sink_types, mp_list<grit::sink::Hooks>>);

// Within a category the written order is kept: filters are consulted, and stops checked, in that order.
static_assert(
    std::is_same_v<AllAtOnce::filter_types, mp_list<grit::RetryOn<NetworkError>, grit::RetryOn<ServerError>>>);
static_assert(std::is_same_v<
              grit::Retrying<grit::RetryOn<ServerError>, grit::stop::Never, grit::RetryOn<NetworkError>>::filter_types,
              mp_list<grit::RetryOn<ServerError>, grit::RetryOn<NetworkError>>>);

// --- defaults ----------------------------------------------------------------------------------------------------

using Defaults = grit::Retrying<grit::RetryOn<NetworkError>>;
static_assert(std::is_same_v<Defaults::filter_types, mp_list<grit::RetryOn<NetworkError>>>);
static_assert(std::is_same_v<Defaults::stop_types, mp_list<grit::stop::Attempts<10>, grit::stop::Timeout<45s>>>);
static_assert(std::is_same_v<Defaults::wait_type, grit::wait::Exponential<100ms, 5s, 2>>);
static_assert(std::is_same_v<Defaults::jitter_type, grit::jitter::Additive<1s>>);
static_assert(std::is_same_v<Defaults::sink_types, mp_list<grit::sink::Hooks>>);
static_assert(std::is_same_v<Defaults::clock_type, grit::clock::Steady>);

// Parameters are values, not spellings: the same value written another way is the same type.
static_assert(std::is_same_v<grit::wait::Exponential<>, grit::wait::Exponential<100ms, 5s, 2>>);
static_assert(std::is_same_v<grit::wait::Exponential<100ms, 5s, 2>, grit::wait::Exponential<100ms, 5000ms, 2.0>>);
static_assert(std::is_same_v<grit::stop::Timeout<45s>, grit::stop::Timeout<std::chrono::minutes(1) - 15s>>);
static_assert(std::is_same_v<grit::jitter::Additive<>, grit::jitter::Additive<1000ms>>);
static_assert(!std::is_same_v<grit::wait::Exponential<100ms, 5s, 2>, grit::wait::Exponential<100ms, 5s, 1.5>>);

// Any stop policy given replaces both default ones.
static_assert(std::is_same_v<grit::Retrying<grit::RetryOn<NetworkError>, grit::stop::Never>::stop_types,
                             mp_list<grit::stop::Never>>);
static_assert(std::is_same_v<grit::Retrying<grit::RetryOn<NetworkError>, grit::stop::Timeout<1s>>::stop_types,
                             mp_list<grit::stop::Timeout<1s>>>);
static_assert(std::is_same_v<grit::Retrying<grit::RetryOn<NetworkError>, grit::stop::Attempts<>>::stop_types,
                             mp_list<grit::stop::Attempts<>>>);

// Several stop policies are all kept, in the order written.
static_assert(std::is_same_v<
              grit::Retrying<grit::stop::Timeout<1s>, grit::RetryOn<NetworkError>, grit::stop::Attempts<3>>::stop_types,
              mp_list<grit::stop::Timeout<1s>, grit::stop::Attempts<3>>>);
static_assert(std::is_same_v<
              grit::Retrying<grit::stop::Attempts<3>, grit::RetryOn<NetworkError>, grit::stop::Timeout<1s>>::stop_types,
              mp_list<grit::stop::Attempts<3>, grit::stop::Timeout<1s>>>);

// sink::None: no sink at all (not even the hooks), so nothing to notify.
static_assert(std::is_same_v<grit::Retrying<grit::RetryOn<NetworkError>, grit::sink::None>::sink_types, mp_list<>>);

// Result filters make a Retrying inspect returned values; exception filters alone never do.
static_assert(!Defaults::inspects_results);
static_assert(grit::Retrying<grit::RetryOnError<>>::inspects_results);

// --- the concepts ------------------------------------------------------------------------------------------------

// Every shipped policy satisfies its category's concept ...
static_assert(grit::StopPolicy<grit::stop::Attempts<3>>);
static_assert(grit::StopPolicy<grit::stop::Attempts<>>);
static_assert(grit::StopPolicy<grit::stop::Timeout<1s>>);
static_assert(grit::StopPolicy<grit::stop::Timeout<>>);
static_assert(grit::StopPolicy<grit::stop::Never>);

static_assert(grit::WaitPolicy<grit::wait::Exponential<>>);
static_assert(grit::WaitPolicy<grit::wait::Exponential<grit::runtime, 5s, grit::runtime>>);
static_assert(grit::WaitPolicy<grit::wait::Fixed<1s>>);
static_assert(grit::WaitPolicy<grit::wait::Fixed<>>);
static_assert(grit::WaitPolicy<grit::wait::Linear<10ms, 10ms, 1s>>);
static_assert(grit::WaitPolicy<grit::wait::Linear<>>);
static_assert(grit::WaitPolicy<grit::wait::None>);

static_assert(grit::JitterPolicy<grit::jitter::Additive<>>);
static_assert(grit::JitterPolicy<grit::jitter::Additive<grit::runtime>>);
static_assert(grit::JitterPolicy<grit::jitter::Full>);
static_assert(grit::JitterPolicy<grit::jitter::Equal>);
static_assert(grit::JitterPolicy<grit::jitter::Decorrelated>);
static_assert(grit::JitterPolicy<grit::jitter::None>);
static_assert(grit::RandomPolicy<grit::random::ThreadLocal>);
static_assert(grit::RandomPolicy<grit::random::Seeded<7>>);
static_assert(grit::RandomPolicy<grit::random::Seeded<>>);

static_assert(grit::ClockPolicy<grit::clock::Steady>);
static_assert(grit::ClockPolicy<grit::testing::VirtualClock>);

static_assert(grit::SinkPolicy<grit::sink::None>);
static_assert(grit::SinkPolicy<grit::sink::Hooks>);

struct IsServerError {
  bool operator()(const ServerError&) const { return true; }
};
struct IsBusy {
  bool operator()(int status) const { return status == 503; }
};
static_assert(grit::FilterPolicy<grit::RetryOn<NetworkError>>);
static_assert(grit::FilterPolicy<grit::RetryOn<NetworkError, ServerError, std::system_error>>);
static_assert(grit::FilterPolicy<grit::RetryIf<IsServerError>>);
static_assert(grit::FilterPolicy<grit::RetryOnError<>>);
static_assert(grit::FilterPolicy<grit::RetryOnResult<IsBusy>>);
static_assert(grit::ExceptionFilter<grit::RetryIf<IsServerError>>);
static_assert(grit::ResultFilter<grit::RetryOnError<>> && !grit::ExceptionFilter<grit::RetryOnError<>>);
static_assert(grit::ResultFilter<grit::RetryOnResult<IsBusy>>);
static_assert(grit::RetryOnError<>::accepts<std::optional<int>> == false);  // no error(): not expected-like
static_assert(grit::RetryOnResult<IsBusy>::accepts<int>);

// ... and nothing else does.
struct NotAPolicy {};
struct DeclaresStopOnly {
  using grit_category = grit::category::stop;
};
static_assert(!grit::StopPolicy<int>);
static_assert(!grit::StopPolicy<NotAPolicy>);
static_assert(!grit::StopPolicy<DeclaresStopOnly>);
static_assert(!grit::StopPolicy<grit::RetryOn<NetworkError>>);
static_assert(!grit::StopPolicy<grit::wait::None>);
static_assert(!grit::WaitPolicy<int>);
static_assert(!grit::WaitPolicy<grit::jitter::None>);  // same members, other category
static_assert(!grit::WaitPolicy<grit::stop::Never>);
static_assert(!grit::JitterPolicy<grit::wait::None>);
static_assert(!grit::JitterPolicy<NotAPolicy>);
static_assert(!grit::ClockPolicy<std::chrono::steady_clock>);  // a std clock is not a policy: no category
static_assert(!grit::ClockPolicy<grit::sink::Hooks>);
static_assert(!grit::SinkPolicy<grit::clock::Steady>);
static_assert(!grit::SinkPolicy<int>);
static_assert(!grit::FilterPolicy<NetworkError>);
static_assert(!grit::FilterPolicy<grit::stop::Attempts<3>>);
static_assert(!grit::RandomPolicy<int>);
static_assert(!grit::RandomPolicy<grit::jitter::Full>);

// --- parameters in the type, or at run time ----------------------------------------------------------------------

// A value written in the type is stored nowhere; `runtime` (the default spelling `<>`) stores it.
static_assert(std::is_empty_v<grit::stop::Attempts<5>>);
static_assert(!std::is_empty_v<grit::stop::Attempts<>>);
static_assert(sizeof(grit::stop::Attempts<>) == sizeof(std::int64_t));
static_assert(std::is_empty_v<grit::stop::Timeout<30s>>);
static_assert(!std::is_empty_v<grit::stop::Timeout<>>);
static_assert(std::is_empty_v<grit::stop::Never>);
static_assert(std::is_empty_v<grit::wait::Exponential<>>);
static_assert(!std::is_empty_v<grit::wait::Exponential<grit::runtime>>);
static_assert(sizeof(grit::wait::Exponential<grit::runtime>) == sizeof(nanoseconds));
static_assert(sizeof(grit::wait::Exponential<grit::runtime, grit::runtime, grit::runtime>) ==
              2 * sizeof(nanoseconds) + sizeof(double));
static_assert(std::is_empty_v<grit::wait::Fixed<1s>>);
static_assert(!std::is_empty_v<grit::wait::Fixed<>>);
static_assert(std::is_empty_v<grit::wait::Linear<10ms, 10ms, 1s>>);
static_assert(std::is_empty_v<grit::wait::None>);
static_assert(std::is_empty_v<grit::jitter::Additive<>>);
static_assert(!std::is_empty_v<grit::jitter::Additive<grit::runtime>>);
static_assert(std::is_empty_v<grit::jitter::Full>);
static_assert(std::is_empty_v<grit::random::Seeded<42>>);
static_assert(!std::is_empty_v<grit::random::Seeded<>>);
static_assert(std::is_empty_v<grit::RetryOn<NetworkError>>);
static_assert(std::is_empty_v<grit::RetryIf<IsServerError>>);
static_assert(std::is_empty_v<grit::RetryOnError<>>);
static_assert(std::is_empty_v<grit::sink::Hooks>);
static_assert(std::is_empty_v<grit::clock::Steady>);
static_assert(std::is_empty_v<grit::Name<"fetch">>);

// A Retrying is as big as its run-time values: with every parameter in the type and a grit::Name, nothing at all.
// (Without a Name it holds its call site, function, file and line, read only when a sink hears of a failure.)
static_assert(std::is_empty_v<grit::Retrying<grit::RetryOn<NetworkError>, grit::stop::Attempts<3>, grit::wait::None,
                                             grit::Name<"fetch">>>);
static_assert(std::is_empty_v<grit::Retrying<grit::RetryOn<NetworkError>, grit::Name<"defaults">>>);
static_assert(sizeof(grit::Retrying<grit::RetryOn<NetworkError>, grit::stop::Attempts<3>, grit::wait::None>) ==
              sizeof(grit::detail::CallSite));
static_assert(sizeof(grit::Retrying<grit::RetryOn<NetworkError>, grit::stop::Attempts<>, grit::wait::None,
                                    grit::Name<"fetch">>) == sizeof(std::int64_t));

// Constructible from its run-time policies, in any order; a policy it does not have is not an alternative to one.
using TwoRuntime = grit::Retrying<grit::RetryOn<NetworkError>, grit::stop::Attempts<>, grit::wait::Fixed<>,
                                  grit::jitter::None, grit::Name<"two">>;
static_assert(std::is_constructible_v<TwoRuntime, grit::stop::Attempts<>, grit::wait::Fixed<>>);
static_assert(std::is_constructible_v<TwoRuntime, grit::wait::Fixed<>, grit::stop::Attempts<>>);
static_assert(std::is_constructible_v<TwoRuntime, const grit::wait::Fixed<>&, grit::stop::Attempts<>&>);
static_assert(std::is_copy_constructible_v<TwoRuntime> && std::is_nothrow_move_constructible_v<TwoRuntime>);
static_assert(!std::is_convertible_v<grit::stop::Attempts<>, TwoRuntime>);  // that constructor is explicit

// --- constant expressions ----------------------------------------------------------------------------------------

// A filter's verdict, and a predicate's answer turned into one, are values of constant expressions.
static_assert(grit::Verdict::retry().retries() && !grit::Verdict::retry().has_exact_wait());
static_assert(!grit::Verdict::give_up().retries());
static_assert(grit::Verdict::retry_after(250ms).has_exact_wait());
static_assert(grit::Verdict::retry_after(250ms).exact_wait() == 250ms);
static_assert(grit::Verdict::retry_after(0ms).retries());
static_assert(grit::Verdict::retry_after(-1ms) == grit::Verdict::give_up());  // gRPC pushback: negative, no retry
static_assert(grit::to_verdict(true) == grit::Verdict::retry());
static_assert(grit::to_verdict(false) == grit::Verdict::give_up());
static_assert(grit::to_verdict(2s) == grit::Verdict::retry_after(2s));
static_assert(grit::to_verdict(std::chrono::duration<double>(0.5)).exact_wait() == 500ms);
static_assert(grit::to_verdict(std::optional<std::chrono::milliseconds>(30ms)) == grit::Verdict::retry_after(30ms));
static_assert(grit::to_verdict(std::optional<std::chrono::milliseconds>()) == grit::Verdict::give_up());
static_assert(grit::to_verdict(grit::Verdict::retry()) == grit::Verdict::retry());
static_assert(grit::Decision::retry_after(1s).retries() && grit::Decision::retry_after(1s).wait() == 1s);
static_assert(!grit::Decision::give_up());

// Waits computed at compile time.
constexpr grit::wait::Fixed<250ms> fixed;
static_assert(fixed.delay(1) == 250ms && fixed.delay(1'000'000) == 250ms);
static_assert(fixed.initial() == 250ms && fixed.max() == 250ms);

constexpr grit::wait::Linear<100ms, 50ms, 300ms> linear;
static_assert(linear.delay(1) == 100ms);
static_assert(linear.delay(2) == 150ms);
static_assert(linear.delay(4) == 250ms);
static_assert(linear.delay(5) == 300ms);  // capped
static_assert(linear.delay(std::numeric_limits<std::uint64_t>::max()) == 300ms);

static_assert(grit::wait::None::delay(7) == 0ns && grit::wait::None::max() == 0ns);

constexpr grit::wait::Exponential<100ms, 5s> exponential;
static_assert(exponential.delay(1) == 100ms);
static_assert(exponential.delay(2) == 200ms);
static_assert(exponential.delay(3) == 400ms);
static_assert(exponential.delay(6) == 3200ms);
static_assert(exponential.delay(7) == 5s);  // 6.4 s, capped
static_assert(exponential.delay(64) == 5s);
static_assert(exponential.delay(std::numeric_limits<std::uint64_t>::max()) == 5s);  // saturates, no overflow
constexpr grit::wait::Exponential<1ms, 1s, 3> base3;
static_assert(base3.delay(1) == 1ms && base3.delay(2) == 3ms && base3.delay(3) == 9ms && base3.delay(4) == 27ms);
constexpr grit::wait::Exponential<100ms, 5s, 1.5> fractional;  // std::pow from the second wait on, at run time
static_assert(fractional.delay(1) == 100ms);
constexpr grit::wait::Exponential<0ms, 1s> from_zero;
static_assert(from_zero.delay(10) == 0ms);
constexpr grit::wait::Exponential<10ms, 10ms, 1> flat;
static_assert(flat.delay(1000) == 10ms);
constexpr grit::wait::Exponential<1ns, nanoseconds::max()> huge;
static_assert(huge.delay(63) == nanoseconds(std::int64_t{1} << 62));
static_assert(huge.delay(64) == nanoseconds::max());

// Compile-time parameters read back as constants.
static_assert(grit::stop::Attempts<5>{}.attempt_limit() == 5);
static_assert(grit::stop::Timeout<30s>{}.timeout() == 30s);
static_assert(grit::jitter::Additive<250ms>{}.max() == 250ms);
static_assert(grit::Name<"fetch_user">::value() == "fetch_user");
static_assert(grit::stop::Attempts<3>{}.should_stop({3, 0ns}) && !grit::stop::Attempts<3>{}.should_stop({2, 0ns}));
static_assert(grit::stop::Timeout<1s>{}.time_left({1, 400ms}) == 600ms);

// --- run time ----------------------------------------------------------------------------------------------------

// The same composition written in two orders behaves the same.
template <class Retry>
std::vector<nanoseconds> waits_of_failing_call(int& calls) {
  grit::testing::VirtualClock clock;
  const Retry retry{clock};
  calls = 0;
  EXPECT_THROW(retry([&] {
                 ++calls;
                 throw NetworkError("down");
               }),
               NetworkError);
  return clock.sleeps();
}

TEST(Composition, PolicyOrderDoesNotChangeTheCall) {
  using A = grit::Retrying<grit::RetryOn<NetworkError>, grit::stop::Attempts<4>, grit::wait::Linear<10ms, 5ms, 1s>,
                           grit::jitter::None, grit::sink::None, grit::testing::VirtualClock>;
  using B = grit::Retrying<grit::testing::VirtualClock, grit::sink::None, grit::jitter::None,
                           grit::wait::Linear<10ms, 5ms, 1s>, grit::stop::Attempts<4>, grit::RetryOn<NetworkError>>;
  static_assert(same_resolution<A, B>);
  int calls_a = 0, calls_b = 0;
  const auto waits_a = waits_of_failing_call<A>(calls_a);
  const auto waits_b = waits_of_failing_call<B>(calls_b);
  EXPECT_EQ(calls_a, 4);
  EXPECT_EQ(calls_b, 4);
  EXPECT_EQ(waits_a, (std::vector<nanoseconds>{10ms, 15ms, 20ms}));
  EXPECT_EQ(waits_a, waits_b);
}

TEST(Composition, FractionalBaseAtRunTime) {
  EXPECT_EQ(fractional.delay(2), 150ms);
  EXPECT_EQ(fractional.delay(3), 225ms);
  EXPECT_EQ(fractional.delay(100), 5s);
}

TEST(Composition, RuntimePoliciesInAnyOrder) {
  const TwoRuntime a{grit::stop::Attempts<>{4}, grit::wait::Fixed<>{20ms}};
  const TwoRuntime b{grit::wait::Fixed<>{20ms}, grit::stop::Attempts<>{4}};
  EXPECT_EQ(a.policy<grit::stop::Attempts<>>().attempt_limit(), 4u);
  EXPECT_EQ(b.policy<grit::stop::Attempts<>>().attempt_limit(), 4u);
  EXPECT_EQ(a.policy<grit::wait::Fixed<>>().delay(1), 20ms);
  EXPECT_EQ(b.policy<grit::wait::Fixed<>>().delay(3), 20ms);
  EXPECT_EQ(a.name(), "two");
}

TEST(Composition, CopiesAreCopiesNotPolicyArguments) {
  // The constructor taking policy objects must not take the place of the copy constructor, even from a non-const
  // lvalue (a forwarding constructor's classic trap).
  TwoRuntime original{grit::stop::Attempts<>{2}, grit::wait::Fixed<>{1ms}};
  TwoRuntime copy(original);
  TwoRuntime moved(std::move(copy));
  EXPECT_EQ(moved.policy<grit::stop::Attempts<>>().attempt_limit(), 2u);
  EXPECT_EQ(moved.policy<grit::wait::Fixed<>>().delay(1), 1ms);

  // The same for a class derived from a Retrying, a way to name one.
  struct HttpRetry : TwoRuntime {
    using TwoRuntime::TwoRuntime;
  };
  HttpRetry http{grit::wait::Fixed<>{3ms}, grit::stop::Attempts<>{6}};
  HttpRetry http_copy(http);
  const TwoRuntime sliced(http);
  EXPECT_EQ(http_copy.policy<grit::stop::Attempts<>>().attempt_limit(), 6u);
  EXPECT_EQ(sliced.policy<grit::wait::Fixed<>>().delay(1), 3ms);
}

TEST(Composition, DefaultsAreStaminasAndTheNameIsTheCaller) {
  const Defaults retry;
  const auto& stop_attempts = retry.policy<grit::stop::Attempts<10>>();
  const auto& stop_timeout = retry.policy<grit::stop::Timeout<45s>>();
  EXPECT_EQ(stop_attempts.attempt_limit(), 10u);
  EXPECT_EQ(stop_timeout.timeout(), 45s);
  EXPECT_EQ(retry.policy<grit::wait::Exponential<>>().delay(1), 100ms);
  EXPECT_EQ(retry.policy<grit::wait::Exponential<>>().max(), 5s);
  EXPECT_EQ(retry.policy<grit::jitter::Additive<>>().max(), 1s);
  EXPECT_NE(retry.name().find("TestBody"), std::string_view::npos) << retry.name();
  EXPECT_EQ(retry([] { return 7; }), 7);
}

// A Retrying of compile-time policies is a constant (its constructor is constexpr): one can be defined once, at
// namespace scope, as `inline constexpr` or `constinit`, with no static initialisation at run time.
using ConstantRetry =
    grit::Retrying<grit::RetryOn<NetworkError>, grit::stop::Attempts<3>, grit::wait::None, grit::Name<"constant">>;
inline constexpr ConstantRetry constant_retry{};
constinit const grit::Retrying<grit::RetryOn<NetworkError>, grit::wait::None> constinit_retry{};

TEST(Composition, ARetryingOfCompileTimePoliciesIsAConstant) {
  static_assert(constant_retry.name() == "constant");
  int calls = 0;
  EXPECT_THROW(constant_retry([&] {
                 ++calls;
                 throw NetworkError("down");
               }),
               NetworkError);
  EXPECT_EQ(calls, 3);
  calls = 0;
  EXPECT_EQ(constinit_retry([&] { return ++calls < 2 ? throw NetworkError("once") : calls; }), 2);
}

// Made from run-time policies there is no call site to capture: the name says so, and a Name still names it.
TEST(Composition, ARetryingMadeFromRunTimePoliciesIsUnnamedUnlessNamed) {
  const grit::Retrying<grit::RetryOn<NetworkError>, grit::stop::Attempts<>, grit::wait::None> unnamed{
      grit::stop::Attempts<>{3}};
  EXPECT_EQ(unnamed.name(), "<unnamed>");
  const grit::Retrying<grit::RetryOn<NetworkError>, grit::stop::Attempts<>, grit::wait::None, grit::Name<"fetch">>
      named{grit::stop::Attempts<>{3}};
  EXPECT_EQ(named.name(), "fetch");

  // The hooks hear the same names.
  std::vector<std::string> heard;
  grit::instrumentation::set_on_retry_hooks({[&](const grit::RetryDetails& d) { heard.emplace_back(d.name); }});
  const auto fails_once = [] {
    return [calls = 0]() mutable {
      if (++calls == 1) throw NetworkError("once");
      return 1;
    };
  };
  auto first = fails_once();
  auto second = fails_once();
  EXPECT_EQ(unnamed(first), 1);
  EXPECT_EQ(named(second), 1);
  grit::instrumentation::set_on_retry_hooks({});
  EXPECT_EQ(heard, (std::vector<std::string>{"<unnamed>", "fetch"}));
}

TEST(Composition, SeveralStopsWhicheverComesFirst) {
  // Attempts<10> and a 50 ms timeout with 20 ms waits: the timeout comes first, and its wait is clamped.
  using Retry =
      grit::Retrying<grit::RetryOn<NetworkError>, grit::stop::Attempts<10>, grit::stop::Timeout<50ms>,
                     grit::wait::Fixed<20ms>, grit::jitter::None, grit::sink::None, grit::testing::VirtualClock>;
  int calls = 0;
  EXPECT_EQ(waits_of_failing_call<Retry>(calls), (std::vector<nanoseconds>{20ms, 20ms, 10ms}));
  EXPECT_EQ(calls, 4);
  // Attempts<2> comes first.
  using Short =
      grit::Retrying<grit::RetryOn<NetworkError>, grit::stop::Timeout<50ms>, grit::stop::Attempts<2>,
                     grit::wait::Fixed<20ms>, grit::jitter::None, grit::sink::None, grit::testing::VirtualClock>;
  EXPECT_EQ(waits_of_failing_call<Short>(calls), (std::vector<nanoseconds>{20ms}));
  EXPECT_EQ(calls, 2);
}

}  // namespace

// A pointer to member is called the INVOKE way: on an object, a reference, a pointer or a smart pointer to it.
struct Account {
  int failures_left = 2;
  int balance = 40;
  int withdraw(int amount) {
    if (failures_left-- > 0) throw NetworkError("busy");
    balance -= amount;
    return balance;
  }
};

TEST(Composition, PointerToMemberFunctionRetriesOnTheSameObject) {
  using Retry = grit::Retrying<grit::RetryOn<NetworkError>, grit::stop::Attempts<5>, grit::wait::None, grit::sink::None,
                               grit::testing::VirtualClock>;
  Account account;
  EXPECT_EQ(Retry{}(&Account::withdraw, account, 10), 30);  // the object itself, by reference
  EXPECT_EQ(account.failures_left, -1);
  account.failures_left = 1;
  Account* pointer = &account;
  EXPECT_EQ(Retry{}(&Account::withdraw, pointer, 5), 25);  // through a pointer
  EXPECT_EQ(account.balance, 25);
}

TEST(Composition, PointerToMemberDataIsReadLikeAFunction) {
  using Retry = grit::Retrying<grit::RetryOn<NetworkError>, grit::stop::Attempts<2>, grit::sink::None>;
  Account account;
  int& balance = Retry{}(&Account::balance, account);
  EXPECT_EQ(&balance, &account.balance);
  static_assert(std::is_same_v<decltype(Retry{}(&Account::balance, account)), int&>);
}
