#include "storage/sql_time.h"

namespace lifecycle::storage {

Timestamp FromEpochMicros(std::int64_t micros) {
  return Timestamp{
      std::chrono::duration_cast<Timestamp::duration>(std::chrono::microseconds{micros})};
}

std::int64_t ToEpochMicros(Timestamp time) {
  return std::chrono::duration_cast<std::chrono::microseconds>(time.time_since_epoch()).count();
}

}  // namespace lifecycle::storage
