// Issue 9, item 11: the core without RTTI. Built with -fno-rtti: an exception filter and a result filter together,
// and a sink that names each failure by its static type (the type the filter caught, not the one thrown). CTest
// matches the line printed at the end.
#include <grit/grit.hpp>
#include <grit/testing.hpp>

#include <cstdio>
#include <stdexcept>
#include <string>

// Outside any namespace, so that their names read the same with every compiler.
struct Transient : std::runtime_error {
  using std::runtime_error::runtime_error;
};
struct DerivedTransient : Transient {
  using Transient::Transient;
};
struct Overloaded {
  int code = 503;
};

namespace {

struct Reply {
  int value = 0;
  bool failed = false;
  bool has_value() const noexcept { return !failed; }
  Overloaded error() const noexcept { return {}; }
};

std::string names;
bool typed = false;

struct Recorder : grit::sink::Base {
  void retry_scheduled(const grit::RetryDetails& details) const {
    names += details.caused_by.type_name() + " (" + details.caused_by.message() + "); ";
    typed = typed || details.caused_by.type() != nullptr || details.caused_by.named_by_type();
  }
};

}  // namespace

int main() {
  const grit::Retrying<grit::RetryOn<Transient>, grit::RetryOnError<>, grit::stop::Attempts<5>,
                       grit::testing::VirtualClock, Recorder>
      retry;
  int calls = 0;
  const Reply reply = retry([&] {
    ++calls;
    if (calls == 1) throw DerivedTransient("503 from the derived type");
    if (calls == 2) return Reply{0, true};
    return Reply{42, false};
  });
  std::printf("no rtti: %d attempts, %d; %stype() %s\n", calls, reply.value, names.c_str(), typed ? "set" : "nullptr");
  const bool ok =
      calls == 3 && reply.value == 42 && names == "Transient (503 from the derived type); Overloaded (); " && !typed;
  return ok ? 0 : 1;
}
