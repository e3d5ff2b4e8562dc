// What a retried call returns and receives: values, references, void, move-only types, arguments, the
// grit::retrying wrapper, result filters (RetryOnError, RetryOnResult), filter order, and custom sinks.
#include <gtest/gtest.h>

#include <chrono>
#include <memory>
#include <string>
#include <type_traits>
#include <vector>

#include "test_support.hpp"

namespace {

using namespace std::chrono_literals;
using grit::nanoseconds;
using grit::testing::VirtualClock;
using grit_test::calls_until_thrown;
using grit_test::CopyCounter;
using grit_test::FatalError;
using grit_test::Result;
using grit_test::SwitchesReset;
using grit_test::TaggedError;
using grit_test::TransientError;

using Retry3 = grit::Retrying<grit::RetryOn<TransientError>, grit::stop::Attempts<3>, VirtualClock>;

// A sink that records every event it is told of.
struct Events {
  std::vector<std::uint64_t> retries;  // retry_num of each retry_scheduled
  std::vector<grit::GiveUpDetails> give_ups;
  std::vector<std::string> give_up_messages;
  std::vector<std::string> give_up_types;
  std::vector<grit::SuccessDetails> successes;
};
struct RecordingSink : grit::sink::Base {
  std::shared_ptr<Events> events = std::make_shared<Events>();
  void retry_scheduled(const grit::RetryDetails& d) const { events->retries.push_back(d.retry_num); }
  void gave_up(const grit::GiveUpDetails& d) const {
    events->give_ups.push_back(d);
    events->give_up_messages.push_back(d.caused_by.message());
    events->give_up_types.push_back(d.caused_by.type_name());
  }
  void succeeded_after_retries(const grit::SuccessDetails& d) const { events->successes.push_back(d); }
};
// A second sink type, to check that every sink hears every event.
struct OtherRecordingSink : RecordingSink {};

// A sink that only wants the success event: it makes the call operator keep the result while it notifies.
struct SuccessSink : grit::sink::Base {
  std::shared_ptr<int> count = std::make_shared<int>(0);
  void succeeded_after_retries(const grit::SuccessDetails&) const { ++*count; }
};

// --- values, references, void, move-only ------------------------------------------------------------------------

TEST(Results, ReturnsTheValueOfTheSuccessfulAttempt) {
  VirtualClock clock;
  const Retry3 retry{clock};
  int calls = 0;
  const std::string s = retry([&] {
    if (++calls < 3) throw TransientError("x");
    return std::string("attempt ") + std::to_string(calls);
  });
  EXPECT_EQ(s, "attempt 3");
}

TEST(Results, ReturnsTheSameReferencedObject) {
  VirtualClock clock;
  const Retry3 retry{clock};
  int target = 5;
  int calls = 0;
  int& r = retry([&]() -> int& {
    if (++calls < 2) throw TransientError("x");
    return target;
  });
  static_assert(std::is_same_v<decltype(retry([&]() -> int& { return target; })), int&>);
  EXPECT_EQ(&r, &target);
  r = 6;
  EXPECT_EQ(target, 6);

  const std::string text = "hello";
  const std::string& cr = retry([&]() -> const std::string& { return text; });
  EXPECT_EQ(&cr, &text);
}

TEST(Results, ReferencesSurviveTheSuccessNotifyingAndResultInspectingPaths) {
  VirtualClock clock;
  SuccessSink sink;
  const grit::Retrying<grit::RetryOn<TransientError>, grit::stop::Attempts<3>, SuccessSink, VirtualClock> notifying{
      sink, clock};
  int target = 0;
  int calls = 0;
  int& r = notifying([&]() -> int& {
    if (++calls < 2) throw TransientError("x");
    return target;
  });
  EXPECT_EQ(&r, &target);
  EXPECT_EQ(*sink.count, 1);

  struct IsZero {
    bool operator()(const int& v) const { return v == 0; }
  };
  const grit::Retrying<grit::RetryOnResult<IsZero>, grit::stop::Attempts<5>, VirtualClock> inspecting{clock};
  int counter = 0;
  int& r2 = inspecting([&]() -> int& {
    ++calls;
    if (calls >= 5) counter = 1;
    return counter;
  });
  EXPECT_EQ(&r2, &counter);
  EXPECT_EQ(r2, 1);

  std::string owned = "moved out";
  calls = 0;
  std::string&& rr = notifying([&]() -> std::string&& {
    if (++calls < 2) throw TransientError("x");
    return std::move(owned);
  });
  EXPECT_EQ(&rr, &owned);
}

TEST(Results, VoidFunctions) {
  VirtualClock clock;
  const Retry3 retry{clock};
  int calls = 0;
  static_assert(std::is_void_v<decltype(retry([] {}))>);
  retry([&] {
    if (++calls < 3) throw TransientError("x");
  });
  EXPECT_EQ(calls, 3);
}

TEST(Results, MoveOnlyResults) {
  VirtualClock clock;
  const Retry3 retry{clock};
  int calls = 0;
  std::unique_ptr<int> p = retry([&] {
    if (++calls < 2) throw TransientError("x");
    return std::make_unique<int>(calls);
  });
  ASSERT_TRUE(p);
  EXPECT_EQ(*p, 2);

  // With a success-notifying sink, the result is held while the sink is told, then moved out.
  SuccessSink sink;
  const grit::Retrying<grit::RetryOn<TransientError>, SuccessSink, VirtualClock> notifying{sink, clock};
  calls = 0;
  p = notifying([&] {
    if (++calls < 2) throw TransientError("x");
    return std::make_unique<int>(7);
  });
  ASSERT_TRUE(p);
  EXPECT_EQ(*p, 7);
  EXPECT_EQ(*sink.count, 1);

  // A result filter inspecting a move-only value.
  struct IsNull {
    bool operator()(const std::unique_ptr<int>& q) const { return q == nullptr; }
  };
  const grit::Retrying<grit::RetryOnResult<IsNull>, grit::stop::Attempts<5>, VirtualClock> inspecting{clock};
  calls = 0;
  p = inspecting([&] { return ++calls < 4 ? nullptr : std::make_unique<int>(calls); });
  ASSERT_TRUE(p);
  EXPECT_EQ(*p, 4);

  // An expected-like move-only value.
  const grit::Retrying<grit::RetryOnError<>, grit::stop::Attempts<5>, VirtualClock> on_error{clock};
  calls = 0;
  auto r = on_error([&] {
    return ++calls < 3 ? Result<std::unique_ptr<int>, int>::fail(calls)
                       : Result<std::unique_ptr<int>, int>::ok(std::make_unique<int>(calls));
  });
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(*r.value(), 3);
}

// --- arguments --------------------------------------------------------------------------------------------------

TEST(Arguments, EveryAttemptSeesTheCallersObjectAsAnLvalue) {
  VirtualClock clock;
  const Retry3 retry{clock};
  std::string s = "a";
  std::vector<const std::string*> seen;
  const auto append = [&](std::string& arg, int n) {
    seen.push_back(&arg);
    arg += "b";
    if (seen.size() < 3) throw TransientError("x");
    return n + static_cast<int>(arg.size());
  };
  EXPECT_EQ(retry(append, s, 10), 14);
  EXPECT_EQ(s, "abbb") << "each attempt modified the caller's object";
  ASSERT_EQ(seen.size(), 3u);
  for (const auto* p : seen) EXPECT_EQ(p, &s);
}

TEST(Arguments, NothingIsCopiedOrMoved) {
  VirtualClock clock;
  const Retry3 retry{clock};
  CopyCounter::reset();
  CopyCounter arg(4);
  int calls = 0;
  const auto f = [&](const CopyCounter& c) {
    if (++calls < 3) throw TransientError("x");
    return c.value;
  };
  EXPECT_EQ(retry(f, arg), 4);
  calls = 0;
  EXPECT_EQ(retry(f, CopyCounter(5)), 5) << "an rvalue argument is kept alive and reused";
  EXPECT_EQ(CopyCounter::copies, 0);
  EXPECT_EQ(CopyCounter::moves, 0);

  // A function taking the argument by value gets a copy per attempt, never a moved-from object.
  calls = 0;
  CopyCounter::reset();
  const auto by_value = [&](CopyCounter c) {
    if (++calls < 3) throw TransientError("x");
    return c.value;
  };
  EXPECT_EQ(retry(by_value, CopyCounter(8)), 8);
  EXPECT_EQ(CopyCounter::copies, 3);
  EXPECT_EQ(CopyCounter::moves, 0);
}

TEST(Arguments, TheCallableItselfIsNotCopied) {
  struct Callable {
    int* copies;
    int* calls;
    Callable(int* cp, int* cl) : copies(cp), calls(cl) {}
    Callable(const Callable& o) : copies(o.copies), calls(o.calls) { ++*copies; }
    int operator()() {  // non-const: the retried callable may keep state
      if (++*calls < 3) throw TransientError("x");
      return *calls;
    }
  };
  VirtualClock clock;
  const Retry3 retry{clock};
  int copies = 0, calls = 0;
  Callable c(&copies, &calls);
  EXPECT_EQ(retry(c), 3);
  calls = 0;
  EXPECT_EQ(retry(Callable(&copies, &calls)), 3);
  EXPECT_EQ(copies, 0);
}

// --- grit::retrying ---------------------------------------------------------------------------------------------

int fetch_calls = 0;
int fetch_user(int id) {
  if (++fetch_calls % 3 != 0) throw TransientError("unavailable");
  return id * 100;
}

TEST(Retrying, WrapperHasTheSameCallSignature) {
  using R = grit::Retrying<grit::RetryOn<TransientError>, grit::stop::Attempts<5>, grit::wait::None>;
  auto fetch = grit::retrying<R>(fetch_user);
  static_assert(std::is_same_v<decltype(fetch(1)), int>);
  fetch_calls = 0;
  EXPECT_EQ(fetch(1), 100);
  EXPECT_EQ(fetch_calls, 3);
  EXPECT_EQ(fetch(2), 200);
  EXPECT_EQ(fetch_calls, 6);

  // A lambda with state and a reference parameter.
  int calls = 0;
  auto twice = grit::retrying<R>([&calls](std::string& s) mutable {
    s += "!";
    if (++calls < 2) throw TransientError("x");
    return s.size();
  });
  std::string s = "hi";
  EXPECT_EQ(twice(s), 4u);
  EXPECT_EQ(s, "hi!!");
}

TEST(Retrying, WrapperGivesUpLikeTheRetrying) {
  using R = grit::Retrying<grit::RetryOn<TransientError>, grit::stop::Attempts<4>, grit::wait::None>;
  int calls = 0;
  auto always = grit::retrying<R>([&] {
    ++calls;
    throw TransientError("x");
  });
  EXPECT_THROW(always(), TransientError);
  EXPECT_EQ(calls, 4);
}

TEST(Retrying, WrapperNamesTheCallAfterTheFunctionThatWrappedIt) {
  std::vector<grit_test::SeenRetry> seen;
  grit_test::HooksReset hooks({grit_test::recording_hook(seen)});
  using R = grit::Retrying<grit::RetryOn<TransientError>, grit::wait::None>;
  auto fetch = grit::retrying<R>(fetch_user);
  const unsigned line = __LINE__ - 1;
  fetch_calls = 0;
  fetch(1);
  ASSERT_EQ(seen.size(), 2u);
  EXPECT_EQ(seen[0].name, "TestBody@results_test.cpp:" + std::to_string(line));
}

TEST(Retrying, WrapperWithARuntimeConstructedRetrying) {
  VirtualClock clock;
  using R = grit::Retrying<grit::RetryOn<TransientError>, grit::stop::Attempts<>, grit::wait::Fixed<>,
                           grit::jitter::None, VirtualClock>;
  const R retry{grit::stop::Attempts<>{3}, grit::wait::Fixed<>{20ms}, clock};
  int calls = 0;
  auto f = grit::retrying(retry, [&](int x) {
    ++calls;
    throw TransientError(std::to_string(x));
  });
  EXPECT_THROW(f(1), TransientError);
  EXPECT_EQ(calls, 3);
  EXPECT_EQ(clock.sleeps(), (std::vector<nanoseconds>{20ms, 20ms}));
  fetch_calls = 0;
  auto g = grit::retrying(retry, fetch_user);
  EXPECT_EQ(g(7), 700);
}

TEST(Retrying, WrapperForwardsArgumentsWithoutCopies) {
  using R = grit::Retrying<grit::RetryOn<TransientError>, grit::wait::None>;
  int calls = 0;
  auto f = grit::retrying<R>([&](const CopyCounter& c) {
    if (++calls < 3) throw TransientError("x");
    return c.value;
  });
  CopyCounter::reset();
  CopyCounter arg(3);
  EXPECT_EQ(f(arg), 3);
  calls = 0;
  EXPECT_EQ(f(CopyCounter(4)), 4);
  EXPECT_EQ(CopyCounter::copies, 0);
  EXPECT_EQ(CopyCounter::moves, 0);
}

// --- RetryOnError -----------------------------------------------------------------------------------------------

TEST(RetryOnError, RetriesAReturnedErrorUntilAValue) {
  VirtualClock clock;
  const grit::Retrying<grit::RetryOnError<>, VirtualClock> retry{clock};
  int calls = 0;
  const auto r = retry([&] { return ++calls < 4 ? Result<int, int>::fail(calls) : Result<int, int>::ok(42); });
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(r.value(), 42);
  EXPECT_EQ(calls, 4);
  EXPECT_EQ(clock.sleeps().size(), 3u);
}

TEST(RetryOnError, OnGiveUpTheCallerGetsTheLastErrorValueUnchanged) {
  TaggedError::copies = 0;
  TaggedError::moves = 0;
  VirtualClock clock;
  const grit::Retrying<grit::RetryOnError<>, grit::stop::Attempts<3>, VirtualClock> retry{clock};
  int calls = 0;
  const auto r = retry([&] { return Result<int, TaggedError>::fail(TaggedError(++calls, 503)); });
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().attempt, 3) << "the last attempt's error";
  EXPECT_EQ(r.error().code, 503);
  EXPECT_EQ(TaggedError::copies, 0) << "grit never copies the returned value";
}

