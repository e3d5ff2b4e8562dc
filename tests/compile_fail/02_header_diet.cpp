// The core's headers do without <functional> and <memory> (they were a third of what grit's headers cost to compile
// on top of a hand-written loop's: docs/performance.md §4). grit's own RetryHook, detail::Shared and MemberCall stand
// in for std::function, std::shared_ptr and std::invoke; this file fails to compile if a header brings either back.
#include <grit/grit.hpp>
#if defined(_GLIBCXX_FUNCTIONAL)
#error "grit: a core header includes <functional>; use grit::RetryHook or detail::MemberCall instead"
#endif
#if defined(_GLIBCXX_MEMORY)
#error "grit: a core header includes <memory>; use detail::Shared instead"
#endif
int main() {}
