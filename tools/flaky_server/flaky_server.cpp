// A flaky paginated JSON API for grit's poller (see flaky_server.hpp for the faults):
//
//   grit_flaky_server [--posts=N] [--fault=PAGE.NTH:KIND[:ARG]]... [--seed=S --rate=P] [--log=FILE]
//                     [--lifetime=SECONDS]
//
//   --fault=3.2:429:1   the 2nd request for page 3 gets a 429 with "Retry-After: 1" (repeatable)
//   --seed=7 --rate=0.2 every other request is faulted with probability 0.2, the kind drawn from the retryable
//                       ones (503, 500, 429 with Retry-After: 1, slow, close), reproducibly from the seed
//   --log=FILE          one JSON line per request served (what was asked, which fault, which status)
//
// Listens on 127.0.0.1 at an ephemeral port and prints "listening on 127.0.0.1:<port>" once it accepts
// connections; serves until SIGINT or SIGTERM, or until --lifetime seconds have passed (default 120).
#include <pthread.h>
#include <signal.h>

#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <string>
#include <string_view>
#include <thread>

#include "flaky_server.hpp"

int main(int argc, char** argv) {
  flaky::Options options;
  long lifetime = 120;
  for (int i = 1; i < argc; ++i) {
    const std::string_view arg = argv[i];
    const auto value = [&](std::string_view prefix) { return std::string(arg.substr(prefix.size())); };
    try {
      if (arg.rfind("--posts=", 0) == 0) {
        options.posts = std::stoi(value("--posts="));
      } else if (arg.rfind("--fault=", 0) == 0) {
        const std::string spec = value("--fault=");  // PAGE.NTH:KIND[:ARG]
        const auto dot = spec.find('.');
        const auto colon = spec.find(':');
        if (dot == std::string::npos || colon == std::string::npos || dot > colon)
          throw std::invalid_argument("--fault wants PAGE.NTH:KIND[:ARG], got " + spec);
        options.schedule[{std::stoi(spec.substr(0, dot)), std::stoi(spec.substr(dot + 1, colon - dot - 1))}] =
            flaky::parse_fault(spec.substr(colon + 1));
      } else if (arg.rfind("--seed=", 0) == 0) {
        options.seed = std::stoull(value("--seed="));
      } else if (arg.rfind("--rate=", 0) == 0) {
        options.rate = std::stod(value("--rate="));
      } else if (arg.rfind("--log=", 0) == 0) {
        options.log = std::fopen(value("--log=").c_str(), "a");
        if (options.log == nullptr) throw std::invalid_argument("cannot open " + value("--log="));
      } else if (arg.rfind("--lifetime=", 0) == 0) {
        lifetime = std::stol(value("--lifetime="));
      } else {
        throw std::invalid_argument("unknown option " + std::string(arg));
      }
    } catch (const std::exception& e) {
      std::fprintf(stderr,
                   "%s: %s\nusage: %s [--posts=N] [--fault=PAGE.NTH:KIND[:ARG]]... [--seed=S --rate=P] [--log=FILE] "
                   "[--lifetime=SECONDS]\n",
                   argv[0], e.what(), argv[0]);
      return 2;
    }
  }

  // SIGINT and SIGTERM are taken by one thread (sigtimedwait): block them before any thread starts.
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGINT);
  sigaddset(&stop_signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);

  flaky::Server server(options);
  const int port = server.bind();
  if (port <= 0) {
    std::fprintf(stderr, "cannot bind 127.0.0.1\n");
    return 1;
  }
  std::thread stopper([&server, &stop_signals, lifetime] {
    timespec timeout{lifetime, 0};
    sigtimedwait(&stop_signals, nullptr, &timeout);  // a signal, or the end of the lifetime
    server.stop();
  });
  std::printf("listening on 127.0.0.1:%d\n", port);
  std::fflush(stdout);
  server.listen();
  stopper.join();
  if (options.log != nullptr) std::fclose(options.log);
  return 0;
}