struct Is503 {
  bool operator()(const TaggedError& e) const { return e.code == 503; }
};
struct RetryAfterCodeMs {
  std::chrono::milliseconds operator()(const TaggedError& e) const { return std::chrono::milliseconds(e.code); }
};

TEST(RetryOnError, ABoolPredicateChoosesWhichErrorsAreTransient) {
  VirtualClock clock;
  const grit::Retrying<grit::RetryOnError<Is503>, grit::stop::Attempts<5>, VirtualClock> retry{clock};
  int calls = 0;
  auto r = retry([&] {
    ++calls;
    return Result<int, TaggedError>::fail(TaggedError(calls, calls < 3 ? 503 : 404));
  });
  EXPECT_EQ(calls, 3) << "404 is not retried";
  EXPECT_EQ(r.error().code, 404);
  EXPECT_EQ(r.error().attempt, 3);
}

TEST(RetryOnError, ADurationPredicateIsTheExactWait) {
  VirtualClock clock;
  const grit::Retrying<grit::RetryOnError<RetryAfterCodeMs>, grit::stop::Attempts<4>, VirtualClock> retry{clock};
  int calls = 0;
  const auto r = retry([&] {
    ++calls;
    return calls < 4 ? Result<int, TaggedError>::fail(TaggedError(calls, 7000 * calls))
                     : Result<int, TaggedError>::ok(1);
  });
  EXPECT_TRUE(r.has_value());
  // Not capped at 5 s, not jittered.
  EXPECT_EQ(clock.sleeps(), (std::vector<nanoseconds>{7s, 14s, 21s}));
}

