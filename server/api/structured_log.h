#pragma once

#include <spdlog/spdlog.h>

#include <initializer_list>
#include <string>
#include <string_view>
#include <utility>

namespace lifecycle::api {

enum class LogFormat { kText, kJson };

// Chosen once at start-up, before any call is served.
void SetLogFormat(LogFormat format);

using LogField = std::pair<std::string_view, std::string>;

// One log line with named fields: `event k=v ...` as text, or one JSON
// object per line (fields escaped properly, which spdlog patterns do not do).
// Fields with empty values are left out.
void LogEvent(spdlog::level::level_enum level, std::string_view event,
              std::initializer_list<LogField> fields);

}  // namespace lifecycle::api
