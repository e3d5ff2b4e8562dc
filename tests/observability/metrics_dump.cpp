// Prints a registry's exposition with every escaping case, for `promtool check metrics` (promtool_check.sh).
// `metrics_dump` writes the text format 0.0.4; `metrics_dump --openmetrics` OpenMetrics; `--overflow` a registry
// past its series cap (the _OTHER series and the comment saying so).
#include <grit/prometheus.hpp>

#include <chrono>
#include <cstdio>
#include <string>
#include <string_view>

using namespace std::chrono_literals;

int main(int argc, char** argv) {
  bool om = false, overflow = false;
  for (int i = 1; i < argc; ++i) {
    const std::string_view arg = argv[i];
    if (arg == "--openmetrics") om = true;
    if (arg == "--overflow") overflow = true;
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
