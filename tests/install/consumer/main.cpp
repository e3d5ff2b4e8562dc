// A program that uses grit the way a user would; every way of consuming grit (tests/install/CMakeLists.txt) builds
// this same file. It prints the version it was compiled against, which the test compares with the project's.
#include <grit/grit.hpp>
#include <grit/version.hpp>

#include <cstdio>
#include <stdexcept>

struct Flaky : std::runtime_error {
  using std::runtime_error::runtime_error;
};

int main() {
  int calls = 0;
  grit::testing::VirtualClock clock;
  const grit::Retrying<grit::RetryOn<Flaky>, grit::stop::Attempts<3>, grit::testing::VirtualClock> retry{clock};
  const int value = retry([&] {
    if (++calls < 3) throw Flaky("not yet");
    return 42;
  });
  std::printf("grit %d.%d.%d\n", GRIT_VERSION_MAJOR, GRIT_VERSION_MINOR, GRIT_VERSION_PATCH);
  return value == 42 && calls == 3 && clock.sleeps().size() == 2 ? 0 : 1;
}
