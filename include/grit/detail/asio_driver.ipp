// The async drivers, written once for both Asio flavours. Included by grit/asio.hpp (standalone Asio, namespace
// grit::asio) and grit/boost_asio.hpp (Boost.Asio, namespace grit::boost_asio), each of which defines first:
//   GRIT_ASIO_NS          the flavour's namespace inside grit (asio, boost_asio)
//   GRIT_ASIO_NET         the Asio namespace as written after `namespace` (asio, boost::asio)
//   GRIT_ASIO_ERROR_CODE  the flavour's error_code; GRIT_ASIO_SYSTEM_ERROR its system_error
//   GRIT_ASIO_CO_AWAIT    1 where the flavour has C++20 coroutines (awaitable, use_awaitable)
// and #undef's them afterwards. No include guard: each flavour includes it once, into its own namespace.
//
// How it works (docs/design.md, "The async drivers"): async_retry is an async_compose operation. Its state holds
// the Retrying (copied), the attempt function and the start time: nothing else until an attempt fails. At the first
// failure that a filter would retry, one block is allocated with the handler's associated allocator: the call's
// schedule (detail/asio_common.hpp's CallSchedule: the decision, as in the sync driver), the wait timer and the last
// completion; it is released before the handler runs. Every decision is the schedule's; the operation only starts
// attempts, arms the timer and completes.

namespace grit::GRIT_ASIO_NS {

namespace net = ::GRIT_ASIO_NET;
using error_code = GRIT_ASIO_ERROR_CODE;
using system_error = GRIT_ASIO_SYSTEM_ERROR;

// How an asynchronous call ended.
enum class Outcome : unsigned char { succeeded, not_retried, gave_up, cancelled };

// What an attempt may want to know: attempt(const Attempt&, token).
struct Attempt {
  std::uint64_t number;                  // from 1; number - 1 is OTel's http.request.resend_count
  std::optional<nanoseconds> time_left;  // until the attempt's deadline: attempt::Timeout or stop::Timeout, the earlier
};

// Filled before the handler runs, whatever the handler receives (the last failure is never lost).
struct Report {
  Outcome outcome = Outcome::succeeded;
  GiveUpReason reason = GiveUpReason::attempts;  // when gave_up or cancelled
  std::uint64_t attempts = 0;
  nanoseconds waited{};
  std::error_code last_error;         // the last failing attempt's code, if its completion has one
  std::exception_ptr last_exception;  // the same for exception_ptr completions
  bool last_attempt_timed_out = false;
};

namespace detail {
// A Report of a call that ended at its first attempt (FirstAttempt's success), and where RetryOp's starts.
inline Report first_attempt_report(Outcome outcome) noexcept {
  Report r;
  r.outcome = outcome;
  r.attempts = 1;
  return r;
}
}  // namespace detail

// The cause of a failure counted because an attempt ran past its attempt::Timeout.
struct AttemptTimedOut : std::exception {
  const char* what() const noexcept override { return "grit: the attempt ran past its attempt::Timeout"; }
};

// --- Virtual time ---------------------------------------------------------------------------------------------
namespace testing {

// A chrono clock (for Asio's timers) and a grit clock policy (for the schedule) at once, over one static time line
// per Tag that moves only when run_virtual jumps to the next timer or a test calls advance(). Start a test with
// reset(). The time line is shared by every io_context: run one virtual test at a time per Tag.
template <class Tag = void>
struct VirtualClock {
  using rep = std::int64_t;
  using period = std::nano;
  using duration = std::chrono::nanoseconds;
  using time_point = std::chrono::time_point<VirtualClock>;
  using grit_category = category::clock;
  static constexpr bool is_steady = true;

  static time_point now() noexcept { return time_point(duration(ticks().load(std::memory_order_acquire))); }
  // A sync driver's wait under this clock: time moves on at once.
  void sleep_for(nanoseconds d) const noexcept { advance(d); }
  static void advance(nanoseconds d) noexcept { ticks().fetch_add(d.count(), std::memory_order_acq_rel); }
  static void reset() noexcept {
    ticks().store(0, std::memory_order_release);
    next_deadline().store(none, std::memory_order_release);
  }

  // The earliest deadline an Asio reactor asked about since the last jump (none: no timer pending).
  static constexpr std::int64_t none = std::numeric_limits<std::int64_t>::max();
  static std::atomic<std::int64_t>& next_deadline() noexcept {
    static std::atomic<std::int64_t> deadline{none};
    return deadline;
  }
  static std::atomic<std::int64_t>& ticks() noexcept {
    static std::atomic<std::int64_t> now{0};
    return now;
  }
};

// Asio's wait traits for the virtual clock: the reactor asks how long to block until the earliest timer; the
// answer is "not at all", and the deadline is noted for run_virtual to jump to (Asio's time_t_timer example).
template <class Tag = void>
struct VirtualWaitTraits {
  using clock = VirtualClock<Tag>;
  static typename clock::duration to_wait_duration(const typename clock::duration& d) {
    note(clock::now().time_since_epoch().count() + std::max<std::int64_t>(d.count(), 0));
    return clock::duration::zero();
  }
  static typename clock::duration to_wait_duration(const typename clock::time_point& t) {
    note(t.time_since_epoch().count());
    return clock::duration::zero();
  }

