// expect-error: grit: this operation's completion has no error and no result filter can fail it
// async_retry on an operation completing with void(int) and only exception filters: nothing could ever fail.
#include <asio/io_context.hpp>
#include <grit/asio.hpp>
#include <stdexcept>

int main() {
  asio::io_context io;
  grit::asio::async_retry(
      grit::Retrying<grit::RetryOn<std::runtime_error>>{}, io,
      [](auto&& token) { return asio::async_initiate<decltype(token), void(int)>([](auto) {}, token); }, [](int) {});
}
