#pragma once

#include <string_view>

namespace lifecycle::gateway {

// A file of the support console (server/console/), compiled into the binary
// by embed_console.cmake so the server needs no files on disk.
struct ConsoleAsset {
  std::string_view content_type;
  std::string_view body;
};

// "index.html", "console.js", ...; nullptr when there is no such file.
const ConsoleAsset* FindConsoleAsset(std::string_view name);

}  // namespace lifecycle::gateway
