#pragma once

#include <string>

#include "tests/support/server_process.h"

namespace lifecycle::testing {

// Runs `command` with /bin/sh to completion: its exit status (-1 if it did
// not exit normally) and everything it printed, stdout and stderr together.
CommandResult RunShell(const std::string& command);

}  // namespace lifecycle::testing
