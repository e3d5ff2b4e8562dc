// The model of awslabs/aws-arch-backoff-simulator (src/backoff_simulator.py @66cb169), the simulator behind the AWS
// Architecture Blog post "Exponential Backoff And Jitter" (Marc Brooker, 2015):
//
//   - one server holds one row with one version; a read replies with the version; a write carrying the version it
//     read succeeds (and bumps the version) iff the version is still current; every write is a call;
//   - each client updates the row exactly once: read, then write with the version read; on a failed write it
//     backs off and reads again; there is no attempt limit;
//   - every one-way network hop takes |N(10 ms, 2 ms)|; a retry's read is sent after one hop plus the backoff;
//   - every client starts at t = 0; a run ends with its last event (the last client learning of its success).
//
// Here every client's retry decision comes from its own grit::Schedule, driven by hand in virtual time: the write's
// reply goes to schedule.on_result(), and the client's next read is scheduled d.wait() later. Nothing sleeps.
#pragma once

#include <cstdint>
#include <vector>

#include "algorithms.hpp"
#include "events.hpp"
#include "random.hpp"

namespace storm {

// The means over the runs of one grid point.
struct OccPoint {
  int clients = 0;
  double calls = 0;    // writes per run
  double time_ms = 0;  // time of the last event
};

// The totals of one run.
struct OccRun {
  std::uint64_t calls = 0;
  std::int64_t time_ns = 0;
};

template <class Algorithm>
class OccSimulation {
 public:
  using retry_type = typename Algorithm::retry_type;
  using schedule_type = decltype(std::declval<const retry_type&>().schedule());

  // The negative control: every client's Retrying gets the same seed, so every client draws the same jitter.
  explicit OccSimulation(bool same_seed_for_all = false) : same_seed_(same_seed_for_all) {}

  // One run with `clients` clients; `seed` decides the network and every client's jitter.
  OccRun run(int clients, std::uint64_t seed) {
    const auto n = static_cast<std::size_t>(clients);
    // A Retrying per client, each with its own seeded engine; the schedules refer to them, so the vector is sized
    // before the first schedule is made (no reallocation).
    schedules_.clear();
    retries_.clear();
    retries_.reserve(n);
    for (std::size_t i = 0; i < n; ++i) retries_.push_back(Algorithm::make(derive_seed(seed, same_seed_ ? 1 : i + 1)));
    schedules_.reserve(n);
    for (std::size_t i = 0; i < n; ++i) schedules_.push_back(retries_[i].schedule());

    Net net(derive_seed(seed, 0), 10.0, 2.0);
    queue_.clear();
    std::uint64_t version = 0;
    OccRun result;
    for (std::uint32_t i = 0; i < n; ++i) queue_.push(net.delay_ns(), {i, Kind::read_at_server, 0});

    while (!queue_.empty()) {
      const auto e = queue_.pop();
      result.time_ns = e.time;
      const Message& m = e.payload;
      switch (m.kind) {
        case Kind::read_at_server:  // the server replies with the version now
          queue_.push(e.time + net.delay_ns(), {m.client, Kind::read_reply, version});
          break;
        case Kind::read_reply:  // the client writes with the version it read
          queue_.push(e.time + net.delay_ns(), {m.client, Kind::write_at_server, m.value});
          break;
        case Kind::write_at_server: {
          ++result.calls;
          const bool ok = m.value == version;
          if (ok) ++version;
          queue_.push(e.time + net.delay_ns(), {m.client, Kind::write_reply, ok ? 1u : 0u});
          break;
        }
        case Kind::write_reply: {
          const grit::Decision d = schedules_[m.client].on_result(WriteReply{m.value != 0});
          if (d.retries())  // failed: read again after one hop and the backoff
            queue_.push(e.time + net.delay_ns() + d.wait().count(), {m.client, Kind::read_at_server, 0});
          break;  // succeeded: this client is done
        }
      }
    }
    return result;
  }

  // The means of `runs` runs; run r uses derive_seed(seed, r).
  OccPoint point(int clients, int runs, std::uint64_t seed) {
    std::uint64_t calls = 0;
    std::int64_t time_ns = 0;
    for (int r = 0; r < runs; ++r) {
      const OccRun one = run(clients, derive_seed(seed, static_cast<std::uint64_t>(r)));
      calls += one.calls;
      time_ns += one.time_ns;
    }
    return {clients, static_cast<double>(calls) / runs, static_cast<double>(time_ns) / 1e6 / runs};
  }

 private:
  enum class Kind : std::uint8_t { read_at_server, read_reply, write_at_server, write_reply };
  struct Message {
    std::uint32_t client;
    Kind kind;
    std::uint64_t value;  // the version read or written, or whether the write succeeded
  };

  bool same_seed_;
  std::vector<retry_type> retries_;
  std::vector<schedule_type> schedules_;
  EventQueue<Message> queue_;
};

// The seed of one grid point: the same for every algorithm, so that algorithms meet the same first network delays.
constexpr std::uint64_t point_seed(std::uint64_t seed, int clients) noexcept {
  return derive_seed(seed, 1'000'000 + static_cast<std::uint64_t>(clients));
}

}  // namespace storm
