// The output of `session stats` (cmd/session.cpp binds its flags and runs the scan).
#pragma once

#include <cstddef>

#include "context.hpp"
#include "session/session_stats.hpp"

namespace redisops {

/// Prints `st` as JSON (--json) or as tables; returns the exit code.
int print_session_stats(Context& ctx, const SessionStats& st, LayoutKind layout, size_t top_n);

}  // namespace redisops
