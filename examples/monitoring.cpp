// The article's monitoring: every scheduled retry is reported (stamina's on-retry hooks), before its wait.
#include <grit/grit.hpp>
#include <iostream>

#include "fake_http.hpp"

using namespace std::chrono_literals;
using AlbumRetry = grit::Retrying<grit::RetryOn<fake_http::HttpError>, grit::stop::Attempts<3>,
                                  grit::wait::Exponential<500ms>, grit::Name<"fetch_album">>;

int main() {
  grit::instrumentation::set_on_retry_hooks({[](const grit::RetryDetails& retry) {
    std::clog << "WARNING grit.retry_scheduled callable=" << retry.name << " retry_num=" << retry.retry_num
              << " caused_by=" << retry.caused_by.type_name() << "(" << retry.caused_by.message() << ")"
              << " wait_for=" << std::chrono::duration<double>(retry.wait_for).count() << "s"
              << " waited_so_far=" << std::chrono::duration<double>(retry.waited_so_far).count() << "s\n";
  }});

  fake_http::fail_next("https://jsonplaceholder.typicode.com/albums/1", 1);
  std::cout << AlbumRetry{}(fake_http::get, "https://jsonplaceholder.typicode.com/albums/1") << '\n';
}