 private:
  static void note(std::int64_t deadline) noexcept {
    auto& next = clock::next_deadline();
    std::int64_t seen = next.load(std::memory_order_relaxed);
    while (deadline < seen && !next.compare_exchange_weak(seen, deadline, std::memory_order_acq_rel)) {
    }
  }
};

template <class Tag = void>
using virtual_timer = net::basic_waitable_timer<VirtualClock<Tag>, VirtualWaitTraits<Tag>>;

// Runs `io` to completion under virtual time: runs what is ready; when nothing is, moves the clock to the next
// timer's deadline at once. Single-threaded. Returns the number of handlers run. At most `max_jumps` jumps.
template <class Tag = void>
std::size_t run_virtual(net::io_context& io, std::size_t max_jumps = 1'000'000) {
  using clock = VirtualClock<Tag>;
  std::size_t handlers = 0;
  for (std::size_t jumps = 0;;) {
    io.restart();
    const std::size_t n = io.poll();
    handlers += n;
    if (n > 0) continue;
    if (io.stopped()) {  // poll ran out of work: nothing left (or io.stop() was called)
      io.restart();
      if (io.poll() == 0) break;
      continue;
    }
    const std::int64_t deadline = clock::next_deadline().exchange(clock::none, std::memory_order_acq_rel);
    if (deadline == clock::none) {
      // No deadline noted since the last jump: the reactor notes one again whenever it re-arms; meanwhile there may
      // be work outside virtual time (a real timer, another thread). Wait for either, briefly.
      handlers += io.run_one_for(std::chrono::milliseconds(1));
      continue;
    }
    if (++jumps > max_jumps) break;
    const std::int64_t now = clock::now().time_since_epoch().count();
    if (deadline > now) clock::advance(nanoseconds(deadline - now));
  }
  return handlers;
}

}  // namespace testing

namespace detail {
using namespace grit::detail::async;

// The token that finds an attempt's completion signature without starting it (1.22 has no
// completion_signature_of): the attempt function is called with it in an unevaluated context only.
struct SignatureProbe {};
template <class... Sigs>
struct Probed {};

template <class Fn, bool TakesAttempt>
struct probe;
template <class Fn>
struct probe<Fn, false> {
  using type = decltype(std::declval<Fn&>()(SignatureProbe{}));
};
template <class Fn>
struct probe<Fn, true> {
  using type = decltype(std::declval<Fn&>()(std::declval<const Attempt&>(), SignatureProbe{}));
};
template <class Fn>
inline constexpr bool takes_attempt = std::is_invocable_v<Fn&, const Attempt&, SignatureProbe>;

template <class P>
struct single_signature {
  static constexpr bool probed = false;
  static constexpr std::size_t count = 0;
  using type = void();
};
template <class... Sigs>
struct single_signature<Probed<Sigs...>> {
  static constexpr bool probed = true;
  static constexpr std::size_t count = sizeof...(Sigs);
  using type = boost::mp11::mp_front<boost::mp11::mp_list<Sigs..., void()>>;
};

// The timer a clock policy waits with.
template <class Clock>
struct timer_for {
  static constexpr bool known = false;
  using type = net::steady_timer;
};
template <>
struct timer_for<clock::Steady> {
  static constexpr bool known = true;
  using type = net::steady_timer;
};
template <class Tag>
struct timer_for<testing::VirtualClock<Tag>> {
  static constexpr bool known = true;
  using type = testing::virtual_timer<Tag>;
};

template <class E>
bool is_cancel_code(const E& e) noexcept {
  if constexpr (requires { e == error_code(); }) {
    if (e == error_code(net::error::operation_aborted)) return true;
  }
  return grit::detail::is_cancellation_of(e);
}

// Whether a caught exception is a cancellation: grit's (grit::Cancelled, std::errc::operation_canceled) or Asio's
// operation_aborted, which std::errc does not recognise on standalone Asio 1.22.
struct IsCancellation {
  template <class E>
  bool operator()(const E& e) const noexcept {
    if constexpr (std::is_convertible_v<const E*, const system_error*>) {
      if (e.code() == error_code(net::error::operation_aborted)) return true;
    } else if constexpr (std::is_polymorphic_v<E>) {
      if (const auto* s = dynamic_cast<const system_error*>(&e))
        if (s->code() == error_code(net::error::operation_aborted)) return true;
    }
    return grit::detail::is_cancellation_of(e);
  }
};

template <class E>
E aborted_value() {
  if constexpr (std::is_same_v<E, std::exception_ptr>)
    return std::make_exception_ptr(system_error(error_code(net::error::operation_aborted)));
  else
    return static_cast<E>(error_code(net::error::operation_aborted));
}

template <class E>
std::error_code to_std_error(const E& e) {
  if constexpr (std::is_convertible_v<const E&, std::error_code>)
    return static_cast<std::error_code>(e);
  else
    return {};
}

template <class W>
auto executor_of(W& where) {
  if constexpr (requires { where.get_executor(); })
    return where.get_executor();
  else
    return where;
}

// The allocation made at the first retryable failure, with the handler's associated allocator: a T (whose address
// the operation keeps) that knows its allocator.
template <class Alloc, class T>
struct Allocated : T {
  [[no_unique_address]] Alloc alloc;
  template <class... A>
  Allocated(const Alloc& a, A&&... args) : T(std::forward<A>(args)...), alloc(a) {}
};

// The composed operation of async_retry. HandlerAlloc is the handler's associated allocator type, which allocates
// the block.
template <class Config, class Fn, class Sig, class Executor, class HandlerAlloc>
class RetryOp {
  using comp = completion<Sig>;
  using args_tuple = typename comp::args;
  // The timer holds the operation's own executor type, not any_io_executor: 48 B less in the timer and 48 B less in
  // each wait's operation for an io_context's executor (bench/asio.cpp, concurrent).
  using Timer = net::basic_waitable_timer<typename timer_for<typename Config::clock_type>::type::clock_type,
                                          typename timer_for<typename Config::clock_type>::type::traits_type, Executor>;
  using Schedule = CallSchedule<Config>;
  using start_point = typename Schedule::start_point;

