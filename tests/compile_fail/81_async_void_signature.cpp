// expect-error: grit: async_retry needs a completion signature void\(error_code, T...\)
// async_retry on an operation completing with void(): nothing to tell a failure by.
#include <asio/io_context.hpp>
#include <grit/asio.hpp>
#include <stdexcept>

int main() {
  asio::io_context io;
  grit::asio::async_retry(
      grit::Retrying<grit::RetryOn<std::runtime_error>>{}, io,
      [](auto&& token) { return asio::async_initiate<decltype(token), void()>([](auto) {}, token); }, [] {});
}
