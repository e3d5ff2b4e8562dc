// Optional integration: Prometheus counters, with no dependency (no HTTP server either: serve Registry::text() with
// the server you have; examples/prometheus_exporter.cpp uses cpp-httplib). Never included by grit.hpp.
//
//   using HttpRetry = grit::Retrying<grit::RetryOn<HttpError>, grit::sink::Prometheus<>>;  // the default registry
//   grit::sink::Prometheus<>{registry}                                                    // a registry of yours
//   grit::instrumentation::set_on_retry_hooks({grit::prometheus::hook()});  // process-wide (retries only)
//   body = grit::prometheus::default_registry().text();  // Content-Type: grit::prometheus::content_type_text
//
// Metrics (all counters; HELP and TYPE are always written, so a family with no series yet is still visible):
//   grit_retries_total{callable, error_type}              retries scheduled (+1 at each retry_scheduled)
//   grit_gave_up_total{callable, error_type, reason}      calls ended on a retryable failure (+1 at gave_up)
//   grit_succeeded_after_retries_total{callable}          calls that succeeded after a retry
//   grit_retry_wait_seconds_total{callable}               the waits scheduled before retries, in seconds
// `callable` is the call's name, `error_type` the failure's demangled type, `reason` a GiveUpReason's name.
//
// Bounded: no retry_num label, and at most `max_series_per_family` series (1000 by default) in each family. Past it,
// the series of new label values are counted under `callable="_OTHER"` and `error_type="_OTHER"` (`reason` is kept:
// it has a handful of values), and text() says so once per family in a comment line. The registry's memory is
// allocated when it is made, apart from one small node per series: so at most the cap's worth.
//
// Concurrency: once a series exists, an update is a lock-free lookup and one relaxed atomic add; a mutex is taken
// only to create a series. text() may run concurrently with updates (each value is read atomically).
//
// Exposition: text() is the text format 0.0.4 (accepted by `promtool check metrics`); openmetrics() is OpenMetrics
// 1.0.0 (family names without `_total`, `# UNIT` for the seconds counter, `# EOF`). Series are sorted by their label
// values (bytewise), so the output is reproducible. Label values are escaped (`\\`, `\"`, `\n`), and bytes that are
// not UTF-8 are replaced by U+FFFD, so no value can corrupt the output. Counts are integers; seconds are exact
// decimals of the nanoseconds waited.
#pragma once

#include <algorithm>
#include <array>
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <exception>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "detail/observability.hpp"
#include "sink.hpp"
#include "stop.hpp"

namespace grit::prometheus {

inline constexpr std::string_view content_type_text = "text/plain; version=0.0.4; charset=utf-8";
inline constexpr std::string_view content_type_openmetrics =
    "application/openmetrics-text; version=1.0.0; charset=utf-8";

// The label value series get past a family's cap.
inline constexpr std::string_view other = "_OTHER";

struct Options {
  std::size_t max_series_per_family = 1000;
};

namespace detail {

// Appends `value` as the inside of a quoted label value: `\\`, `\"`, `\n` escaped, invalid UTF-8 replaced by U+FFFD.
inline void append_label_value(std::string& out, std::string_view value) {
  const auto* p = reinterpret_cast<const unsigned char*>(value.data());
  const std::size_t n = value.size();
  std::size_t run = 0;  // the bytes since the last escape or replacement, appended in one go
  for (std::size_t i = 0; i < n;) {
    const unsigned char b = p[i];
    if (b < 0x80) {
      if (b == '\\' || b == '"' || b == '\n') {
        out.append(value.data() + run, i - run);
        out.append(b == '\\' ? "\\\\" : b == '"' ? "\\\"" : "\\n", 2);
        run = i + 1;
      }
      ++i;
      continue;
    }
    // A UTF-8 sequence: its length from the lead byte, then the continuation bytes and the ranges RFC 3629 allows.
    std::size_t len = 0;
    unsigned char lo = 0x80, hi = 0xbf;  // the allowed range of the second byte
    if (b >= 0xc2 && b <= 0xdf) {
      len = 2;
    } else if (b >= 0xe0 && b <= 0xef) {
      len = 3;
      if (b == 0xe0) lo = 0xa0;
      if (b == 0xed) hi = 0x9f;  // no surrogates
    } else if (b >= 0xf0 && b <= 0xf4) {
      len = 4;
      if (b == 0xf0) lo = 0x90;
      if (b == 0xf4) hi = 0x8f;
    }
    bool valid = len != 0 && i + len <= n && p[i + 1] >= lo && p[i + 1] <= hi;
    for (std::size_t k = 2; valid && k < len; ++k) valid = (p[i + k] & 0xc0) == 0x80;
    if (valid) {
      i += len;
    } else {
      out.append(value.data() + run, i - run);
      out.append("\xef\xbf\xbd", 3);  // U+FFFD, for this one byte
      run = ++i;
    }
  }
  out.append(value.data() + run, n - run);
}

// A hash of the label values, 8 bytes at a time (a byte-at-a-time hash cost 60 % of an update); each value's length
// is mixed in after it, so ("ab", "c") and ("a", "bc") differ.
inline std::uint64_t hash_values(const std::string_view* values, std::size_t count) noexcept {
  const auto mix = [](std::uint64_t h, std::uint64_t word) {
    h = (h ^ word) * 0x9e3779b97f4a7c15ull;
    return h ^ (h >> 29);
  };
  std::uint64_t h = 0x243f6a8885a308d3ull;
  for (std::size_t v = 0; v < count; ++v) {
    const char* p = values[v].data();
    const std::size_t n = values[v].size();
    std::size_t i = 0;
    for (; i + 8 <= n; i += 8) {
      std::uint64_t word;
      std::memcpy(&word, p + i, 8);
      h = mix(h, word);
    }
    std::uint64_t tail = 0;
    if (i < n) {
      if (n >= 8) {
        std::memcpy(&tail, p + n - 8, 8);  // the last 8 bytes, overlapping the previous word
      } else {
        for (std::size_t k = 0; k < n; ++k) tail |= std::uint64_t{static_cast<unsigned char>(p[k])} << (8 * k);
      }
    }
    h = mix(mix(h, tail), n);
  }
  return h;
}

// One counter family with N labels: a fixed open-addressing table of series, sized for the cap when the family is
// made. Lookups are lock-free; a creation takes the mutex.
template <std::size_t N>
class Family {
 public:
  using Values = std::array<std::string_view, N>;