  // attempt::Timeout: the attempt runs with a cancellation slot of the call's own, which the alarm (a timer at the
  // attempt's deadline) and the caller's cancellations (forwarded) emit on. The alarm's handler may run after the
  // operation has ended, so what it touches is shared with it.
  static constexpr bool timed_attempts = Config::attempt_type::limits_attempts;
  struct Gate {
    std::uint64_t generation = 0;
    bool running = false;
    bool timed_out = false;
    net::cancellation_signal signal;
  };
  struct Alarm {
    std::shared_ptr<Gate> gate;
    std::uint64_t generation;
    void operator()(const error_code& ec) const {
      if (!ec && gate->running && gate->generation == generation) {
        gate->timed_out = true;
        gate->signal.emit(net::cancellation_type::terminal);
      }
    }
  };
  struct Watch {
    Timer timer;
    std::shared_ptr<Gate> gate;
  };
  struct NoWatch {
    template <class... A>
    explicit NoWatch(A&&...) noexcept {}
  };
  using watch_type = std::conditional_t<timed_attempts, Watch, NoWatch>;

  // What lives at a fixed address from the first retryable failure on (with attempt::Timeout: from the start).
  // Whatever only a retry needs is here, not in the operation, which Asio moves at every step.
  struct Block {
    Schedule schedule;
    Timer timer;
    std::optional<args_tuple> last;  // the last failed completion, during a wait (and only then)
    watch_type watch;
    GiveUpReason reason = GiveUpReason::attempts;  // when the call gave up: the schedule's Decision said why
    bool last_timed_out = false;
    template <class Alloc>
    Block(const Config& config, start_point start, const Executor& ex, const Alloc& alloc)
        : schedule(config, start), timer(ex), watch(make_watch(ex, alloc)) {}
    template <class Alloc>
    static watch_type make_watch(const Executor& ex, const Alloc& alloc) {
      if constexpr (timed_attempts)
        return Watch{Timer(ex), std::allocate_shared<Gate>(alloc)};
      else
        return NoWatch{ex, alloc};
    }
  };

  // What a completed attempt leads to: the outcome delivered, or a retry. `refused` is classify_current's answer
  // when no filter retries: or_refused makes it not_retried or cancelled.
  enum class Step { succeed, retry, refused, not_retried, gave_up, cancelled };

 public:
  RetryOp(const Config& config, Fn fn, Executor ex, Report* report)
      : config_(config),
        fn_(std::move(fn)),
        ex_(std::move(ex)),
        start_(grit::detail::start_of_call(config)),
        report_(report) {}
  // Taking over from FirstAttempt: the first attempt has completed with `first`, which the start classifies.
  RetryOp(const Config& config, Fn fn, Executor ex, Report* report, start_point start, args_tuple& first)
      : config_(config), fn_(std::move(fn)), ex_(std::move(ex)), start_(start), report_(report), first_(&first) {}
  RetryOp(RetryOp&& other) noexcept
      : config_(std::move(other.config_)),
        fn_(std::move(other.fn_)),
        ex_(std::move(other.ex_)),
        start_(other.start_),
        report_(other.report_),
        first_(std::exchange(other.first_, nullptr)),
        block_(std::exchange(other.block_, nullptr)) {}
  RetryOp(const RetryOp&) = delete;
  RetryOp& operator=(const RetryOp&) = delete;
  RetryOp& operator=(RetryOp&&) = delete;
  ~RetryOp() { release(); }

  // The start: terminal and partial cancellation are let through (total cannot be honoured: earlier attempts had
  // side effects).
  template <class Self>
  void operator()(Self& self) {
    self.reset_cancellation_state(net::enable_partial_cancellation());
    if (first_)
      on_attempt(self, std::move(*std::exchange(first_, nullptr)));
    else
      start_attempt(self);
  }

  // An attempt completed, or the wait did.
  template <class Self, class... A>
  void operator()(Self& self, A&&... a) {
    if (block_ && block_->last) {
      if constexpr (sizeof...(A) == 1 && (std::is_convertible_v<A&&, error_code> && ...)) on_waited(self, a...);
    } else {
      if constexpr (std::is_constructible_v<args_tuple, A&&...>) on_attempt(self, args_tuple(std::forward<A>(a)...));
    }
  }

 private:
  template <class Self>
  void start_attempt(Self& self) {
    if constexpr (timed_attempts) {
      Schedule& s = schedule(self);
      Gate& gate = *block_->watch.gate;
      ++gate.generation;
      gate.running = true;
      gate.timed_out = false;
      // The deadline: the attempt's own, never later than a stop::Timeout's.
      nanoseconds deadline = config_.template policy<typename Config::attempt_type>().timeout();
      if (const auto left = grit::detail::async::time_left(config_, start_)) deadline = std::min(deadline, *left);
      block_->watch.timer.expires_after(std::chrono::duration_cast<typename Timer::duration>(deadline));
      block_->watch.timer.async_wait(
          net::bind_executor(self.get_executor(), Alarm{block_->watch.gate, gate.generation}));
      // The caller's cancellations go on to the attempt (composed_op clears this slot at every step).
      if (auto slot = self.get_cancellation_state().slot(); slot.is_connected())
        slot.assign([&gate](net::cancellation_type type) { gate.signal.emit(type); });
      auto token = net::bind_cancellation_slot(gate.signal.slot(), std::move(self));
      if constexpr (takes_attempt<Fn>)
        fn_(Attempt{s.core().attempt(), deadline}, std::move(token));
      else
        fn_(std::move(token));
    } else if constexpr (takes_attempt<Fn>) {
      const std::uint64_t number = block_ ? block_->schedule.core().attempt() : 1;
      fn_(Attempt{number, grit::detail::async::time_left(config_, start_)}, std::move(self));
    } else {
      fn_(std::move(self));
    }
  }

