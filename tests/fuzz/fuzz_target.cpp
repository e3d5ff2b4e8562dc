// The libFuzzer target (clang++ -fsanitize=fuzzer,address,undefined; tools/fuzz.sh runs it).
#include <cstddef>
#include <cstdint>

#include "harness.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  return grit_fuzz::run_one(data, size);
}