TEST(RetryOnError, APredicateObjectWithState) {
  struct CodeIs {
    int code;
    bool operator()(const TaggedError& e) const { return e.code == code; }
  };
  VirtualClock clock;
  const grit::Retrying<grit::RetryOnError<CodeIs>, grit::stop::Attempts<5>, VirtualClock> retry{
      grit::RetryOnError<CodeIs>(CodeIs{429}), clock};
  int calls = 0;
  const auto r = retry([&] {
    ++calls;
    return Result<int, TaggedError>::fail(TaggedError(calls, calls < 2 ? 429 : 500));
  });
  EXPECT_EQ(calls, 2);
  EXPECT_EQ(r.error().code, 500);
}

// --- RetryOnResult ----------------------------------------------------------------------------------------------

struct Negative {
  bool operator()(int v) const { return v < 0; }
};

TEST(RetryOnResult, RetriesWhileThePredicateSaysSo) {
  VirtualClock clock;
  const grit::Retrying<grit::RetryOnResult<Negative>, grit::stop::Attempts<10>, VirtualClock> retry{clock};
  int calls = 0;
  EXPECT_EQ(retry([&] { return ++calls < 4 ? -calls : calls; }), 4);
  EXPECT_EQ(clock.sleeps().size(), 3u);
}

TEST(RetryOnResult, OnGiveUpTheCallerGetsTheLastValue) {
  VirtualClock clock;
  const grit::Retrying<grit::RetryOnResult<Negative>, grit::stop::Attempts<3>, VirtualClock> retry{clock};
  int calls = 0;
  EXPECT_EQ(retry([&] { return -(++calls); }), -3);
  EXPECT_EQ(calls, 3);
}