  // Whether a completion is a failure, as far as an attempt's timeout goes.
  static bool failed(const args_tuple& done) noexcept {
    if constexpr (comp::kind == Kind::values)
      return true;
    else
      return static_cast<bool>(std::get<0>(done));
  }

  bool cancelled_now(auto& self) const noexcept {
    return self.get_cancellation_state().cancelled() != net::cancellation_type::none;
  }

  using Whole = Allocated<HandlerAlloc, Block>;
  using WholeAlloc = typename std::allocator_traits<HandlerAlloc>::template rebind_alloc<Whole>;

  template <class Self>
  Schedule& schedule(Self& self) {
    static_assert(std::is_same_v<decltype(self.get_allocator()), HandlerAlloc>);
    if (!block_) {
      using Alloc = WholeAlloc;
      Alloc alloc(self.get_allocator());
      Whole* whole = std::allocator_traits<Alloc>::allocate(alloc, 1);
      try {
        ::new (static_cast<void*>(whole)) Whole(self.get_allocator(), config_, start_, ex_, self.get_allocator());
      } catch (...) {
        std::allocator_traits<Alloc>::deallocate(alloc, whole, 1);
        throw;
      }
      block_ = whole;
    }
    return block_->schedule;
  }

  void release() noexcept {
    if (block_) {
      Whole* whole = static_cast<Whole*>(std::exchange(block_, nullptr));
      WholeAlloc alloc(whole->alloc);
      whole->~Whole();
      std::allocator_traits<WholeAlloc>::deallocate(alloc, whole, 1);
    }
  }

  // A failure a filter retries: the schedule decides. Inside a catch clause for an exception.
  template <class Self>
  Step decide(Self& self, Verdict verdict, const Cause& cause, bool cancelled) {
    Schedule& s = schedule(self);
    if (cancelled) {  // cancelled during the attempt: never retried
      s.cancel(cause);
      return Step::cancelled;
    }
    const Decision next = s.core().on_failure(verdict, cause);
    if (next) {
      block_->timer.expires_after(std::chrono::duration_cast<typename Timer::duration>(next.wait()));
      return Step::retry;
    }
    block_->reason = next.reason().value_or(GiveUpReason::attempts);
    return block_->reason == GiveUpReason::cancelled ? Step::cancelled : Step::gave_up;
  }

  // A failure no filter retries: delivered unchanged.
  static Step refuse(bool cancelled) { return cancelled ? Step::cancelled : Step::not_retried; }

  static Step or_refused(Step step, bool cancelled) { return step == Step::refused ? refuse(cancelled) : step; }
  using levels = grit::detail::catch_levels<typename Config::filter_types>;

  template <class Self>
  Step classify(Self& self, const args_tuple& done) {
    const bool cancelled = cancelled_now(self);
    if constexpr (timed_attempts) {
      Gate& gate = *block_->watch.gate;
      gate.running = false;
      block_->watch.timer.cancel();
      block_->last_timed_out = gate.timed_out;
      if (gate.timed_out && !cancelled && failed(done)) {
        const AttemptTimedOut timed_out;
        return decide(self, Verdict::retry(), Cause::of_exception(timed_out), false);
      }
    }
    if constexpr (comp::kind == Kind::errors) {
      const auto& e = std::get<0>(done);
      if (!e) return classify_values<1>(self, done, cancelled);
      if (is_cancel_code(e)) return refuse(cancelled);
      const Verdict verdict =
          result_verdict_of(error_filters_t<Config>{}, config_, ErrorView<std::decay_t<decltype(e)>>{e});
      if (verdict.retries()) return decide(self, verdict, Cause::of_value(e), cancelled);
      if constexpr (has_exception_filters<Config> && std::is_convertible_v<decltype(e), std::error_code>) {
        // Exception filters see an error code as the std::system_error it would be thrown as.
        auto on_retryable = [&](Verdict v, const Cause& cause) { return decide(self, v, cause, cancelled); };
        try {
          throw std::system_error(static_cast<std::error_code>(e));
        } catch (...) {
          return or_refused(classify_current<levels>(config_, Step::refused, on_retryable, IsCancellation{}),
                            cancelled);
        }
      }
      return refuse(cancelled);
    } else if constexpr (comp::kind == Kind::exceptions) {
      const std::exception_ptr& p = std::get<0>(done);
      if (!p) return classify_values<1>(self, done, cancelled);
      auto on_retryable = [&](Verdict v, const Cause& cause) { return decide(self, v, cause, cancelled); };
      try {
        std::rethrow_exception(p);
      } catch (...) {
        return or_refused(classify_current<levels>(config_, Step::refused, on_retryable, IsCancellation{}), cancelled);
      }
    } else {
      return classify_values<0>(self, done, cancelled);
    }
  }

