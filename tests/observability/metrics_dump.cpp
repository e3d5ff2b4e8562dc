// Prints a registry's exposition with every escaping case, for `promtool check metrics` (promtool_check.sh).
// `metrics_dump` writes the text format 0.0.4; `metrics_dump --openmetrics` OpenMetrics; `--overflow` a registry
// past its series cap (the _OTHER series and the comment saying so); `--random` 300 label values of random bytes
// (fixed seed), so promtool sees that no byte sequence corrupts the output.
#include <grit/prometheus.hpp>
#include <grit/random.hpp>

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <string>
#include <string_view>

using namespace std::chrono_literals;

int main(int argc, char** argv) {
  bool om = false, overflow = false, random = false;
  for (int i = 1; i < argc; ++i) {
    const std::string_view arg = argv[i];
    if (arg == "--openmetrics") om = true;
    if (arg == "--overflow") overflow = true;
    if (arg == "--random") random = true;
  }
  if (random) {
    grit::prometheus::Registry registry;
    std::uint64_t state = 0x9e3779b97f4a7c15ull;  // splitmix64: the same bytes on every platform
    const auto next = [&state] {                  // splitmix64, the stream grit seeds its engines with
      const std::uint64_t z = grit::detail::splitmix64(state);
      state += 0x9e3779b97f4a7c15ull;
      return z;
    };
    for (int i = 0; i < 300; ++i) {
      std::string callable, error_type;
      for (std::uint64_t n = next() % 40; n > 0; --n) callable.push_back(static_cast<char>(next() & 0xff));
      for (std::uint64_t n = next() % 10; n > 0; --n) error_type.push_back(static_cast<char>(next() & 0xff));
      callable += std::to_string(i);  // distinct series, each once
      registry.count_retry(callable, error_type, std::chrono::nanoseconds(static_cast<std::int64_t>(next() >> 20)));
      registry.count_gave_up(callable, error_type, grit::GiveUpReason::attempts);
    }
    const std::string out = om ? registry.openmetrics() : registry.text();
    std::fwrite(out.data(), 1, out.size(), stdout);
    return 0;
  }
  grit::prometheus::Registry registry(
      grit::prometheus::Options{.max_series_per_family = overflow ? std::size_t{2} : std::size_t{1000}});
  registry.count_retry("fetch_user", "HttpError", 250ms);
  registry.count_retry("fetch_user", "HttpError", 500ms);
  registry.count_retry("fetch_user", "std::system_error", 1ns);
  registry.count_retry("C:\\path \"quoted\"\nline", "(anonymous namespace)::Err", 1s);
  registry.count_retry("tab\there cr\rthere nul", std::string_view("a\0b", 3), 0ns);
  registry.count_retry("na\xc3\xafve \xe2\x98\x83", "not utf-8: \xff\xfe \xc3", 2s);
  registry.count_retry("{}=,\"}", "#", 3s);
  registry.count_gave_up("fetch_user", "HttpError", grit::GiveUpReason::attempts);
  registry.count_gave_up("C:\\path \"quoted\"\nline", "(anonymous namespace)::Err", grit::GiveUpReason::timeout);
  registry.count_gave_up("x", "y", static_cast<grit::GiveUpReason>(200));
  registry.count_success("fetch_user");
  registry.count_success("C:\\path \"quoted\"\nline");
  const std::string out = om ? registry.openmetrics() : registry.text();
  std::fwrite(out.data(), 1, out.size(), stdout);
}
