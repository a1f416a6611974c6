#include "server/app/resegment_runner.h"

#include <algorithm>

#include "server/api/structured_log.h"
#include "server/domain/error.h"

namespace lifecycle::app {
namespace {

// A batch of 10k customers takes well under a second; the bound is for a
// pathological rule, after which the job fails instead of hanging.
constexpr std::chrono::milliseconds kBatchTimeout{120000};

// The runner's connection allows a batch the batch timeout, whatever
// --statement-timeout-ms (which bounds calls) says.
storage::SessionOptions ForBatches(storage::SessionOptions options) {
  options.default_statement_timeout = std::max(options.default_statement_timeout, kBatchTimeout);
  return options;
}

}  // namespace

ResegmentRunner::ResegmentRunner(storage::SessionOptions session,
                                 std::chrono::milliseconds poll_interval, int batch_size,
                                 int workers)
    : poll_interval_(poll_interval), batch_size_(batch_size) {
  for (int i = 0; i < workers; ++i) {
    sessions_.push_back(std::make_unique<storage::Session>(ForBatches(session)));
  }
  for (auto& worker_session : sessions_) {
    threads_.emplace_back([this, &worker_session = *worker_session] { Loop(worker_session); });
  }
}

ResegmentRunner::~ResegmentRunner() { Stop(); }

void ResegmentRunner::Wake() {
  {
    std::lock_guard lock(mutex_);
    ++wakes_;
  }
  wake_.notify_all();
}

void ResegmentRunner::Stop() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  for (auto& thread : threads_) {
    if (thread.joinable()) thread.join();
  }
}

bool ResegmentRunner::stopping() {
  std::lock_guard lock(mutex_);
  return stopping_;
}

void ResegmentRunner::Loop(storage::Session& session) {
  std::uint64_t seen = 0;
  for (;;) {
    {
      std::lock_guard lock(mutex_);
      seen = wakes_;
    }
    RunJobs(session);
    std::unique_lock lock(mutex_);
    wake_.wait_for(lock, poll_interval_, [&] { return stopping_ || wakes_ != seen; });
    if (stopping_) return;
  }
}

bool ResegmentRunner::RunJobs(storage::Session& session) {
  try {
    const auto jobs = session.Run(
        storage::TxOptions{.single_read = true},
        [](storage::Transaction& tx) { return storage::ResegmentStore(tx).RunningJobs(16); });
    for (const auto& job : jobs) {
      if (stopping()) break;
      RunJob(session, job);
    }
    return true;
  } catch (const domain::Error& error) {
    // The database is away; the health monitor reports it. Try next poll.
    return false;
  }
}

void ResegmentRunner::RunJob(storage::Session& session, const storage::JobRef& job) {
  api::LogEvent(spdlog::level::info, "resegment",
                {{"tenant", job.tenant_id}, {"job", job.job_id}, {"status", "running"}});
  bool more = true;
  try {
    while (more && !stopping()) {
      more =
          session.Run(storage::TxOptions{.timeout = kBatchTimeout}, [&](storage::Transaction& tx) {
            return storage::ResegmentStore(tx).RunBatch(job, batch_size_);
          });
    }
  } catch (const domain::Error& error) {
    if (error.code() == domain::ErrorCode::kUnavailable) return;  // resumes when it is back
    api::LogEvent(spdlog::level::err, "resegment",
                  {{"tenant", job.tenant_id}, {"job", job.job_id}, {"error", error.message()}});
    try {
      session.Run(storage::TxOptions{}, [&](storage::Transaction& tx) {
        storage::ResegmentStore(tx).FailJob(job, error.message());
      });
    } catch (const domain::Error&) {
      // Still RUNNING: the next poll tries the job again.
    }
    return;
  }
  api::LogEvent(spdlog::level::info, "resegment",
                {{"tenant", job.tenant_id},
                 {"job", job.job_id},
                 {"status", more ? "paused (stopping)" : "no slice left for this worker"}});
}

}  // namespace lifecycle::app
