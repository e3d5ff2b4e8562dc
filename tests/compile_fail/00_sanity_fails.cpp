// expect-error: grit: sanity
// The harness's own check: a file with an expectation must fail with a matching message.
static_assert(sizeof(int) == 0, "grit: sanity");
