#include "tests/support/tcp_proxy.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <algorithm>
#include <cstring>
#include <regex>
#include <stdexcept>

#include "tests/support/test_database.h"

namespace lifecycle::testing {
namespace {

std::string DsnValue(const std::string& dsn, const std::string& key, const std::string& fallback) {
  std::smatch match;
  if (std::regex_search(dsn, match, std::regex("(^|\\s)" + key + "=(\\S+)"))) return match[2];
  return fallback;
}

}  // namespace

TcpProxy::TcpProxy(const std::string& upstream_dsn) : upstream_dsn_(upstream_dsn) {
  upstream_host_ = DsnValue(upstream_dsn, "host", "/var/run/postgresql");
  upstream_port_ = std::stoi(DsnValue(upstream_dsn, "port", "5432"));
  listen_fd_ = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (bind(listen_fd_, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0 ||
      listen(listen_fd_, 64) != 0) {
    throw std::runtime_error("proxy: cannot listen");
  }
  socklen_t length = sizeof address;
  getsockname(listen_fd_, reinterpret_cast<sockaddr*>(&address), &length);
  port_ = ntohs(address.sin_port);
  acceptor_ = std::thread([this] { AcceptLoop(); });
}

TcpProxy::~TcpProxy() {
  stopping_ = true;
  shutdown(listen_fd_, SHUT_RDWR);
  close(listen_fd_);
  Cut();
  acceptor_.join();
  for (auto& thread : threads_) thread.join();
}

std::string TcpProxy::Dsn() const {
  return WithDsnParameter(WithDsnParameter(upstream_dsn_, "host", "127.0.0.1"), "port",
                          std::to_string(port_));
}

void TcpProxy::Cut() {
  cut_ = true;
  std::lock_guard lock(mutex_);
  for (int fd : open_fds_) shutdown(fd, SHUT_RDWR);
}

void TcpProxy::Restore() { cut_ = false; }

int TcpProxy::ConnectUpstream() const {
  if (upstream_host_.front() == '/') {
    const int fd = socket(AF_UNIX, SOCK_STREAM, 0);
    sockaddr_un address{};
    address.sun_family = AF_UNIX;
    const std::string path = upstream_host_ + "/.s.PGSQL." + std::to_string(upstream_port_);
    std::strncpy(address.sun_path, path.c_str(), sizeof address.sun_path - 1);
    if (connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0) {
      close(fd);
      return -1;
    }
    return fd;
  }
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(static_cast<uint16_t>(upstream_port_));
  inet_pton(AF_INET, upstream_host_.c_str(), &address.sin_addr);
  if (connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0) {
    close(fd);
    return -1;
  }
  return fd;
}

void TcpProxy::AcceptLoop() {
  while (!stopping_) {
    const int client = accept(listen_fd_, nullptr, nullptr);
    if (client < 0) continue;
    if (stopping_) {
      close(client);
      return;
    }
    const int upstream = cut_ ? -1 : ConnectUpstream();
    if (upstream < 0) {
      close(client);
      continue;
    }
    std::lock_guard lock(mutex_);
    open_fds_.push_back(client);
    open_fds_.push_back(upstream);
    threads_.emplace_back([this, client, upstream] { Pump(client, upstream); });
  }
}

void TcpProxy::Pump(int client, int upstream) {
  pollfd fds[2] = {{client, POLLIN, 0}, {upstream, POLLIN, 0}};
  char buffer[16384];
  while (!cut_ && !stopping_) {
    if (poll(fds, 2, 100) < 0) break;
    bool closed = false;
    for (int i = 0; i < 2; ++i) {
      if (fds[i].revents & (POLLIN | POLLHUP | POLLERR)) {
        const ssize_t n = read(fds[i].fd, buffer, sizeof buffer);
        // MSG_NOSIGNAL: a peer closed by Cut() must not raise SIGPIPE.
        if (n <= 0 || send(fds[1 - i].fd, buffer, static_cast<size_t>(n), MSG_NOSIGNAL) != n) {
          closed = true;
        }
      }
    }
    if (closed) break;
  }
  std::lock_guard lock(mutex_);
  for (int fd : {client, upstream}) {
    close(fd);
    open_fds_.erase(std::remove(open_fds_.begin(), open_fds_.end(), fd), open_fds_.end());
  }
}

}  // namespace lifecycle::testing
