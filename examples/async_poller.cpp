// An Asio coroutine that fetches pages from a flaky HTTP server, retried by grit::asio::co_retry; the server is
// started by the program itself on 127.0.0.1 (an ephemeral port) and answers "503 Service Unavailable" to the first
// two requests for each page. The same Retrying alias could drive a synchronous call or async_retry.
//
//   build/examples/example_async_poller
#include <grit/asio.hpp>

#include <asio/buffer.hpp>
#include <asio/co_spawn.hpp>
#include <asio/detached.hpp>
#include <asio/ip/tcp.hpp>
#include <asio/read.hpp>
#include <asio/read_until.hpp>
#include <asio/streambuf.hpp>
#include <asio/write.hpp>
#include <chrono>
#include <iostream>
#include <map>
#include <stdexcept>
#include <string>

#if !defined(ASIO_HAS_CO_AWAIT)
int main() {
  std::cerr << "this example needs C++20 coroutines in Asio (with Clang: -DASIO_HAS_CO_AWAIT=1 "
               "-DASIO_HAS_STD_COROUTINE=1, as the grit::asio target sets)\n";
}
#else
using namespace std::chrono_literals;
using asio::ip::tcp;

// A response the caller may retry.
struct HttpError : std::runtime_error {
  int status;
  explicit HttpError(int s) : std::runtime_error("HTTP " + std::to_string(s)), status(s) {}
};

// 5xx is transient; 4xx is not (RetryIf: the predicate sees the exception).
struct ServerErrors {
  bool operator()(const HttpError& e) const { return e.status >= 500; }
};
using PageRetry = grit::Retrying<grit::RetryIf<ServerErrors>, grit::RetryOn<std::system_error>, grit::stop::Attempts<5>,
                                 grit::stop::Timeout<10s>, grit::wait::Exponential<20ms, 1s>,
                                 grit::jitter::Additive<10ms>, grit::Name<"fetch_page"> >;

// The server: one request per connection; each path fails twice with 503, then answers 200.
asio::awaitable<void> serve(tcp::acceptor& acceptor, std::map<std::string, int>& seen) {
  for (;;) {
    tcp::socket socket = co_await acceptor.async_accept(asio::use_awaitable);
    asio::streambuf request;
    co_await asio::async_read_until(socket, request, "\r\n\r\n", asio::use_awaitable);
    std::istream in(&request);
    std::string method, path;
    in >> method >> path;
    const int n = ++seen[path];
    const std::string body = n <= 2 ? "busy" : "page " + path + " after " + std::to_string(n) + " requests";
    const std::string status = n <= 2 ? "503 Service Unavailable" : "200 OK";
    const std::string response = "HTTP/1.1 " + status + "\r\nContent-Length: " + std::to_string(body.size()) +
                                 "\r\nConnection: close\r\n\r\n" + body;
    co_await asio::async_write(socket, asio::buffer(response), asio::use_awaitable);
  }
}

// One attempt: a minimal HTTP/1.1 GET, the whole response read until the server closes.
asio::awaitable<std::string> get(tcp::endpoint server, std::string path) {
  tcp::socket socket(co_await asio::this_coro::executor);
  co_await socket.async_connect(server, asio::use_awaitable);
  const std::string request = "GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n";
  co_await asio::async_write(socket, asio::buffer(request), asio::use_awaitable);
  std::string response;
  asio::error_code ec;
  co_await asio::async_read(socket, asio::dynamic_buffer(response), asio::redirect_error(asio::use_awaitable, ec));
  if (ec && ec != asio::error::eof) throw std::system_error(ec);
  const int status = std::stoi(response.substr(9, 3));
  if (status != 200) throw HttpError(status);
  co_return response.substr(response.find("\r\n\r\n") + 4);
}

asio::awaitable<void> poll(tcp::endpoint server) {
  for (const std::string path : {"/users", "/orders"}) {
    grit::asio::Attempt last{};
    const std::string body = co_await grit::asio::co_retry(PageRetry{}, [&](const grit::asio::Attempt& attempt) {
      last = attempt;
      return get(server, path);
    });
    std::cout << path << ": " << body << "  (attempt " << last.number << ")\n";
  }
}

int main() {
  asio::io_context io;
  tcp::acceptor acceptor(io, tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0));
  std::map<std::string, int> seen;
  asio::co_spawn(io, serve(acceptor, seen), asio::detached);
  asio::co_spawn(io, poll(acceptor.local_endpoint()), [&](std::exception_ptr failure) {
    if (failure) {
      try {
        std::rethrow_exception(failure);
      } catch (const std::exception& e) {
        std::cerr << "gave up: " << e.what() << "\n";
      }
    }
    io.stop();  // the server would accept forever
  });
  io.run();
}
#endif
