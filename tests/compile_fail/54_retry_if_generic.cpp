// expect-error: grit: RetryIf's predicate must name the exception type it takes
// A generic predicate: nothing says what to catch, and its body (e.status) fits no exception grit could pick.
#include <grit/grit.hpp>

#include <stdexcept>

using namespace std::chrono_literals;

struct E : std::runtime_error {
  using std::runtime_error::runtime_error;
};

struct HttpError : std::runtime_error {
  int status = 503;
  HttpError() : std::runtime_error("503") {}
};
auto is_server_error = [](const auto& e) { return e.status >= 500; };
grit::Retrying<grit::RetryIf<decltype(is_server_error)>> retry{grit::RetryIf{is_server_error}};
int g() {
  return retry([] { return 1; });
}
