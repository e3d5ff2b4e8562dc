#include <grit/grit.hpp>
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
  return value == 42 && calls == 3 && clock.sleeps().size() == 2 ? 0 : 1;
}