TEST(RetryOnResult, ExceptionsAreNotCaughtByAResultFilter) {
  VirtualClock clock;
  const grit::Retrying<grit::RetryOnResult<Negative>, VirtualClock> retry{clock};
  int calls = 0;
  EXPECT_THROW(retry([&]() -> int {
                 ++calls;
                 throw TransientError("x");
               }),
               TransientError);
  EXPECT_EQ(calls, 1);
}

// --- mixing filters, and their order ----------------------------------------------------------------------------

TEST(Filters, ExceptionAndErrorFiltersTogether) {
  VirtualClock clock;
  using R = grit::Retrying<grit::RetryOn<TransientError>, grit::RetryOnError<>, grit::stop::Attempts<3>, VirtualClock>;
  const R retry{clock};
  using Res = Result<int, TaggedError>;

  int calls = 0;
  auto r = retry([&] {
    ++calls;
    if (calls == 1) throw TransientError("thrown");
    if (calls == 2) return Res::fail(TaggedError(2));
    return Res::ok(3);
  });
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(r.value(), 3);

  calls = 0;  // error, thrown, error: the returned error of attempt 3
  r = retry([&] {
    ++calls;
    if (calls == 2) throw TransientError("thrown");
    return Res::fail(TaggedError(calls));
  });
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().attempt, 3);

  calls = 0;  // thrown, error, thrown: the exception of attempt 3
  try {
    retry([&] {
      ++calls;
      if (calls == 2) return Res::fail(TaggedError(2));
      throw TransientError("attempt " + std::to_string(calls));
    });
    FAIL() << "no exception";
  } catch (const TransientError& e) {
    EXPECT_STREQ(e.what(), "attempt 3");
  }

  calls = 0;  // a non-matching exception still propagates at once
  EXPECT_THROW(retry([&]() -> Res {
                 ++calls;
                 throw FatalError("x");
               }),
               FatalError);
  EXPECT_EQ(calls, 1);
}

