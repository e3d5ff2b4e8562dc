// RetryOn flattens list types given as arguments (contract v2): another RetryOn<...>, a std::tuple<...> or a
// boost::mp11::mp_list<...> stands for the types it lists, nested to any depth. Before, `RetryOn<Retryable>` with
// `using Retryable = RetryOn<A, B>` (the port of stamina's `on=RETRYABLE`) compiled, caught a type nobody throws, and
// retried nothing.
#include <gtest/gtest.h>

#include <boost/mp11/list.hpp>
#include <stdexcept>
#include <tuple>
#include <type_traits>

#include "test_support.hpp"

namespace {

using boost::mp11::mp_list;
using grit::testing::VirtualClock;

struct ConnectError : std::runtime_error {
  ConnectError() : std::runtime_error("connect") {}
};
struct TimeoutError : std::runtime_error {
  TimeoutError() : std::runtime_error("timeout") {}
};
struct HttpStatusError : std::runtime_error {
  HttpStatusError() : std::runtime_error("503") {}
};
struct ValueError : std::logic_error {
  ValueError() : std::logic_error("bad value") {}
};

using Retryable = grit::RetryOn<ConnectError, TimeoutError>;

// What each spelling catches, written out.
static_assert(std::is_same_v<grit::RetryOn<Retryable>::exception_types, mp_list<ConnectError, TimeoutError>>);
static_assert(std::is_same_v<grit::RetryOn<std::tuple<ConnectError, TimeoutError>>::exception_types,
                             mp_list<ConnectError, TimeoutError>>);
static_assert(std::is_same_v<grit::RetryOn<mp_list<ConnectError, TimeoutError>>::exception_types,
                             mp_list<ConnectError, TimeoutError>>);
// Nested to any depth, mixed with plain types, in the order written.
static_assert(
    std::is_same_v<grit::RetryOn<std::tuple<grit::RetryOn<mp_list<ConnectError>>, std::tuple<>>, HttpStatusError,
                                 grit::RetryOn<grit::RetryOn<std::tuple<TimeoutError>>>>::exception_types,
                   mp_list<ConnectError, HttpStatusError, TimeoutError>>);
// A type named by two lists is caught once.
static_assert(std::is_same_v<grit::RetryOn<Retryable, ConnectError, std::tuple<TimeoutError>>::exception_types,
                             mp_list<ConnectError, TimeoutError>>);
// Plain types are as before.
static_assert(std::is_same_v<grit::RetryOn<ConnectError>::exception_types, mp_list<ConnectError>>);
static_assert(grit::FilterPolicy<grit::RetryOn<Retryable>>);
static_assert(std::is_empty_v<grit::RetryOn<Retryable>>);

// Calls f with a Retrying of filter Filter (3 attempts, virtual time) until it stops throwing E: how many calls.
template <class Filter, class E>
int calls_when_always_throwing() {
  const VirtualClock clock;
  const grit::Retrying<Filter, grit::stop::Attempts<3>, VirtualClock> retry{clock};
  return grit_test::calls_until_thrown<E>(retry, [] { throw E(); });
}

template <class Filter>
void expect_retries_both_listed_types_only() {
  EXPECT_EQ((calls_when_always_throwing<Filter, ConnectError>()), 3) << "ConnectError is retried";
  EXPECT_EQ((calls_when_always_throwing<Filter, TimeoutError>()), 3) << "TimeoutError is retried";
  EXPECT_EQ((calls_when_always_throwing<Filter, ValueError>()), 1) << "an unlisted type passes through";
}

TEST(FilterLists, RetryOnOfRetryOnRetriesTheListedTypes) {
  expect_retries_both_listed_types_only<grit::RetryOn<Retryable>>();
}

TEST(FilterLists, RetryOnOfTupleRetriesTheListedTypes) {
  expect_retries_both_listed_types_only<grit::RetryOn<std::tuple<ConnectError, TimeoutError>>>();
}

TEST(FilterLists, RetryOnOfMpListRetriesTheListedTypes) {
  expect_retries_both_listed_types_only<grit::RetryOn<mp_list<ConnectError, TimeoutError>>>();
}

TEST(FilterLists, NestedListsRetryEveryListedType) {
  using Nested =
      grit::RetryOn<std::tuple<grit::RetryOn<mp_list<ConnectError>>>, grit::RetryOn<std::tuple<TimeoutError>>>;
  expect_retries_both_listed_types_only<Nested>();
  using WithPlain = grit::RetryOn<Retryable, HttpStatusError>;
  EXPECT_EQ((calls_when_always_throwing<WithPlain, HttpStatusError>()), 3);
  EXPECT_EQ((calls_when_always_throwing<WithPlain, ConnectError>()), 3);
}

TEST(FilterLists, AFlattenedListReturnsTheValueAfterRetries) {
  const VirtualClock clock;
  const grit::Retrying<grit::RetryOn<Retryable>, grit::stop::Attempts<5>, VirtualClock> retry{clock};
  int calls = 0;
  const int value = retry([&] {
    ++calls;
    if (calls == 1) throw ConnectError();
    if (calls == 2) throw TimeoutError();
    return 42;
  });
  EXPECT_EQ(value, 42);
  EXPECT_EQ(calls, 3);
}

}  // namespace