  // `kept` says which labels keep their value past the cap (`reason`); the others become _OTHER.
  Family(std::size_t cap, std::array<bool, N> kept, std::size_t extra) : cap_(cap), kept_(kept) {
    std::size_t size = 8;
    while (size < 2 * (cap + extra) + 2) size *= 2;  // load factor at most 1/2: short probes, never full
    slots_ = std::make_unique<std::atomic<Series*>[]>(size);
    mask_ = size - 1;
    extra_ = extra;
  }
  Family(const Family&) = delete;
  Family& operator=(const Family&) = delete;
  ~Family() {
    for (std::size_t i = 0; i <= mask_; ++i) delete slots_[i].load(std::memory_order_relaxed);
  }

  void add(const Values& values, std::uint64_t n) noexcept {
    find(values).value.fetch_add(n, std::memory_order_relaxed);
  }

  // The value of a series, 0 if it does not exist.
  std::uint64_t value(const Values& values) const noexcept {
    const std::uint64_t h = hash_values(values.data(), N);
    for (std::size_t i = h & mask_;; i = (i + 1) & mask_) {
      const Series* s = slots_[i].load(std::memory_order_acquire);
      if (s == nullptr) return 0;
      if (s->hash == h && s->equals(values)) return s->value.load(std::memory_order_relaxed);
    }
  }

  struct Sample {
    std::array<std::string_view, N> values;
    std::uint64_t value;
  };
  // Every series, sorted by label values.
  std::vector<Sample> samples() const {
    std::vector<Sample> out;
    for (std::size_t i = 0; i <= mask_; ++i)
      if (const Series* s = slots_[i].load(std::memory_order_acquire)) {
        Sample sample{{}, s->value.load(std::memory_order_relaxed)};
        for (std::size_t k = 0; k < N; ++k) sample.values[k] = s->values[k];
        out.push_back(sample);
      }
    std::sort(out.begin(), out.end(), [](const Sample& a, const Sample& b) { return a.values < b.values; });
    return out;
  }

  bool overflowed() const noexcept { return overflowed_.load(std::memory_order_relaxed); }
  std::size_t size() const {
    std::lock_guard lock(mutex_);
    return count_ + extra_count_;
  }

 private:
  struct Series {
    Series(const Values& v, std::uint64_t h) : hash(h) {
      for (std::size_t k = 0; k < N; ++k) values[k] = std::string(v[k]);
    }
    bool equals(const Values& v) const noexcept {
      for (std::size_t k = 0; k < N; ++k)
        if (values[k] != v[k]) return false;
      return true;
    }
    std::atomic<std::uint64_t> value{0};
    std::uint64_t hash;
    std::array<std::string, N> values;
  };

