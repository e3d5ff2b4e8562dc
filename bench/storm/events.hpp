// A discrete-event queue in virtual time: events in order of (time, sequence number), so that two events at the
// same nanosecond come out in the order they were scheduled, on every standard library.
#pragma once

#include <cstdint>
#include <queue>
#include <vector>

namespace storm {

template <class Payload>
class EventQueue {
 public:
  struct Event {
    std::int64_t time;  // ns of virtual time
    std::uint64_t seq;
    Payload payload;
  };

  void push(std::int64_t time, const Payload& payload) { heap_.push(Event{time, next_seq_++, payload}); }
  bool empty() const noexcept { return heap_.empty(); }
  Event pop() {
    Event e = heap_.top();
    heap_.pop();
    return e;
  }
  void clear() {
    heap_ = {};
    next_seq_ = 0;
  }

 private:
  struct Later {
    bool operator()(const Event& a, const Event& b) const noexcept {
      return a.time != b.time ? a.time > b.time : a.seq > b.seq;
    }
  };
  std::priority_queue<Event, std::vector<Event>, Later> heap_;
  std::uint64_t next_seq_ = 0;
};

}  // namespace storm
