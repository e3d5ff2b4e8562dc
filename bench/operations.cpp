// The functions under test, in their own translation unit so that no contender can see through them.
#include "cases.hpp"

namespace bench {

int failures_left = 0;
int value = 42;

int throwing_op() {
  if (failures_left > 0) {
    --failures_left;
    throw Transient();
  }
  return value;
}

Outcome returning_op() {
  if (failures_left > 0) {
    --failures_left;
    return Outcome::failure(11);
  }
  return Outcome::success(value);
}

}  // namespace bench
