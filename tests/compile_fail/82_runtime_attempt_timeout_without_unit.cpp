// expect-error: grit: durations need a unit: write attempt::Timeout<>\{30s\}
// The per-attempt deadline's run-time form, written without a unit.
#include <grit/attempt.hpp>

grit::attempt::Timeout<> deadline{2};
