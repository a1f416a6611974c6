#pragma once

#include <memory>
#include <random>
#include <vector>

#include "tests/bench/scenario.h"

namespace lifecycle::bench {

// A stub and a random generator per worker thread, so workers share nothing
// but the channel they own.
template <class Service>
class PerWorker {
 public:
  explicit PerWorker(const Target& target) {
    for (std::size_t i = 0; i < target.channels.size(); ++i) {
      stubs_.push_back(Service::NewStub(target.channels[i]));
      rngs_.emplace_back(0x5eed + i);
    }
  }
  typename Service::Stub& stub(int worker) { return *stubs_[worker]; }
  std::mt19937_64& rng(int worker) { return rngs_[worker]; }

 private:
  std::vector<std::unique_ptr<typename Service::Stub>> stubs_;
  std::vector<std::mt19937_64> rngs_;
};

}  // namespace lifecycle::bench
