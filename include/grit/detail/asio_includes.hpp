// The standard and grit headers that the async drivers (detail/asio_driver.ipp) use, for both Asio flavours.
#pragma once

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <exception>
#include <limits>
#include <memory>
#include <new>
#include <optional>
#include <ratio>
#include <system_error>
#include <tuple>
#include <type_traits>
#include <utility>

#include "../grit.hpp"
#include "asio_common.hpp"
