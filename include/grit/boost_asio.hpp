// grit's async drivers on Boost.Asio (>= 1.81), in namespace grit::boost_asio: the same names as grit/asio.hpp
// (async_retry, co_retry, Attempt, Report, Outcome, testing::VirtualClock, run_virtual), from the same
// implementation (detail/asio_driver.ipp). Both headers may be used in one program. Not included by grit/grit.hpp.
// CMake: link grit::boost_asio. Boost 1.74's Asio (Debian 12's default) has no per-operation cancellation and is
// rejected.
#pragma once

#include <boost/asio/version.hpp>

#if !defined(BOOST_ASIO_VERSION) || BOOST_ASIO_VERSION < 102600
#error \
    "grit: grit/boost_asio.hpp needs Boost.Asio 1.81 or later (Asio 1.26); Debian 12's default Boost 1.74 is too old: see tools/get-boost181.sh"
#endif

#include <boost/asio/associated_allocator.hpp>
#include <boost/asio/associated_cancellation_slot.hpp>
#include <boost/asio/associated_executor.hpp>
#include <boost/asio/async_result.hpp>
#include <boost/asio/basic_waitable_timer.hpp>
#include <boost/asio/bind_cancellation_slot.hpp>
#include <boost/asio/bind_executor.hpp>
#include <boost/asio/cancellation_signal.hpp>
#include <boost/asio/cancellation_state.hpp>
#include <boost/asio/compose.hpp>
#include <boost/asio/error.hpp>
#include <boost/asio/execution/outstanding_work.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/prefer.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/system/error_code.hpp>
#include <boost/system/system_error.hpp>
#if defined(BOOST_ASIO_HAS_CO_AWAIT)
#include <boost/asio/awaitable.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#define GRIT_ASIO_CO_AWAIT 1
#else
#define GRIT_ASIO_CO_AWAIT 0
#endif

#include "detail/asio_includes.hpp"

#define GRIT_ASIO_NS boost_asio
#define GRIT_ASIO_NET boost::asio
#define GRIT_ASIO_ERROR_CODE ::boost::system::error_code
#define GRIT_ASIO_SYSTEM_ERROR ::boost::system::system_error
#include "detail/asio_driver.ipp"
#undef GRIT_ASIO_NS
#undef GRIT_ASIO_NET
#undef GRIT_ASIO_ERROR_CODE
#undef GRIT_ASIO_SYSTEM_ERROR
#undef GRIT_ASIO_CO_AWAIT
