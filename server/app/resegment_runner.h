#pragma once

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <thread>

#include "storage/resegment_store.h"
#include "storage/session.h"

namespace lifecycle::app {

// Runs re-segmentation jobs in the background on its own connection, one
// batch per transaction. Jobs live in the database, so a job interrupted by
// a restart (or running on another replica) resumes from its last committed
// batch; two runners never apply the same batch (the job row is locked).
class ResegmentRunner {
 public:
  ResegmentRunner(storage::SessionOptions session, std::chrono::milliseconds poll_interval,
                  int batch_size);
  ~ResegmentRunner();  // Stop()

  // A job was created: look now instead of at the next poll.
  void Wake();
  // Finishes the batch in progress, then stops.
  void Stop();

 private:
  void Loop();
  // Runs every running job to its end (or until stopping); false if the
  // database could not be reached.
  bool RunJobs();
  void RunJob(const storage::JobRef& job);
  bool stopping();

  storage::Session session_;
  std::chrono::milliseconds poll_interval_;
  int batch_size_;
  std::mutex mutex_;
  std::condition_variable wake_;
  bool woken_ = false;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace lifecycle::app
