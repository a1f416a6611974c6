#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

#include "storage/resegment_store.h"
#include "storage/session.h"

namespace lifecycle::app {

// Runs re-segmentation jobs in the background: `workers` threads, each on
// its own connection, one batch per transaction. A job's customers are cut
// into slices (storage::ResegmentStore::CreateJob), and each worker takes a
// slice no one else holds, so the workers share one job. Jobs live in the
// database, so a job interrupted by a restart (or running on another
// replica) resumes from each slice's last committed batch; two runners never
// apply the same batch (the slice row is locked).
class ResegmentRunner {
 public:
  ResegmentRunner(storage::SessionOptions session, std::chrono::milliseconds poll_interval,
                  int batch_size, int workers);
  ~ResegmentRunner();  // Stop()

  // A job was created: look now instead of at the next poll.
  void Wake();
  // Finishes the batch in progress, then stops.
  void Stop();

 private:
  void Loop(storage::Session& session);
  // Runs every running job to its end (or until stopping); false if the
  // database could not be reached.
  bool RunJobs(storage::Session& session);
  void RunJob(storage::Session& session, const storage::JobRef& job);
  bool stopping();

  std::chrono::milliseconds poll_interval_;
  int batch_size_;
  std::mutex mutex_;
  std::condition_variable wake_;
  std::uint64_t wakes_ = 0;  // each worker compares it with the count it last saw
  bool stopping_ = false;
  std::vector<std::unique_ptr<storage::Session>> sessions_;
  std::vector<std::thread> threads_;
};

}  // namespace lifecycle::app