struct After7s {
  std::chrono::seconds operator()(const TransientError&) const { return 7s; }
};
struct DerivedAfter7s {
  std::chrono::seconds operator()(const grit_test::DerivedTransientError&) const { return 7s; }
};
struct Never {
  bool operator()(const TransientError&) const { return false; }
};

template <class... Filters>
std::vector<nanoseconds> waits_with(int failures, bool derived = false) {
  VirtualClock clock;
  const grit::Retrying<Filters..., grit::stop::Attempts<10>, grit::wait::Fixed<1s>, grit::jitter::None, VirtualClock>
      retry{clock};
  int calls = 0;
  retry([&] {
    if (++calls <= failures) {
      if (derived) throw grit_test::DerivedTransientError("x");
      throw TransientError("x");
    }
  });
  return clock.sleeps();
}

TEST(Filters, TheFirstFilterThatRetriesDecides) {
  using W = std::vector<nanoseconds>;
  EXPECT_EQ((waits_with<grit::RetryOn<TransientError>, grit::RetryIf<After7s>>(2)), (W{1s, 1s}));
  EXPECT_EQ((waits_with<grit::RetryIf<After7s>, grit::RetryOn<TransientError>>(2)), (W{7s, 7s}));
  // The first catches a derived type through its base; the second names the derived type.
  EXPECT_EQ((waits_with<grit::RetryOn<TransientError>, grit::RetryIf<DerivedAfter7s>>(2, true)), (W{1s, 1s}));
  EXPECT_EQ((waits_with<grit::RetryIf<DerivedAfter7s>, grit::RetryOn<TransientError>>(2, true)), (W{7s, 7s}));
  // A filter that says no lets the next one decide.
  EXPECT_EQ((waits_with<grit::RetryIf<Never>, grit::RetryOn<TransientError>>(2)), (W{1s, 1s}));
  EXPECT_EQ((waits_with<grit::RetryIf<Never>, grit::RetryIf<After7s>>(2)), (W{7s, 7s}));
}

