// grit: retries composed at compile time. Includes the core; optional integrations have their own headers.
#pragma once

#include "category.hpp"
#include "clock.hpp"
#include "filter.hpp"
#include "jitter.hpp"
#include "name.hpp"
#include "random.hpp"
#include "retrying.hpp"
#include "schedule.hpp"
#include "sink.hpp"
#include "stop.hpp"
#include "switches.hpp"
#include "testing.hpp"
#include "values.hpp"
#include "version.hpp"
#include "wait.hpp"
