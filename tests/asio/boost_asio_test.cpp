// The async drivers on Boost.Asio >= 1.81 (grit/boost_asio.hpp): the shared tests of async_tests.hpp.
#include <grit/boost_asio.hpp>

#include <boost/asio/bind_allocator.hpp>
#include <boost/asio/bind_executor.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/deferred.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/use_future.hpp>

namespace net = ::boost::asio;
namespace ga = grit::boost_asio;
#define net_deferred ::boost::asio::deferred
#define GRIT_TEST_SUITE BoostAsio
#if defined(BOOST_ASIO_HAS_CO_AWAIT)
#define GRIT_TEST_CO_AWAIT 1
#endif
#include "async_tests.hpp"
