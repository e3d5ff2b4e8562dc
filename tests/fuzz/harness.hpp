// The fuzz harness's entry (harness.cpp): runs one fuzz case; a violation of grit's documented rules aborts.
#pragma once

#include <cstddef>
#include <cstdint>

namespace grit_fuzz {
int run_one(const std::uint8_t* data, std::size_t size);
}  // namespace grit_fuzz