  // The values of a completion that has no error (or no error slot), seen by the result filters.
  template <std::size_t From, class Self>
  Step classify_values(Self& self, const args_tuple& done, bool cancelled) {
    if constexpr (From < comp::arity) {
      const auto& view = values_view<From>(done);
      using V = std::remove_cvref_t<decltype(view)>;
      if constexpr (any_accepts<Config, V>(result_filters_t<Config>{})) {
        const Verdict verdict = result_verdict_of(result_filters_t<Config>{}, config_, view);
        if (verdict.retries()) return decide(self, verdict, Cause::of_value(view), cancelled);
      }
    }
    (void)self;
    (void)done;
    (void)cancelled;
    return Step::succeed;
  }

  template <class Self>
  void on_attempt(Self& self, args_tuple&& done) {
    const Step step = classify(self, done);
    if (step == Step::retry) {
      block_->last.emplace(std::move(done));
      block_->timer.async_wait(std::move(self));
      return;
    }
    if (step == Step::succeed) {
      if (block_)
        block_->schedule.core().on_success();
      else
        grit::detail::first_attempt_succeeded(config_);
    }
    complete(self, std::move(done), outcome_of(step));
  }

  static Outcome outcome_of(Step step) noexcept {
    switch (step) {
      case Step::not_retried:
        return Outcome::not_retried;
      case Step::gave_up:
        return Outcome::gave_up;
      case Step::cancelled:
        return Outcome::cancelled;
      default:
        return Outcome::succeeded;
    }
  }

  template <class Self>
  void on_waited(Self& self, const error_code& ec) {
    block_->schedule.core().wait_ended();  // the sinks' wait scopes end before the next attempt or the cancellation
    if (ec != error_code(net::error::operation_aborted) && !cancelled_now(self)) {
      block_->last.reset();
      start_attempt(self);
      return;
    }
    // Cancelled during the wait: operation_aborted, the other values the last attempt's; the last failure goes to
    // the Report and the sinks.
    args_tuple done = std::move(*block_->last);
    Schedule& s = block_->schedule;
    if constexpr (comp::kind == Kind::errors) {
      s.cancel(Cause::of_value(std::get<0>(done)));
    } else if constexpr (comp::kind == Kind::exceptions) {
      with_exception_cause(std::get<0>(done), [&](const Cause& cause) { s.cancel(cause); });
    } else {
      const auto& view = values_view<0>(done);
      s.cancel(Cause::of_value(view));
    }
    fill_report(done, Outcome::cancelled);
    if constexpr (comp::kind != Kind::values) std::get<0>(done) = aborted_value<std::tuple_element_t<0, args_tuple>>();
    complete(self, std::move(done));
  }

  void fill_report(const args_tuple& done, Outcome outcome) {
    if (!report_) return;
    Report& r = *report_;
    r = first_attempt_report(outcome);  // of this call only
    if (block_) {
      r.attempts = block_->schedule.core().attempt();
      r.waited = block_->schedule.core().waited();
      r.last_attempt_timed_out = block_->last_timed_out;
    }
    if (outcome == Outcome::cancelled)
      r.reason = GiveUpReason::cancelled;
    else if (outcome == Outcome::gave_up)
      r.reason = block_->reason;
    if constexpr (comp::kind == Kind::errors) {
      if (std::get<0>(done)) r.last_error = to_std_error(std::get<0>(done));
    } else if constexpr (comp::kind == Kind::exceptions) {
      if (std::get<0>(done)) r.last_exception = std::get<0>(done);
    }
  }

  // The handler gets the completion; everything allocated is released before it runs.
  template <class Self>
  void complete(Self& self, args_tuple&& done, Outcome outcome) {
    fill_report(done, outcome);
    complete(self, std::move(done));
  }
  template <class Self>
  void complete(Self& self, args_tuple&& done) {
    release();
    std::apply([&self](auto&&... a) { self.complete(std::move(a)...); }, std::move(done));
  }

  [[no_unique_address]] Config config_;
  Fn fn_;
  Executor ex_;
  [[no_unique_address]] start_point start_;
  Report* report_;
  args_tuple* first_ = nullptr;  // during the start only, when taking over from FirstAttempt
  Block* block_ = nullptr;
};

// The work a pending operation counts on `where`'s executor, as async_compose counts it.
template <class Executor>
auto track(const Executor& ex) {
  if constexpr (net::execution::is_executor<Executor>::value)
    return net::prefer(ex, net::execution::outstanding_work.tracked);
  else
    return net::executor_work_guard<Executor>(ex);
}

// The handler of a first attempt that nothing can cancel (no attempt::Timeout, no cancellation slot connected):
// a success completes the handler at once; anything else starts the composed operation (RetryOp), which classifies
// it. A first attempt succeeds far more often than not, and this costs it no more than a hand-written loop: the
// composed operation's state is not made or moved by Asio at every step (docs/performance.md §9).
template <class Config, class Fn, class Sig, class Executor, class Handler>
class FirstAttempt {
  using comp = completion<Sig>;
  using args_tuple = typename comp::args;
  using Op = RetryOp<Config, Fn, Sig, Executor, net::associated_allocator_t<Handler>>;
  using start_point = typename CallSchedule<Config>::start_point;

 public:
  FirstAttempt(Handler&& handler, const Config& config, Fn fn, const Executor& ex, Report* report, start_point start)
      : handler_(std::move(handler)),
        config_(config),
        fn_(std::move(fn)),
        ex_(ex),
        work_(track(ex)),
        report_(report),
        start_(start) {}

  // The attempt's intermediate steps run where async_compose would run them: on the handler's executor, else on
  // `where`'s.
  using executor_type = net::associated_executor_t<Handler, Executor>;
  executor_type get_executor() const noexcept { return net::get_associated_executor(handler_, ex_); }
  using allocator_type = net::associated_allocator_t<Handler>;
  allocator_type get_allocator() const noexcept { return net::get_associated_allocator(handler_); }

