#pragma once

#include <optional>
#include <string>

namespace lifecycle::testing {

// GET http://127.0.0.1:<port><path> over plain HTTP/1.0; the body of a 200
// answer, or nullopt when the server is unreachable or answers otherwise.
std::optional<std::string> HttpGet(int port, const std::string& path);

}  // namespace lifecycle::testing
