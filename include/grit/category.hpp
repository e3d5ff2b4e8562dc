// The categories a policy can belong to. A policy says which with a member alias,
//
//   struct MyStop : grit::stop::Base {};                         // the base brings the tag, or:
//   struct MyWait { using grit_category = grit::category::wait; /* delay, initial, max */ };
//
// and Retrying sorts its policies by it. The tag is explicit, not inferred from the members, so that a type never
// lands in a category by accident, and one that claims a category but lacks a member gets a grit: message naming
// the concept (grit::StopPolicy, grit::WaitPolicy, ...: each in its category's header).
#pragma once

#include "detail/cxx20.hpp"

namespace grit::category {
struct filter {};   // filter.hpp: which failures are transient
struct stop {};     // stop.hpp: when to give up
struct wait {};     // wait.hpp: the backoff
struct jitter {};   // jitter.hpp: randomness added to the backoff
struct random {};   // random.hpp: where the jitter's random bits come from
struct sink {};     // sink.hpp: where instrumentation goes
struct clock {};    // clock.hpp: "now", and how a wait is carried out
struct name {};     // name.hpp: what instrumentation calls the call
struct attempt {};  // attempt.hpp: how long one attempt may take (drivers that can cancel an attempt)
struct budget {};   // budget.hpp: a limit on retries shared by many calls
}  // namespace grit::category