  // The attempt function is called on its own handler's object, as RetryOp calls it (and Asio's composed
  // operations call their implementation): what it captured is read before it moves the token on.
  void launch() {
    if constexpr (takes_attempt<Fn>)
      fn_(Attempt{1, grit::detail::async::time_left(config_, start_)}, std::move(*this));
    else
      fn_(std::move(*this));
  }

  template <class... A>
  void operator()(A&&... a) {
    if (succeeded(a...)) {
      grit::detail::first_attempt_succeeded(config_);
      if (report_) *report_ = first_attempt_report(Outcome::succeeded);
      if constexpr (!net::execution::is_executor<Executor>::value) work_.reset();  // as async_compose does
      std::move(handler_)(std::forward<A>(a)...);
      return;
    }
    if constexpr (std::is_constructible_v<args_tuple, A&&...>) {
      args_tuple first(std::forward<A>(a)...);
      const Executor ex = ex_;
      net::async_compose<Handler, Sig>(Op(config_, std::move(fn_), ex, report_, start_, first), handler_, ex);
    }
  }

 private:
  // A completion that no filter can fail: an error slot holding no error, and no result filter for the values.
  template <class... A>
  static bool succeeded(const A&... a) noexcept {
    if constexpr (comp::kind == Kind::values || sizeof...(A) == 0) {
      return false;
    } else {
      if constexpr (comp::arity > 1) {
        using V = std::remove_cvref_t<decltype(values_view<1>(std::declval<const args_tuple&>()))>;
        if constexpr (any_accepts<Config, V>(result_filters_t<Config>{})) return false;
      }
      return !std::get<0>(std::forward_as_tuple(a...));
    }
  }
  Handler handler_;
  [[no_unique_address]] Config config_;
  Fn fn_;
  Executor ex_;
  decltype(track(std::declval<const Executor&>())) work_;
  Report* report_;
  [[no_unique_address]] start_point start_;
};

// Starts the first attempt with FirstAttempt as its handler where nothing can cancel it; otherwise the composed
// operation from the start.
template <class Config, class Fn, class Sig>
struct Start {
  template <class Handler, class Executor>
  void operator()(Handler&& handler, const Config& config, Fn&& fn, const Executor& ex, Report* report) const {
    using H = std::decay_t<Handler>;
    using Op = RetryOp<Config, Fn, Sig, Executor, net::associated_allocator_t<H>>;
    if constexpr (!Config::attempt_type::limits_attempts) {
      if (!net::get_associated_cancellation_slot(handler).is_connected()) {
        FirstAttempt<Config, Fn, Sig, Executor, H>(std::move(handler), config, std::move(fn), ex, report,
                                                   grit::detail::start_of_call(config))
            .launch();
        return;
      }
    }
    net::async_compose<H, Sig>(Op(config, std::move(fn), ex, report), handler, ex);
  }
};

template <class Config, class Fn>
using signature_of = typename single_signature<typename probe<Fn, takes_attempt<Fn>>::type>::type;

template <class Config, class Where, class Fn, class Token>
auto initiate(const Config& retrying, Where& where, Fn&& attempt, Report* report, Token&& token) {
  using F = std::decay_t<Fn>;
  using probed = single_signature<typename probe<F, takes_attempt<F>>::type>;
  using Sig = typename probed::type;
  using comp = completion<Sig>;
  // One check at a time, nothing instantiated after a failed one: the grit: message is the only error.
  if constexpr (!grit::detail::is_retrying<Config>::value) {
    static_assert(grit::detail::is_retrying<Config>::value,
                  "grit: async_retry's first argument must be a grit::Retrying<...>");
  } else if constexpr (!probed::probed) {
    static_assert(probed::probed,
                  "grit: async_retry's attempt must start one asynchronous operation with the completion token it is "
                  "given and return what the initiating function returns: [&](auto token) { return "
                  "socket.async_read_some(buffer, std::move(token)); }");
  } else if constexpr (probed::count > 1) {
    static_assert(probed::count <= 1, "grit: async_retry retries an operation with one completion signature only");
  } else if constexpr (comp::kind == Kind::unsupported) {
    static_assert(comp::kind != Kind::unsupported,
                  "grit: async_retry needs a completion signature void(error_code, T...), void(std::exception_ptr, "
                  "T...) or void(T...) (not void())");
  } else if constexpr (comp::kind == Kind::values && boost::mp11::mp_empty<result_filters_t<Config>>::value) {
    static_assert(comp::kind != Kind::values,
                  "grit: this operation's completion has no error and no result filter can fail it; add "
                  "RetryOnResult<Pred> (or complete with an error_code or std::exception_ptr first)");
  } else if constexpr (!timer_for<typename Config::clock_type>::known) {
    static_assert(timer_for<typename Config::clock_type>::known,
                  "grit: async_retry waits with an Asio timer: use clock::Steady or grit::asio::testing::VirtualClock "
                  "as the Retrying's clock");
  } else {
    auto ex = executor_of(where);
    return net::async_initiate<Token, Sig>(Start<Config, F, Sig>{}, token, retrying, F(std::forward<Fn>(attempt)), ex,
                                           report);
  }
}

}  // namespace detail

// Retries one asynchronous operation: attempt(token), or attempt(const Attempt&, token), starts one attempt and
// returns what its initiating function returns. async_retry has that operation's completion signature, so any
// completion token works. `where` is an I/O object or an executor: the wait timer's, and the operation's when the
// handler has no associated executor.
template <class Config, class Where, class AttemptFn, class CompletionToken>
auto async_retry(const Config& retrying, Where&& where, AttemptFn&& attempt, CompletionToken&& token) {
  return detail::initiate(retrying, where, std::forward<AttemptFn>(attempt), nullptr,
                          std::forward<CompletionToken>(token));
}

// The same, and `report` is filled before the handler runs. It must outlive the operation.
template <class Config, class Where, class AttemptFn, class CompletionToken>
auto async_retry(const Config& retrying, Where&& where, AttemptFn&& attempt, Report& report, CompletionToken&& token) {
  return detail::initiate(retrying, where, std::forward<AttemptFn>(attempt), &report,
                          std::forward<CompletionToken>(token));
}

#if GRIT_ASIO_CO_AWAIT
namespace detail {
template <class A>
struct awaited {
  static constexpr bool is_awaitable = false;
  using type = void;
  using executor = net::any_io_executor;
};
template <class T, class E>
struct awaited<net::awaitable<T, E>> {
  static constexpr bool is_awaitable = true;
  using type = T;
  using executor = E;
};
template <class F>
using co_attempt_t = typename std::conditional_t<std::is_invocable_v<F&, const Attempt&>,
                                                 std::invoke_result<F&, const Attempt&>, std::invoke_result<F&>>::type;
template <class F>
using co_value_t = typename awaited<co_attempt_t<F>>::type;
template <class F>
using co_executor_t = typename awaited<co_attempt_t<F>>::executor;
}  // namespace detail

// (GCC 12 warns -Wsubobject-linkage when a coroutine frame holds a lambda's type; nothing is shared across units.)
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wsubobject-linkage"
#endif
namespace detail {
// co_retry with a deadline per attempt: async_retry carries it out. Each attempt is a coroutine of its own
// (co_spawn), so that the alarm can cancel it through its cancellation slot; a failure arrives as its exception_ptr,
// filtered as by the loop below, and on giving up use_awaitable rethrows that same exception.
template <class Config, class F>
auto co_retry_timed(Config retrying, F f) -> net::awaitable<co_value_t<F>, co_executor_t<F>> {
  using Executor = co_executor_t<F>;
  const Executor ex = co_await net::this_coro::executor;
  auto attempt = [&f, ex](const Attempt& a, auto&& token) {
    if constexpr (std::is_invocable_v<F&, const Attempt&>)
      return net::co_spawn(ex, f(a), std::forward<decltype(token)>(token));
    else
      return (void)a, net::co_spawn(ex, f(), std::forward<decltype(token)>(token));
  };
  co_return co_await async_retry(retrying, ex, attempt, net::use_awaitable_t<Executor>{});
}

template <class Config, class F>
using co_retry_result_t = net::awaitable<co_value_t<F>, co_executor_t<F>>;

// The attempt numbered `number`: f(), or f(const Attempt&).
template <class Config, class F, class Start>
auto co_call(Config& retrying, F& f, std::uint64_t number, const Start& start) {
  if constexpr (std::is_invocable_v<F&, const Attempt&>)
    return f(Attempt{number, grit::detail::async::time_left(retrying, start)});
  else
    return (void)retrying, (void)number, (void)start, f();
}

// A first attempt that a cancellation reached fails unretried; the sinks hear of it from a schedule made for it here,
// outside the coroutine frame.
template <class Config, class Start>
void co_cancelled_first(const Config& retrying, const Start& start, const Cause& cause) {
  grit::detail::async::CallSchedule<Config>(retrying, start).cancel(cause);
}

// The loop from the first retryable failure on: `failure` is alive, and `first` (a view of it) is its cause.
template <class Config, class F, class Start>
auto co_retry_after_first(Config& retrying, F& f, const Start& start, std::exception_ptr failure, Verdict verdict,
                          const Cause& first) -> co_retry_result_t<Config, F> {
  using T = co_value_t<F>;
  using Executor = co_executor_t<F>;
  using Timer =
      net::basic_waitable_timer<typename detail::timer_for<typename Config::clock_type>::type::clock_type,
                                typename detail::timer_for<typename Config::clock_type>::type::traits_type, Executor>;
  using levels = grit::detail::catch_levels<typename Config::filter_types>;
  grit::detail::async::CallSchedule<Config> schedule(retrying, start);
  const net::cancellation_state state = co_await net::this_coro::cancellation_state;
  std::optional<Timer> timer;
  Decision next = schedule.core().on_failure(verdict, first);
  // A failure a filter retries: the schedule decides, unless a cancellation reached the attempt (never retried: `next`
  // stays empty).
  auto on_retryable = [&](Verdict v, const Cause& cause) {
    if (state.cancelled() != net::cancellation_type::none)
      schedule.cancel(cause);
    else
      next = schedule.core().on_failure(v, cause);
    return true;
  };
  for (;;) {
    if (!next) std::rethrow_exception(failure);  // the same exception object
    if (!timer) timer.emplace(co_await net::this_coro::executor);
    timer->expires_after(std::chrono::duration_cast<typename Timer::duration>(next.wait()));
    error_code ec;
    try {
      co_await timer->async_wait(net::redirect_error(net::use_awaitable_t<Executor>{}, ec));
    } catch (const system_error& e) {  // throw_if_cancelled
      ec = e.code();
    }
    schedule.core().wait_ended();
    if (ec == error_code(net::error::operation_aborted) || state.cancelled() != net::cancellation_type::none) {
      grit::detail::async::with_exception_cause(failure, [&](const Cause& cause) { schedule.cancel(cause); });
      throw system_error(error_code(net::error::operation_aborted));
    }
    next = Decision{};
    try {
      if constexpr (std::is_void_v<T>) {
        co_await co_call(retrying, f, schedule.core().attempt(), start);
        schedule.core().on_success();
        co_return;
      } else {
        T value = co_await co_call(retrying, f, schedule.core().attempt(), start);
        schedule.core().on_success();
        co_return value;
      }
    } catch (const grit::detail::async::first_exception_t<levels>& e) {
      failure = std::current_exception();
      (void)grit::detail::async::classify_first<levels>(retrying, e, false, on_retryable, detail::IsCancellation{});
    } catch (...) {
      failure = std::current_exception();
      (void)grit::detail::async::classify_current<grit::detail::async::rest_levels_t<levels>>(
          retrying, false, on_retryable, detail::IsCancellation{});
    }
  }
}

// co_retry without a deadline per attempt. The first attempt runs in a coroutine that holds nothing else: a success
// pays for no schedule or timer in its frame (docs/design.md, docs/performance.md §9). Its first retryable failure,
// classified in this frame's own catch clauses, goes on to co_retry_after_first, a coroutine of its own with the
// schedule and the timer; neither frame moves.
template <class Config, class F>
auto co_retry_untimed(Config retrying, F f) -> co_retry_result_t<Config, F> {
  using T = co_value_t<F>;
  using levels = grit::detail::catch_levels<typename Config::filter_types>;
  const auto start = grit::detail::start_of_call(retrying);
  std::exception_ptr failure;
  Verdict verdict = Verdict::give_up();
  std::optional<Cause> cause;  // a view of `failure`, which keeps the exception alive
  auto on_retryable = [&](Verdict v, const Cause& c) {
    verdict = v;
    cause.emplace(Cause::View{}, c);
    return true;
  };
  try {
    if constexpr (std::is_void_v<T>) {
      co_await co_call(retrying, f, 1, start);
      grit::detail::first_attempt_succeeded(retrying);
      co_return;
    } else {
      T value = co_await co_call(retrying, f, 1, start);
      grit::detail::first_attempt_succeeded(retrying);
      co_return value;
    }
  } catch (const grit::detail::async::first_exception_t<levels>& e) {
    failure = std::current_exception();
    (void)grit::detail::async::classify_first<levels>(retrying, e, false, on_retryable, detail::IsCancellation{});
  } catch (...) {
    failure = std::current_exception();
    (void)grit::detail::async::classify_current<grit::detail::async::rest_levels_t<levels>>(
        retrying, false, on_retryable, detail::IsCancellation{});
  }
  if (!cause) std::rethrow_exception(failure);  // no filter retries it: the same exception object
  // Read here, not in co_retry_after_first: co_await of a coroutine throws operation_aborted once cancelled.
  if (const net::cancellation_state state = co_await net::this_coro::cancellation_state;
      state.cancelled() != net::cancellation_type::none) {
    co_cancelled_first(retrying, start, *cause);
    std::rethrow_exception(failure);
  }
  if constexpr (std::is_void_v<T>)
    co_await co_retry_after_first(retrying, f, start, failure, verdict, *cause);
  else
    co_return co_await co_retry_after_first(retrying, f, start, failure, verdict, *cause);
}
}  // namespace detail

// Retries a coroutine: f(), or f(const Attempt&), returns awaitable<T>; a failure is an exception, classified by the
// Retrying's exception filters as by the sync driver (Asio's operation_aborted and grit::Cancelled are never
// retried). On giving up, the same exception object is rethrown. The waits honour the coroutine's cancellation
// state: cancelled during a wait, co_retry throws system_error(operation_aborted) and the sinks hear
// gave_up(cancelled) with the last failure; cancelled during an attempt, the attempt's exception passes through.
// With attempt::Timeout, an attempt still running at its deadline is cancelled and counts as a retryable failure.
template <class Config, class F>
auto co_retry(Config retrying, F f) -> net::awaitable<detail::co_value_t<F>, detail::co_executor_t<F>> {
  static_assert(grit::detail::is_retrying<Config>::value,
                "grit: co_retry's first argument must be a grit::Retrying<...>");
  static_assert(detail::awaited<detail::co_attempt_t<F>>::is_awaitable,
                "grit: co_retry's function must return an asio awaitable<T>: f() or f(const Attempt&)");
  static_assert(detail::timer_for<typename Config::clock_type>::known,
                "grit: co_retry waits with an Asio timer: use clock::Steady or grit::asio::testing::VirtualClock as "
                "the Retrying's clock");
  if constexpr (Config::attempt_type::limits_attempts)
    return detail::co_retry_timed(std::move(retrying), std::move(f));
  else
    return detail::co_retry_untimed(std::move(retrying), std::move(f));
}
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic pop
#endif
#endif  // GRIT_ASIO_CO_AWAIT

}  // namespace grit::GRIT_ASIO_NS

namespace GRIT_ASIO_NET {
// The signature probe's async_result: the signature, without initiating anything.
template <class... Sigs>
class async_result<grit::GRIT_ASIO_NS::detail::SignatureProbe, Sigs...> {
 public:
  using return_type = grit::GRIT_ASIO_NS::detail::Probed<Sigs...>;
  template <class Initiation, class... Args>
  static return_type initiate(Initiation&&, grit::GRIT_ASIO_NS::detail::SignatureProbe, Args&&...) {
    return {};
  }
};
}  // namespace GRIT_ASIO_NET
