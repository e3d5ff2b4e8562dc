// Issue 9, item 11: the core without exceptions. Built with -fno-exceptions, and once more with -fno-rtti too:
// result filters retry returned values, and a sink names the failure (without RTTI, by its static type). CTest
// matches the line printed at the end.
#include <grit/grit.hpp>
#include <grit/testing.hpp>

#include <cstdio>
#include <string>

// Outside any namespace, so that its name is the same with RTTI (demangled) and without (the static type's).
struct Overloaded {
  int code = 503;
};

namespace {

// An expected-like value: has_value() and error().
struct Reply {
  int value = 0;
  bool failed = false;
  bool has_value() const noexcept { return !failed; }
  Overloaded error() const noexcept { return {}; }
};

struct IsZero {
  bool operator()(const int& v) const noexcept { return v == 0; }
};

std::string last_type;

struct Recorder : grit::sink::Base {
  void retry_scheduled(const grit::RetryDetails& details) const { last_type = details.caused_by.type_name(); }
};

}  // namespace

int main() {
  const grit::Retrying<grit::RetryOnError<>, grit::stop::Attempts<5>, grit::testing::VirtualClock, Recorder> on_error;
  int error_calls = 0;
  const Reply reply = on_error([&] { return ++error_calls < 3 ? Reply{0, true} : Reply{42, false}; });

  const grit::Retrying<grit::RetryOnResult<IsZero>, grit::stop::Attempts<5>, grit::testing::VirtualClock> on_result;
  int result_calls = 0;
  const int value = on_result([&] { return ++result_calls < 3 ? 0 : 7; });

  const grit::Retrying<grit::RetryOnResult<IsZero>, grit::stop::Attempts<2>, grit::testing::VirtualClock> giving_up;
  int give_up_calls = 0;
  const int last = giving_up([&] { return ++give_up_calls, 0; });

  std::printf("result filters: %d attempts, %d; %d attempts, %d; %d attempts, %d; type %s\n", error_calls, reply.value,
              result_calls, value, give_up_calls, last, last_type.c_str());
  const bool ok = error_calls == 3 && reply.has_value() && reply.value == 42 && result_calls == 3 && value == 7 &&
                  give_up_calls == 2 && last == 0 && last_type == "Overloaded";
  return ok ? 0 : 1;
}
