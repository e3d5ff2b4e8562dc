// Issue 9, defect 12: failure types, returned values, function objects and policies whose operator& is deleted work:
// grit takes their addresses with __builtin_addressof (std::addressof), never the built-in &.
#include <gtest/gtest.h>

#include <grit/grit.hpp>
#include <grit/testing.hpp>

#include <stdexcept>
#include <string>

#include "test_support.hpp"

namespace {

struct NoAddressError : std::runtime_error {
  using std::runtime_error::runtime_error;
  void operator&() const = delete;
};

struct NoAddressCode {
  int code = 503;
  std::string message() const { return "code " + std::to_string(code); }
  void operator&() const = delete;
};

struct NoAddressFunction {
  int* calls;
  int operator()() const {
    if (++*calls < 3) throw NoAddressError("503");
    return *calls;
  }
  void operator&() const = delete;
};

struct Messages : grit::sink::Base {
  std::vector<std::string>* seen;
  void retry_scheduled(const grit::RetryDetails& d) const { seen->push_back(d.caused_by.message()); }
};

TEST(AddressOf, ThrownFailuresAndFunctionObjectsWithoutOperatorAddress) {
  std::vector<std::string> seen;
  const grit::Retrying<grit::RetryOn<NoAddressError>, grit::stop::Attempts<5>, grit::testing::VirtualClock, Messages>
      retry{Messages{{}, &seen}};
  int calls = 0;
  EXPECT_EQ(retry(NoAddressFunction{&calls}), 3);
  EXPECT_EQ(seen, (std::vector<std::string>{"503", "503"}));
}

TEST(AddressOf, ReturnedErrorsWithoutOperatorAddress) {
  std::vector<std::string> seen;
  using Result = grit_test::Result<int, NoAddressCode>;
  const grit::Retrying<grit::RetryOnError<>, grit::stop::Attempts<5>, grit::testing::VirtualClock, Messages> retry{
      Messages{{}, &seen}};
  int calls = 0;
  const Result r = retry([&] { return ++calls < 3 ? Result::fail(NoAddressCode{}) : Result::ok(calls); });
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(r.value(), 3);
  EXPECT_EQ(seen, (std::vector<std::string>{"code 503", "code 503"}));
}

struct NoAddressStop : grit::stop::Base {
  int limit = 2;
  bool should_stop(const grit::StopContext& c) const noexcept { return c.attempt >= static_cast<unsigned>(limit); }
  void operator&() const = delete;
};

TEST(AddressOf, PoliciesWithoutOperatorAddress) {
  const grit::Retrying<grit::RetryOn<NoAddressError>, NoAddressStop, grit::testing::VirtualClock> retry{
      NoAddressStop{}};
  int calls = 0;
  EXPECT_THROW(retry([&] {
                 ++calls;
                 throw NoAddressError("503");
               }),
               NoAddressError);
  EXPECT_EQ(calls, 2);
}

}  // namespace
