// Instruction counts under callgrind (tools/callgrind.sh): `grit_callgrind CASE CONTENDER [N]` calls the
// contender N times inside the function `measure_CASE_CONTENDER`, and only that function is counted
// (valgrind --collect-atstart=no --toggle-collect=measure_CASE_CONTENDER). The loop around the calls is the same
// for both contenders; per call = count / N.
#include <cstdio>
#include <cstdlib>
#include <cstring>

#include "../cases.hpp"

using namespace bench;

// Keeps a value alive without letting the compiler see what is done with it (like benchmark::DoNotOptimize).
template <class T>
inline void keep(T& v) {
  asm volatile("" : : "r,m"(v) : "memory");
}

#define GRIT_MEASURE(name, setup, call)            \
  extern "C" [[gnu::noinline]] void name(long n) { \
    setup;                                         \
    for (long i = 0; i < n; ++i) {                 \
      auto v = call;                               \
      keep(v);                                     \
    }                                              \
  }

GRIT_MEASURE(measure_success_attempts_hand, failures_left = 0, hand_attempts())
GRIT_MEASURE(measure_success_attempts_grit, const AttemptsRetry retry, retry([] { return throwing_op(); }))
GRIT_MEASURE(measure_success_stamina_hand, failures_left = 0, hand_stamina())
GRIT_MEASURE(measure_success_stamina_grit, const StaminaRetry retry, retry([] { return throwing_op(); }))
GRIT_MEASURE(measure_success_expected_hand, failures_left = 0, hand_expected())
GRIT_MEASURE(measure_success_expected_grit, const ExpectedRetry retry, retry([] { return returning_op(); }))
// The same hand loop, calling the function through the lambda grit is given: with GCC this alone costs the one
// instruction by which grit's returned-value success path exceeds the direct hand loop (docs/performance.md §2).
GRIT_MEASURE(measure_expected_via_lambda_hand, failures_left = 0, hand_expected_via([] { return returning_op(); }))
GRIT_MEASURE(measure_expected_via_lambda_grit, const ExpectedRetry retry, retry([] { return returning_op(); }))
// Ten returned failures, then success, zero wait: grit's failure machinery against the hand loop's.
GRIT_MEASURE(measure_returned_k10_hand, , (failures_left = 10, hand_zero_wait_value()))
GRIT_MEASURE(measure_returned_k10_grit, const ZeroWaitValueRetry retry,
             (failures_left = 10, retry([] { return returning_op(); })))

int main(int argc, char** argv) {
  if (argc < 3) {
    std::fprintf(stderr, "usage: %s CASE hand|grit [N]\n", argv[0]);
    return 2;
  }
  const long n = argc > 3 ? std::atol(argv[3]) : 100000;
  struct Entry {
    const char* name;
    void (*hand)(long);
    void (*grit)(long);
  };
  const Entry entries[] = {
      {"success_attempts", measure_success_attempts_hand, measure_success_attempts_grit},
      {"success_stamina", measure_success_stamina_hand, measure_success_stamina_grit},
      {"success_expected", measure_success_expected_hand, measure_success_expected_grit},
      {"returned_k10", measure_returned_k10_hand, measure_returned_k10_grit},
      {"expected_via_lambda", measure_expected_via_lambda_hand, measure_expected_via_lambda_grit},
  };
  for (const Entry& e : entries) {
    if (std::strcmp(argv[1], e.name) != 0) continue;
    (std::strcmp(argv[2], "grit") == 0 ? e.grit : e.hand)(n);
    return 0;
  }
  std::fprintf(stderr, "unknown case %s\n", argv[1]);
  return 2;
}