  Series& find(const Values& values) noexcept {
    const std::uint64_t h = hash_values(values.data(), N);
    for (std::size_t i = h & mask_;; i = (i + 1) & mask_) {
      Series* s = slots_[i].load(std::memory_order_acquire);
      if (s == nullptr) break;
      if (s->hash == h && s->equals(values)) return *s;
    }
    return create(values, h);
  }

  Series& create(const Values& values, std::uint64_t h) noexcept {
    std::unique_lock lock(mutex_);
    std::size_t i = h & mask_;
    for (;; i = (i + 1) & mask_) {  // again: another thread may have made it meanwhile
      Series* s = slots_[i].load(std::memory_order_relaxed);
      if (s == nullptr) break;
      if (s->hash == h && s->equals(values)) return *s;
    }
    const bool is_other = is_overflow_key(values);
    if (is_other ? extra_count_ >= extra_ : count_ >= cap_) {
      if (is_other) return *overflow_sink_;  // cannot happen with the registry's own callers
      overflowed_.store(true, std::memory_order_relaxed);
      lock.unlock();
      Values folded = values;
      for (std::size_t k = 0; k < N; ++k)
        if (!kept_[k]) folded[k] = other;
      return find(folded);
    }
    Series* fresh = nullptr;
    try {
      fresh = new Series(values, h);
    } catch (...) {  // out of memory: count it in the overflow series
      if (overflow_sink_ == nullptr) std::terminate();
      return *overflow_sink_;
    }
    if (is_other) {
      ++extra_count_;
      if (overflow_sink_ == nullptr) overflow_sink_ = fresh;
    } else {
      ++count_;
    }
    slots_[i].store(fresh, std::memory_order_release);
    return *fresh;
  }

  bool is_overflow_key(const Values& values) const noexcept {
    for (std::size_t k = 0; k < N; ++k)
      if (!kept_[k] && values[k] != other) return false;
    return true;
  }

  std::unique_ptr<std::atomic<Series*>[]> slots_;
  std::size_t mask_ = 0;
  std::size_t cap_;
  std::size_t extra_ = 0;  // series whose free labels are all _OTHER: one per value of the kept labels
  std::array<bool, N> kept_;
  mutable std::mutex mutex_;
  std::size_t count_ = 0;
  std::size_t extra_count_ = 0;
  Series* overflow_sink_ = nullptr;
  std::atomic<bool> overflowed_{false};
};

}  // namespace detail

class Registry {
 public:
  Registry() : Registry(Options{}) {}
  explicit Registry(Options options)
      : options_(options),
        retries_(options.max_series_per_family, {false, false}, 1),
        gave_up_(options.max_series_per_family, {false, false, true}, reason_values),
        succeeded_(options.max_series_per_family, {false}, 1),
        wait_(options.max_series_per_family, {false}, 1) {}
  Registry(const Registry&) = delete;
  Registry& operator=(const Registry&) = delete;

  // The updates the sink makes; usable directly.
  void count_retry(std::string_view callable, std::string_view error_type, nanoseconds wait_for) noexcept {
    retries_.add({callable, error_type}, 1);
    wait_.add({callable}, wait_for.count() > 0 ? static_cast<std::uint64_t>(wait_for.count()) : 0);
  }
  void count_gave_up(std::string_view callable, std::string_view error_type, GiveUpReason reason) noexcept {
    gave_up_.add({callable, error_type, grit::to_string(reason)}, 1);
  }
  void count_success(std::string_view callable) noexcept { succeeded_.add({callable}, 1); }

  // Read back one series (0 if absent).
  std::uint64_t retries(std::string_view callable, std::string_view error_type) const noexcept {
    return retries_.value({callable, error_type});
  }
  std::uint64_t gave_up(std::string_view callable, std::string_view error_type,
                        std::string_view reason) const noexcept {
    return gave_up_.value({callable, error_type, reason});
  }
  std::uint64_t succeeded_after_retries(std::string_view callable) const noexcept {
    return succeeded_.value({callable});
  }
  nanoseconds retry_wait(std::string_view callable) const noexcept {
    return nanoseconds(static_cast<nanoseconds::rep>(wait_.value({callable})));
  }

  std::size_t max_series_per_family() const noexcept { return options_.max_series_per_family; }
  // Series in all four families.
  std::size_t series() const { return retries_.size() + gave_up_.size() + succeeded_.size() + wait_.size(); }

  // The text format 0.0.4.
  void write_text(std::string& out) const { write(out, false); }
  std::string text() const {
    std::string out;
    write_text(out);
    return out;
  }
  // OpenMetrics 1.0.0.
  void write_openmetrics(std::string& out) const { write(out, true); }
  std::string openmetrics() const {
    std::string out;
    write_openmetrics(out);
    return out;
  }

 private:
  static constexpr std::size_t reason_values = 8;  // GiveUpReason's names, "unknown" included, with room

