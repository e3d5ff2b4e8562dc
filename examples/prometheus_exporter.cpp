// A Prometheus exporter for grit's counters: serves GET /metrics on 127.0.0.1 at an ephemeral port (cpp-httplib,
// Debian's libcpp-httplib-dev), after running some retried calls whose counts are known (below). Time is virtual
// (grit::testing::VirtualClock), so the calls take microseconds, not the seconds their waits add up to.
//
//   grit_prometheus_exporter [--lifetime=SECONDS] [--openmetrics]
//
// Prints "listening on 127.0.0.1:<port>" once it accepts connections, then serves until SIGINT or SIGTERM, or
// until --lifetime seconds have passed. The body is the text format 0.0.4 (Content-Type
// grit::prometheus::content_type_text); with --openmetrics, OpenMetrics 1.0.0 to a scraper whose Accept header asks
// for it. tests/observability/prometheus_scrape.py has a real Prometheus scrape it and checks these counts:
//   fetch_user, exporter::HttpError: 5 calls failing once then succeeding, 2 calls failing 3 times:
//     grit_retries_total 9, grit_succeeded_after_retries_total 5, grit_gave_up_total{reason="attempts"} 2,
//     grit_retry_wait_seconds_total 1.1 (waits of 0.1 s, then 0.2 s: 0.1 s per call that succeeds, 0.3 s per other)
//   C:\path "quoted"<newline>line (a name that needs escaping), exporter::DbError: 1 call failing twice:
//     grit_retries_total 1, grit_gave_up_total{reason="attempts"} 1
//   slow_query, exporter::DbError: 1 call failing until its 1 s timeout, waits of 0.4 s, 0.4 s, 0.2 s (clamped):
//     grit_retries_total 3, grit_gave_up_total{reason="timeout"} 1
#include <httplib.h>
#include <pthread.h>
#include <signal.h>
#include <grit/grit.hpp>
#include <grit/prometheus.hpp>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <stdexcept>
#include <string>
#include <string_view>
#include <thread>

using namespace std::chrono_literals;

namespace exporter {
struct HttpError : std::runtime_error {
  using std::runtime_error::runtime_error;
};
struct DbError : std::runtime_error {
  using std::runtime_error::runtime_error;
};
}  // namespace exporter

namespace {

using FetchUser =
    grit::Retrying<grit::RetryOn<exporter::HttpError>, grit::stop::Attempts<3>, grit::wait::Exponential<100ms, 5s>,
                   grit::jitter::None, grit::Name<"fetch_user">, grit::sink::Prometheus<>, grit::testing::VirtualClock>;
using Escaped =
    grit::Retrying<grit::RetryOn<exporter::DbError>, grit::stop::Attempts<2>, grit::jitter::None,
                   grit::Name<"C:\\path \"quoted\"\nline">, grit::sink::Prometheus<>, grit::testing::VirtualClock>;
using SlowQuery =
    grit::Retrying<grit::RetryOn<exporter::DbError>, grit::stop::Timeout<1s>, grit::wait::Fixed<400ms>,
                   grit::jitter::None, grit::Name<"slow_query">, grit::sink::Prometheus<>, grit::testing::VirtualClock>;

void run_calls() {
  const FetchUser fetch_user;
  for (int i = 0; i < 5; ++i) {
    int calls = 0;
    fetch_user([&] {
      if (++calls < 2) throw exporter::HttpError("503 Service Unavailable");
    });
  }
  for (int i = 0; i < 2; ++i) {
    try {
      fetch_user([] { throw exporter::HttpError("503 Service Unavailable"); });
    } catch (const exporter::HttpError&) {
    }
  }
  try {
    Escaped{}([] { throw exporter::DbError("disk \"C:\" full"); });
  } catch (const exporter::DbError&) {
  }
  grit::testing::VirtualClock clock;  // each attempt takes no time, each wait 0.4 s: attempts at 0, 0.4, 0.8 s
  const SlowQuery slow_query{clock};
  try {
    slow_query([] { throw exporter::DbError("lock timeout"); });
  } catch (const exporter::DbError&) {
  }
}

}  // namespace

int main(int argc, char** argv) {
  long lifetime = 0;  // seconds; 0: until a signal
  bool openmetrics = false;
  for (int i = 1; i < argc; ++i) {
    const std::string_view arg = argv[i];
    if (arg.rfind("--lifetime=", 0) == 0) {
      lifetime = std::strtol(argv[i] + 11, nullptr, 10);
    } else if (arg == "--openmetrics") {
      openmetrics = true;
    } else {
      std::fprintf(stderr, "usage: %s [--lifetime=SECONDS] [--openmetrics]\n", argv[0]);
      return 2;
    }
  }

  // SIGINT and SIGTERM are taken by one thread (sigtimedwait), so they are blocked in every thread, the server's
  // included: block them before any thread starts.
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGINT);
  sigaddset(&stop_signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);

  run_calls();

  httplib::Server server;
  server.Get("/metrics", [openmetrics](const httplib::Request& request, httplib::Response& response) {
    const auto& registry = grit::prometheus::default_registry();
    if (openmetrics && request.get_header_value("Accept").find("application/openmetrics-text") != std::string::npos)
      response.set_content(registry.openmetrics(), std::string(grit::prometheus::content_type_openmetrics).c_str());
    else
      response.set_content(registry.text(), std::string(grit::prometheus::content_type_text).c_str());
  });
  const int port = server.bind_to_any_port("127.0.0.1");
  if (port <= 0) {
    std::fprintf(stderr, "cannot bind 127.0.0.1\n");
    return 1;
  }

  std::thread stopper([&server, &stop_signals, lifetime] {
    if (lifetime > 0) {
      timespec timeout{lifetime, 0};
      sigtimedwait(&stop_signals, nullptr, &timeout);  // a signal, or the end of the lifetime
    } else {
      int signal = 0;
      sigwait(&stop_signals, &signal);
    }
    server.stop();
  });
  // The listening socket exists already: a client that reads this line can connect at once.
  std::printf("listening on 127.0.0.1:%d\n", port);
  std::fflush(stdout);
  server.listen_after_bind();
  stopper.join();
  return 0;
}