TEST(Filters, OnlyNoFilterRetryingMeansPropagation) {
  VirtualClock clock;
  const grit::Retrying<grit::RetryIf<Never>, grit::RetryOn<FatalError>, VirtualClock> retry{clock};
  EXPECT_EQ(calls_until_thrown<TransientError>(retry, [] { throw TransientError("x"); }), 1);
}

// Predicates that count how often they are asked.
struct CountingExceptionPredicate {
  int* asked;
  bool answer;
  bool operator()(const TransientError&) const {
    ++*asked;
    return answer;
  }
};
struct CountingErrorPredicate {
  int* asked;
  bool operator()(const TaggedError&) const {
    ++*asked;
    return true;
  }
};

TEST(Filters, EachFailureIsClassifiedOnce) {
  VirtualClock clock;
  using Res = Result<int, TaggedError>;
  {
    // The first filter says yes every time; the outer one (catching the same exception) is never asked, and the
    // give-up passes it untouched.
    int asked = 0;
    const grit::Retrying<grit::RetryIf<CountingExceptionPredicate>, grit::RetryOn<std::runtime_error>,
                         grit::stop::Attempts<3>, VirtualClock>
        retry{grit::RetryIf<CountingExceptionPredicate>({&asked, true}), clock};
    EXPECT_EQ(calls_until_thrown<TransientError>(retry, [] { throw TransientError("x"); }), 3);
    EXPECT_EQ(asked, 3);
  }
  {
    // The first filter says no every time; the second retries.
    int asked = 0;
    const grit::Retrying<grit::RetryIf<CountingExceptionPredicate>, grit::RetryOn<std::runtime_error>,
                         grit::stop::Attempts<3>, VirtualClock>
        retry{grit::RetryIf<CountingExceptionPredicate>({&asked, false}), clock};
    EXPECT_EQ(calls_until_thrown<TransientError>(retry, [] { throw TransientError("x"); }), 3);
    EXPECT_EQ(asked, 3);
  }
  {
    // Exceptions and returned errors in one call.
    int asked_exception = 0, asked_error = 0;
    const grit::Retrying<grit::RetryIf<CountingExceptionPredicate>, grit::RetryOnError<CountingErrorPredicate>,
                         grit::stop::Attempts<3>, VirtualClock>
        retry{grit::RetryIf<CountingExceptionPredicate>({&asked_exception, true}),
              grit::RetryOnError<CountingErrorPredicate>({&asked_error}), clock};
    int calls = 0;  // error, error, thrown: gives up with the exception
    EXPECT_THROW(retry([&] {
                   if (++calls < 3) return Res::fail(TaggedError(calls));
                   throw TransientError("last");
                 }),
                 TransientError);
    EXPECT_EQ(calls, 3);
    EXPECT_EQ(asked_error, 2);
    EXPECT_EQ(asked_exception, 1);

    calls = asked_exception = asked_error = 0;  // thrown, error, thrown
    EXPECT_THROW(retry([&] {
                   if (++calls == 2) return Res::fail(TaggedError(calls));
                   throw TransientError("x");
                 }),
                 TransientError);
    EXPECT_EQ(calls, 3);
    EXPECT_EQ(asked_exception, 2);
    EXPECT_EQ(asked_error, 1);

    calls = asked_exception = asked_error = 0;  // error, thrown, error: gives up with the error
    const Res r = retry([&] {
      if (++calls == 2) throw TransientError("x");
      return Res::fail(TaggedError(calls));
    });
    EXPECT_EQ(r.error().attempt, 3);
    EXPECT_EQ(asked_exception, 1);
    EXPECT_EQ(asked_error, 2);
  }
  {
    // An exception no filter retries, after a retried returned error, propagates after one question.
    int asked = 0;
    const grit::Retrying<grit::RetryIf<CountingExceptionPredicate>, grit::RetryOnError<>, grit::stop::Attempts<5>,
                         VirtualClock>
        retry{grit::RetryIf<CountingExceptionPredicate>({&asked, false}), clock};
    int calls = 0;
    EXPECT_THROW(retry([&] {
                   if (++calls == 1) return Res::fail(TaggedError(1));
                   throw TransientError("fatal");
                 }),
                 TransientError);
    EXPECT_EQ(calls, 2);
    EXPECT_EQ(asked, 1);
  }
}

