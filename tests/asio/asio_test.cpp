// The async drivers on standalone Asio (grit/asio.hpp): the shared tests of async_tests.hpp.
#include <grit/asio.hpp>

#include <asio/bind_allocator.hpp>
#include <asio/bind_executor.hpp>
#include <asio/co_spawn.hpp>
#include <asio/detached.hpp>
#include <asio/experimental/deferred.hpp>
#include <asio/strand.hpp>
#include <asio/use_future.hpp>

namespace net = ::asio;
namespace ga = grit::asio;
#define net_deferred ::asio::experimental::deferred
#define GRIT_TEST_SUITE Asio
#if defined(ASIO_HAS_CO_AWAIT)
#define GRIT_TEST_CO_AWAIT 1
#endif
#include "async_tests.hpp"
