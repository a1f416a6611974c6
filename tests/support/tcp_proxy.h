#pragma once

#include <atomic>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace lifecycle::testing {

// A loopback TCP proxy in front of the test PostgreSQL, so one test can make
// "its" database vanish and come back without stopping the shared cluster
// the other tests use. While cut, open connections are closed and new ones
// are accepted and closed at once, which is what a client sees when the
// database server goes down.
class TcpProxy {
 public:
  // Forwards to the server named by a libpq DSN (host = socket dir or IP).
  explicit TcpProxy(const std::string& upstream_dsn);
  ~TcpProxy();

  // The DSN to give the service: the upstream one, pointed at the proxy.
  std::string Dsn() const;
  void Cut();
  void Restore();

 private:
  void AcceptLoop();
  int ConnectUpstream() const;
  void Pump(int client, int upstream);

  std::string upstream_dsn_;
  std::string upstream_host_;
  int upstream_port_ = 5432;
  int listen_fd_ = -1;
  int port_ = 0;
  std::atomic<bool> cut_{false};
  std::atomic<bool> stopping_{false};
  std::mutex mutex_;
  std::vector<int> open_fds_;
  std::vector<std::thread> threads_;
  std::thread acceptor_;
};

}  // namespace lifecycle::testing
