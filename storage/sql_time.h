#pragma once

// Timestamps cross the SQL boundary as microseconds since the Unix epoch
// (bigint), which is exact for timestamptz and needs no parsing.

#include <chrono>
#include <cstdint>

namespace lifecycle::storage {

using Timestamp = std::chrono::system_clock::time_point;

Timestamp FromEpochMicros(std::int64_t micros);
std::int64_t ToEpochMicros(Timestamp time);

// SQL fragment that reads a timestamptz column as epoch microseconds.
#define LC_SQL_MICROS(column) "(extract(epoch FROM " column ") * 1000000)::bigint"
// SQL fragment that turns a bigint parameter of epoch microseconds into a
// timestamptz exactly (to_timestamp() goes through a double and can be off
// by a microsecond, which breaks keyset pagination). NULL stays NULL.
#define LC_SQL_FROM_MICROS(param) \
  "('epoch'::timestamptz + " param "::bigint * interval '1 microsecond')"

}  // namespace lifecycle::storage
