// grit's async drivers on standalone Asio (>= 1.22, Debian's libasio-dev), in namespace grit::asio:
//
//   grit::asio::async_retry(retrying, where, attempt, [report,] token)  any completion token
//   grit::asio::co_retry(retrying, f)                                   C++20 coroutines: f() returns awaitable<T>
//   grit::asio::testing::VirtualClock, run_virtual(io_context&)         virtual time for async tests
//
// The same Retrying type serves the sync call operator and these drivers; every decision is the schedule's
// (docs/design.md, "The async drivers"). Not included by grit/grit.hpp. CMake: link grit::asio. With Clang 14, Asio
// 1.22 does not detect C++20 coroutines by itself: define ASIO_HAS_CO_AWAIT=1 and ASIO_HAS_STD_COROUTINE=1 (the
// grit::asio target does) to get co_retry and use_awaitable.
#pragma once

#include <asio/version.hpp>

#if !defined(ASIO_VERSION) || ASIO_VERSION < 102200
#error "grit: grit/asio.hpp needs standalone Asio 1.22 or later (Debian: libasio-dev)"
#endif

#include <asio/associated_allocator.hpp>
#include <asio/associated_cancellation_slot.hpp>
#include <asio/associated_executor.hpp>
#include <asio/async_result.hpp>
#include <asio/basic_waitable_timer.hpp>
#include <asio/bind_cancellation_slot.hpp>
#include <asio/bind_executor.hpp>
#include <asio/cancellation_signal.hpp>
#include <asio/cancellation_state.hpp>
#include <asio/compose.hpp>
#include <asio/error.hpp>
#include <asio/execution/outstanding_work.hpp>
#include <asio/executor_work_guard.hpp>
#include <asio/io_context.hpp>
#include <asio/post.hpp>
#include <asio/prefer.hpp>
#include <asio/redirect_error.hpp>
#include <asio/steady_timer.hpp>
#include <asio/system_error.hpp>
#if defined(ASIO_HAS_CO_AWAIT)
#include <asio/awaitable.hpp>
#include <asio/co_spawn.hpp>
#include <asio/this_coro.hpp>
#include <asio/use_awaitable.hpp>
#define GRIT_ASIO_CO_AWAIT 1
#else
#define GRIT_ASIO_CO_AWAIT 0
#endif

#include "detail/asio_includes.hpp"

#define GRIT_ASIO_NS asio
#define GRIT_ASIO_NET asio
#define GRIT_ASIO_ERROR_CODE ::asio::error_code
#define GRIT_ASIO_SYSTEM_ERROR ::asio::system_error
#include "detail/asio_driver.ipp"
#undef GRIT_ASIO_NS
#undef GRIT_ASIO_NET
#undef GRIT_ASIO_ERROR_CODE
#undef GRIT_ASIO_SYSTEM_ERROR
#undef GRIT_ASIO_CO_AWAIT
