#pragma once

#include <sys/types.h>

#include <string>
#include <vector>

namespace lifecycle::testing {

// The real lifecycled binary (LIFECYCLE_BIN) serving on 127.0.0.1, port 0,
// with --plaintext unless `extra_args` has --tls-cert.
// The constructor returns once the port is bound; the destructor sends
// SIGTERM and waits.
class ServerProcess {
 public:
  explicit ServerProcess(const std::string& dsn, std::vector<std::string> extra_args = {});
  ~ServerProcess();
  ServerProcess(const ServerProcess&) = delete;
  ServerProcess& operator=(const ServerProcess&) = delete;

  int port() const { return port_; }
  // The HTTP gateway's port when started with --http-listen, else 0.
  int http_port() const { return http_port_; }
  pid_t pid() const { return pid_; }
  std::string address() const { return "127.0.0.1:" + std::to_string(port_); }
  // SIGTERM and wait; returns the exit status (or -1 if it was killed).
  int Stop();
  // SIGKILL and wait: the server dies mid-work, as on a crash or OOM kill.
  void Kill();
  // Everything the server logged so far.
  std::string Log() const;

 private:
  pid_t pid_ = -1;
  int port_ = 0;
  int http_port_ = 0;
  std::string dir_;
};

struct CommandResult {
  int exit_code = -1;
  std::string output;  // stdout and stderr together
};

// Runs lifecycled with `args` to completion (for subcommands and --help).
CommandResult RunLifecycled(const std::vector<std::string>& args,
                            const std::vector<std::string>& env = {});

}  // namespace lifecycle::testing
