// expect-error: grit: a Retrying takes one budget policy
#include <grit/grit.hpp>

#include <stdexcept>

inline grit::budget::TokenBucket a{{.max_tokens = 10, .token_ratio = 0.1}};
inline grit::budget::TokenBucket b{{.max_tokens = 10, .token_ratio = 0.1}};
int main() {
  const grit::Retrying<grit::RetryOn<std::runtime_error>, grit::budget::Shared<a>, grit::budget::Shared<b>> retry;
  return retry([] { return 0; });
}