struct ErrorAfter3ms {
  std::chrono::milliseconds operator()(const TaggedError&) const { return 3ms; }
};
struct ErrorAfter9ms {
  std::chrono::milliseconds operator()(const TaggedError&) const { return 9ms; }
};
struct ErrorNever {
  bool operator()(const TaggedError&) const { return false; }
};

template <class... Filters>
std::vector<nanoseconds> result_waits_with() {
  VirtualClock clock;
  const grit::Retrying<Filters..., grit::stop::Attempts<3>, VirtualClock> retry{clock};
  retry([] { return Result<int, TaggedError>::fail(TaggedError(1)); });
  return clock.sleeps();
}

TEST(Filters, ResultFiltersAreConsultedInOrderToo) {
  using W = std::vector<nanoseconds>;
  EXPECT_EQ((result_waits_with<grit::RetryOnError<ErrorAfter3ms>, grit::RetryOnError<ErrorAfter9ms>>()), (W{3ms, 3ms}));
  EXPECT_EQ((result_waits_with<grit::RetryOnError<ErrorAfter9ms>, grit::RetryOnError<ErrorAfter3ms>>()), (W{9ms, 9ms}));
  EXPECT_EQ((result_waits_with<grit::RetryOnError<ErrorNever>, grit::RetryOnError<ErrorAfter9ms>>()), (W{9ms, 9ms}));
  EXPECT_EQ((result_waits_with<grit::RetryOnError<ErrorNever>>()), W{});
}

// --- custom sinks -----------------------------------------------------------------------------------------------

TEST(Sinks, GaveUpAfterTheAttemptLimit) {
  VirtualClock clock;
  RecordingSink sink;
  const grit::Retrying<grit::RetryOn<TransientError>, grit::stop::Attempts<3>, grit::Name<"sinks">, RecordingSink,
                       VirtualClock>
      retry{sink, clock};
  int calls = 0;
  EXPECT_THROW(retry([&] {
                 ++calls;
                 throw grit_test::DerivedTransientError("attempt " + std::to_string(calls));
               }),
               TransientError);
  const Events& e = *sink.events;
  EXPECT_EQ(e.retries, (std::vector<std::uint64_t>{1, 2}));
  ASSERT_EQ(e.give_ups.size(), 1u);
  EXPECT_EQ(e.give_ups[0].name, "sinks");
  EXPECT_EQ(e.give_ups[0].attempts, 3u);
  EXPECT_EQ(e.give_ups[0].reason, grit::GiveUpReason::attempts);
  EXPECT_EQ(e.give_ups[0].waited, clock.slept());
  EXPECT_EQ(e.give_up_messages[0], "attempt 3");
  EXPECT_EQ(e.give_up_types[0], "grit_test::DerivedTransientError");
  EXPECT_TRUE(e.successes.empty());
}

