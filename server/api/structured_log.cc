#include "server/api/structured_log.h"

#include <atomic>
#include <chrono>
#include <ctime>
#include <nlohmann/json.hpp>

namespace lifecycle::api {
namespace {

std::atomic<LogFormat> g_format{LogFormat::kText};

bool NeedsQuotes(const std::string& value) {
  return value.empty() || value.find_first_of(" \"=\t\n") != std::string::npos;
}

// RFC 3339 UTC with milliseconds.
std::string TimestampNow() {
  const auto now = std::chrono::system_clock::now();
  const std::time_t seconds = std::chrono::system_clock::to_time_t(now);
  const auto millis =
      std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()).count() % 1000;
  std::tm utc{};
  gmtime_r(&seconds, &utc);
  char text[40];
  std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%S", &utc);
  char full[48];
  std::snprintf(full, sizeof full, "%s.%03lldZ", text, static_cast<long long>(millis));
  return full;
}

}  // namespace

void SetLogFormat(LogFormat format) { g_format = format; }

void LogEvent(spdlog::level::level_enum level, std::string_view event,
              std::initializer_list<LogField> fields) {
  if (!spdlog::should_log(level)) return;
  std::string line;
  if (g_format == LogFormat::kJson) {
    nlohmann::json object;
    object["time"] = TimestampNow();
    object["level"] = std::string(spdlog::level::to_string_view(level).data(),
                                  spdlog::level::to_string_view(level).size());
    object["event"] = event;
    for (const auto& [key, value] : fields) {
      if (!value.empty()) object[std::string(key)] = value;
    }
    line = object.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  } else {
    line = std::string(event);
    for (const auto& [key, value] : fields) {
      if (value.empty()) continue;  // absent, not worth a column
      line += ' ';
      line += key;
      line += '=';
      line += NeedsQuotes(value) ? nlohmann::json(value).dump(
                                       -1, ' ', false, nlohmann::json::error_handler_t::replace)
                                 : value;
    }
  }
  spdlog::log(level, "{}", line);
}

}  // namespace lifecycle::api