  template <std::size_t N>
  void family(std::string& out, bool om, std::string_view name, std::string_view unit, std::string_view help,
              const detail::Family<N>& f, const std::array<std::string_view, N>& labels, bool seconds) const {
    const std::string_view base = name.substr(0, name.size() - 6);  // without "_total"
    const std::string_view family_name = om ? base : name;
    if (!om && f.overflowed()) {
      out.append("# grit: ").append(name).append(" reached its limit of ");
      grit::detail::append_decimal(out, options_.max_series_per_family);
      out.append(" series; the series of further label values are counted with label value _OTHER\n");
    }
    const auto help_line = [&] {
      out.append("# HELP ").append(family_name).push_back(' ');
      for (const char c : help) {  // 0.0.4 escapes only \ and line feed in HELP; OpenMetrics also "
        if (c == '\\')
          out.append("\\\\");
        else if (c == '\n')
          out.append("\\n");
        else if (c == '"' && om)
          out.append("\\\"");
        else
          out.push_back(c);
      }
      out.push_back('\n');
    };
    if (!om) help_line();
    out.append("# TYPE ").append(family_name).append(" counter\n");
    if (om && !unit.empty()) out.append("# UNIT ").append(family_name).append(" ").append(unit).push_back('\n');
    if (om) help_line();
    for (const auto& sample : f.samples()) {
      out.append(name).push_back('{');
      for (std::size_t k = 0; k < N; ++k) {
        if (k) out.push_back(',');
        out.append(labels[k]).append("=\"");
        detail::append_label_value(out, sample.values[k]);
        out.push_back('"');
      }
      out.append("} ");
      if (seconds)
        grit::detail::append_exact_seconds(out, nanoseconds(static_cast<nanoseconds::rep>(sample.value)));
      else
        grit::detail::append_decimal(out, sample.value);
      out.push_back('\n');
    }
  }

  void write(std::string& out, bool om) const {
    family(out, om, "grit_retries_total", "", "Retries scheduled by grit: failed attempts that will be retried.",
           retries_, {"callable", "error_type"}, false);
    family(out, om, "grit_gave_up_total", "", "Calls that ended on a retryable failure that grit did not retry again.",
           gave_up_, {"callable", "error_type", "reason"}, false);
    family(out, om, "grit_succeeded_after_retries_total", "", "Calls that succeeded after at least one retry.",
           succeeded_, {"callable"}, false);
    family(out, om, "grit_retry_wait_seconds_total", "seconds",
           "Time grit scheduled to wait before retries, in seconds.", wait_, {"callable"}, true);
    if (om) out.append("# EOF\n");
  }

  Options options_;
  detail::Family<2> retries_;
  detail::Family<3> gave_up_;
  detail::Family<1> succeeded_;
  detail::Family<1> wait_;
};

// The process's registry, made at first use and never destroyed (sinks may run during static destruction).
inline Registry& default_registry() {
  static Registry* registry = new Registry;
  return *registry;
}

}  // namespace grit::prometheus

namespace grit::sink {

// Counts the three events in a prometheus::Registry: `Prometheus<>` in the default registry, `Prometheus<>{registry}`
// in another (which must outlive the sink). Options are reserved for opt-in labels (none yet).
template <class... Options>
class Prometheus : public Base {
 public:
  Prometheus() noexcept : registry_(&prometheus::default_registry()) {}
  explicit Prometheus(prometheus::Registry& registry) noexcept : registry_(&registry) {}

  void retry_scheduled(const RetryDetails& d) const {
    std::string scratch;
    registry_->count_retry(d.name, grit::detail::type_name_of(d.caused_by, scratch), d.wait_for);
  }
  void gave_up(const GiveUpDetails& d) const {
    std::string scratch;
    registry_->count_gave_up(d.name, grit::detail::type_name_of(d.caused_by, scratch), d.reason);
  }
  void succeeded_after_retries(const SuccessDetails& d) const { registry_->count_success(d.name); }

  prometheus::Registry& registry() const noexcept { return *registry_; }

 private:
  prometheus::Registry* registry_;
};

}  // namespace grit::sink

namespace grit::prometheus {

// A hook for the process-wide list (instrumentation::set_on_retry_hooks): counts every scheduled retry (and its
// wait) in `registry`. Hooks hear retries only, as stamina's do; a sink::Prometheus in the type hears all events.
inline RetryHook hook(Registry& registry = default_registry()) {
  return [registry = &registry](const RetryDetails& d) {
    std::string scratch;
    registry->count_retry(d.name, grit::detail::type_name_of(d.caused_by, scratch), d.wait_for);
  };
}

}  // namespace grit::prometheus
