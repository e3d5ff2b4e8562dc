// Shared by the optional integrations (log.hpp, spdlog.hpp, prometheus.hpp); never included by grit.hpp.
// - type_name_of: a Cause's demangled type, cached per std::type_info, so a sink does not demangle (and allocate)
//   at every event.
// - append_decimal / append_seconds: numbers without locale or printf.
#pragma once

#include <array>
#include <atomic>
#include <charconv>
#include <cstddef>
#include <cstdint>
#include <mutex>
#include <string>
#include <string_view>
#include <typeinfo>

#include "../sink.hpp"
#include "../stop.hpp"

namespace grit::detail {

// The demangled names of the failure types seen so far, keyed by their std::type_info. Lock-free to read; a new type
// takes a lock once. Bounded: past `capacity / 2` types a name is demangled at each use instead of kept. The table is
// never freed (a sink may run in a thread that outlives static destruction).
class TypeNameCache {
 public:
  static constexpr std::size_t capacity = 512;  // a power of two

  // The name of `type`; `scratch` holds it when it is not cached.
  std::string_view get(const std::type_info& type, std::string& scratch) {
    const auto key = reinterpret_cast<std::uintptr_t>(&type);
    const std::size_t start = static_cast<std::size_t>((key >> 3) * 0x9e3779b97f4a7c15ull >> 40) & (capacity - 1);
    for (std::size_t i = start;; i = (i + 1) & (capacity - 1)) {
      const Entry* entry = slots_[i].load(std::memory_order_acquire);
      if (entry == nullptr) break;
      if (entry->type == &type) return entry->name;
    }
    std::lock_guard lock(mutex_);
    std::size_t i = start;
    for (;; i = (i + 1) & (capacity - 1)) {
      const Entry* entry = slots_[i].load(std::memory_order_relaxed);
      if (entry == nullptr) break;
      if (entry->type == &type) return entry->name;
    }
    if (count_ >= capacity / 2) {
      scratch = demangle(type.name());
      return scratch;
    }
    const Entry* fresh = new Entry{&type, demangle(type.name())};
    ++count_;
    slots_[i].store(fresh, std::memory_order_release);
    return fresh->name;
  }

 private:
  struct Entry {
    const std::type_info* type;
    std::string name;
  };
  std::array<std::atomic<const Entry*>, capacity> slots_{};
  std::mutex mutex_;
  std::size_t count_ = 0;
};

inline TypeNameCache& type_name_cache() {
  static TypeNameCache* cache = new TypeNameCache;  // never freed, on purpose (see above)
  return *cache;
}

// A cause's type name (empty for an unknown cause): what logs and metrics call `error_type`.
inline std::string_view type_name_of(const Cause& cause, std::string& scratch) {
  if (!cause.named_by_type()) {  // an error code's category and value, a copy's own text, or nothing
    scratch = cause.type_name();
    return scratch;
  }
  return type_name_cache().get(*cause.type(), scratch);
}

inline void append_decimal(std::string& out, std::uint64_t n) {
  char digits[24];
  const auto end = std::to_chars(digits, digits + sizeof digits, n).ptr;
  out.append(digits, end);
}

// A duration in seconds with exactly `decimals` digits after the point, rounded half up ("0.250" for 250 ms with 3).
// Negative durations (none should reach a sink) print as 0.
inline void append_seconds(std::string& out, nanoseconds d, int decimals) {
  std::uint64_t ns = d.count() > 0 ? static_cast<std::uint64_t>(d.count()) : 0;
  std::uint64_t unit = 1'000'000'000;
  for (int i = 0; i < decimals && unit > 1; ++i) unit /= 10;
  const std::uint64_t scaled = ns / unit + (unit > 1 && (ns % unit) * 2 >= unit ? 1 : 0);
  std::uint64_t per_second = 1;
  for (int i = 0; i < decimals; ++i) per_second *= 10;
  append_decimal(out, scaled / per_second);
  if (decimals > 0) {
    out.push_back('.');
    std::uint64_t frac = scaled % per_second;
    char digits[10];
    for (int i = decimals - 1; i >= 0; --i) {
      digits[i] = static_cast<char>('0' + frac % 10);
      frac /= 10;
    }
    out.append(digits, static_cast<std::size_t>(decimals));
  }
}

// A duration in seconds, exactly (nanoseconds have 9 decimals), without trailing zeros: "0.25", "3", "1.000000001".
inline void append_exact_seconds(std::string& out, nanoseconds d) {
  const std::uint64_t ns = d.count() > 0 ? static_cast<std::uint64_t>(d.count()) : 0;
  append_decimal(out, ns / 1'000'000'000);
  std::uint64_t frac = ns % 1'000'000'000;
  if (frac == 0) return;
  char digits[9];
  for (int i = 8; i >= 0; --i) {
    digits[i] = static_cast<char>('0' + frac % 10);
    frac /= 10;
  }
  std::size_t n = 9;
  while (digits[n - 1] == '0') --n;
  out.push_back('.');
  out.append(digits, n);
}

}  // namespace grit::detail
