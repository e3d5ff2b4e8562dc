// Instruction counts of the async drivers under callgrind (tools/callgrind.sh): `grit_callgrind_asio CASE
// CONTENDER [N]` runs N operations, each to completion on one io_context, inside `measure_CASE_CONTENDER`, and only
// that function is counted. Contenders (bench/asio_cases.hpp): hand (a hand-written loop), grit (async_retry or
// co_retry) and, for success_callback, compose (async_compose around one attempt: Asio's own cost of a composed
// operation, which the hand loop does not pay). Time is noisy on a shared machine; these counts are not.
#include <cstdio>
#include <cstdlib>
#include <cstring>

#include "../asio_cases.hpp"

using namespace bench_asio;

namespace {
void run_callback(long n, int failures, int contender) {
  asio::io_context io;
  Flaky op{&io, failures};
  const Retry retry;
  long done = 0;
  for (long i = 0; i < n; ++i) {
    auto handler = [&done](ec_t) { ++done; };
    if (contender == 0)
      hand_retry(op, 10, 0ns, handler);
    else if (contender == 1)
      grit_retry(retry, op, handler);
    else
      compose_once(op, handler);
    io.restart();
    io.run();
  }
  if (done != n) std::abort();
}
void run_coroutine(long n, int failures, bool grit) {
  asio::io_context io;
  Flaky op{&io, failures};
  long done = 0;
  asio::co_spawn(
      io,
      [&]() -> asio::awaitable<void> {
        for (long i = 0; i < n; ++i) {
          if (grit)
            co_await grit_co(op);
          else
            co_await hand_co(op, 10);
          ++done;
        }
      },
      asio::detached);
  io.run();
  if (done != n) std::abort();
}
}  // namespace

extern "C" {
[[gnu::noinline]] void measure_success_callback_hand(long n) { run_callback(n, 0, 0); }
[[gnu::noinline]] void measure_success_callback_grit(long n) { run_callback(n, 0, 1); }
[[gnu::noinline]] void measure_success_callback_compose(long n) { run_callback(n, 0, 2); }
[[gnu::noinline]] void measure_failing_callback_hand(long n) { run_callback(n, 3, 0); }
[[gnu::noinline]] void measure_failing_callback_grit(long n) { run_callback(n, 3, 1); }
[[gnu::noinline]] void measure_success_coroutine_hand(long n) { run_coroutine(n, 0, false); }
[[gnu::noinline]] void measure_success_coroutine_grit(long n) { run_coroutine(n, 0, true); }
[[gnu::noinline]] void measure_failing_coroutine_hand(long n) { run_coroutine(n, 3, false); }
[[gnu::noinline]] void measure_failing_coroutine_grit(long n) { run_coroutine(n, 3, true); }
}

int main(int argc, char** argv) {
  if (argc < 3) {
    std::fprintf(stderr, "usage: %s CASE hand|grit|compose [N]\n", argv[0]);
    return 2;
  }
  const long n = argc > 3 ? std::atol(argv[3]) : 10000;
  struct Entry {
    const char* name;
    const char* contender;
    void (*run)(long);
  };
  const Entry entries[] = {
      {"success_callback", "hand", measure_success_callback_hand},
      {"success_callback", "grit", measure_success_callback_grit},
      {"success_callback", "compose", measure_success_callback_compose},
      {"failing_callback", "hand", measure_failing_callback_hand},
      {"failing_callback", "grit", measure_failing_callback_grit},
      {"success_coroutine", "hand", measure_success_coroutine_hand},
      {"success_coroutine", "grit", measure_success_coroutine_grit},
      {"failing_coroutine", "hand", measure_failing_coroutine_hand},
      {"failing_coroutine", "grit", measure_failing_coroutine_grit},
  };
  for (const Entry& e : entries) {
    if (std::strcmp(argv[1], e.name) != 0 || std::strcmp(argv[2], e.contender) != 0) continue;
    e.run(n);
    return 0;
  }
  std::fprintf(stderr, "unknown case %s %s\n", argv[1], argv[2]);
  return 2;
}
