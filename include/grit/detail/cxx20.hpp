// grit needs C++20 (concepts, class-type template arguments). Included first by the lowest headers (category.hpp,
// detail/arithmetic.hpp), so every include path meets this check before any C++20 code: an older standard gets one
// grit: line instead of hundreds of errors from the code below it.
#pragma once

#if __cplusplus < 202002L
#error "grit: needs C++20 (-std=c++20 or later)"
// #error does not end the compilation; a missing file does, so nothing after the message is compiled.
#include "grit: compilation stopped (see the error above)"
#endif