TEST(Sinks, GaveUpOnTimeout) {
  VirtualClock clock;
  RecordingSink sink;
  const grit::Retrying<grit::RetryOn<TransientError>, RecordingSink, VirtualClock> retry{sink, clock};  // 10 or 45 s
  EXPECT_THROW(retry([&] {
                 clock.advance(20s);
                 throw TransientError("slow");
               }),
               TransientError);
  ASSERT_EQ(sink.events->give_ups.size(), 1u);
  EXPECT_EQ(sink.events->give_ups[0].reason, grit::GiveUpReason::timeout);
  EXPECT_EQ(sink.events->give_ups[0].attempts, 3u);  // 20 s, 40 s + waits, 60 s + waits
}

TEST(Sinks, GaveUpBecauseInactive) {
  SwitchesReset reset;
  grit::set_active(false);
  VirtualClock clock;
  RecordingSink sink;
  const grit::Retrying<grit::RetryOn<TransientError>, RecordingSink, VirtualClock> retry{sink, clock};
  EXPECT_THROW(retry([] { throw TransientError("x"); }), TransientError);
  ASSERT_EQ(sink.events->give_ups.size(), 1u);
  EXPECT_EQ(sink.events->give_ups[0].reason, grit::GiveUpReason::inactive);
  EXPECT_EQ(sink.events->give_ups[0].attempts, 1u);
  EXPECT_TRUE(sink.events->retries.empty());
}

struct StopAfterTwo : grit::stop::Base {
  static constexpr bool should_stop(const grit::StopContext& c) noexcept { return c.attempt >= 2; }
};

TEST(Sinks, GaveUpBecauseACustomStopPolicySaidSo) {
  VirtualClock clock;
  RecordingSink sink;
  const grit::Retrying<grit::RetryOn<TransientError>, StopAfterTwo, RecordingSink, VirtualClock> retry{sink, clock};
  EXPECT_THROW(retry([] { throw TransientError("x"); }), TransientError);
  ASSERT_EQ(sink.events->give_ups.size(), 1u);
  EXPECT_EQ(sink.events->give_ups[0].reason, grit::GiveUpReason::stopped);
  EXPECT_EQ(sink.events->give_ups[0].attempts, 2u);
}

TEST(Sinks, GaveUpWithAReturnedError) {
  VirtualClock clock;
  RecordingSink sink;
  const grit::Retrying<grit::RetryOnError<>, grit::stop::Attempts<2>, RecordingSink, VirtualClock> retry{sink, clock};
  int calls = 0;
  retry([&] { return Result<int, TaggedError>::fail(TaggedError(++calls)); });
  ASSERT_EQ(sink.events->give_ups.size(), 1u);
  EXPECT_EQ(sink.events->give_ups[0].attempts, 2u);
  EXPECT_EQ(sink.events->give_up_messages[0], "tagged 2") << "the error's message()";
}

TEST(Sinks, SucceededAfterRetries) {
  VirtualClock clock;
  RecordingSink sink;
  OtherRecordingSink other;
  const grit::Retrying<grit::RetryOn<TransientError>, RecordingSink, OtherRecordingSink, VirtualClock> retry{
      sink, other, clock};
  int calls = 0;
  EXPECT_EQ(retry([&] {
              if (++calls < 3) throw TransientError("x");
              return 1;
            }),
            1);
  for (const Events* e : {sink.events.get(), other.events.get()}) {
    ASSERT_EQ(e->successes.size(), 1u);
    EXPECT_EQ(e->successes[0].attempts, 3u);
    EXPECT_EQ(e->successes[0].waited, clock.slept());
    EXPECT_EQ(e->retries, (std::vector<std::uint64_t>{1, 2}));
    EXPECT_TRUE(e->give_ups.empty());
  }
}

TEST(Sinks, NoEventsForFirstTrySuccessOrNonMatchingFailures) {
  VirtualClock clock;
  RecordingSink sink;
  const grit::Retrying<grit::RetryOn<TransientError>, RecordingSink, VirtualClock> retry{sink, clock};
  EXPECT_EQ(retry([] { return 2; }), 2);
  EXPECT_THROW(retry([] { throw FatalError("x"); }), FatalError);
  EXPECT_TRUE(sink.events->successes.empty());
  EXPECT_TRUE(sink.events->give_ups.empty());
  EXPECT_TRUE(sink.events->retries.empty());
}

}  // namespace
