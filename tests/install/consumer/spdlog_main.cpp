// The installed grit::spdlog target: grit/spdlog.hpp compiles and links against Debian's compiled spdlog.
#include <grit/grit.hpp>
#include <grit/spdlog.hpp>

#include <stdexcept>

int main() {
  const grit::Retrying<grit::RetryOn<std::runtime_error>, grit::stop::Attempts<2>, grit::testing::VirtualClock,
                       grit::sink::Spdlog<>>
      retry;
  int calls = 0;
  return retry([&] {
           if (++calls < 2) throw std::runtime_error("once");
           return 0;
         }) == 0 &&
                 calls == 2
             ? 0
             : 1;
}
