// Issue 9, item 11: without exceptions, an invalid run-time value is reported on stderr, naming the parameter, and
// the program aborts. Built with -fno-exceptions; the argument says which value (CTest matches each message).
#include <grit/grit.hpp>

#include <chrono>
#include <cstdio>
#include <limits>
#include <string_view>

int main(int argc, char** argv) {
  const std::string_view which = argc > 1 ? argv[1] : "";
  if (which == "attempts") {
    const grit::stop::Attempts<> attempts{0};
    (void)attempts;
  } else if (which == "nan") {
    const grit::stop::Timeout<grit::runtime> timeout{
        std::chrono::duration<double>(std::numeric_limits<double>::quiet_NaN())};
    (void)timeout;
  } else if (which == "testing") {
    grit::testing::set(true, {0, false});
  } else if (which == "bucket") {
    const grit::budget::TokenBucket bucket{{0, 0.1}};
    (void)bucket;
  }
  std::printf("not reported: %s\n", argv[argc > 1 ? 1 : 0]);
  return 0;
}
