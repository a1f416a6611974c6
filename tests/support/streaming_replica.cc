#include "tests/support/streaming_replica.h"

#include <netinet/in.h>
#include <pwd.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <pqxx/pqxx>
#include <sstream>
#include <stdexcept>
#include <thread>

#include "tests/support/test_database.h"

namespace lifecycle::testing {
namespace {

constexpr const char* kSlot = "lifecycle_test_replica";

std::string Quoted(const std::string& text) {
  std::string quoted = "'";
  for (const char c : text) {
    if (c == '\'') {
      quoted += "'\\''";
    } else {
      quoted += c;
    }
  }
  return quoted + "'";
}

// A port nobody listens on now. The replica only uses it to name its unix
// socket, so a later clash on TCP cannot hurt.
int FreePort() {
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t length = sizeof address;
  if (bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0 ||
      getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length) != 0) {
    close(fd);
    throw std::runtime_error("cannot find a free port");
  }
  const int port = ntohs(address.sin_port);
  close(fd);
  return port;
}

void DropSlot() {
  pqxx::connection admin(AdminDsn());
  pqxx::nontransaction tx(admin);
  tx.exec_params(
      "SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots "
      "WHERE slot_name = $1 AND NOT active",
      kSlot);
}

}  // namespace

StreamingReplica::StreamingReplica() : bin_("/usr/lib/postgresql/15/bin"), port_(FreePort()) {
  std::string pattern = "/tmp/lifecycled-replica-XXXXXX";
  if (mkdtemp(pattern.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
  dir_ = pattern;
  if (geteuid() == 0) {
    const passwd* postgres = getpwnam("postgres");
    if (postgres == nullptr) throw std::runtime_error("no postgres user");
    if (chown(dir_.c_str(), postgres->pw_uid, postgres->pw_gid) != 0) {
      throw std::runtime_error("cannot give " + dir_ + " to postgres");
    }
  }
  DropSlot();  // left behind by a run that crashed
  RunAsPostgres(bin_ + "/pg_basebackup -d " + Quoted(AdminDsn()) + " -D " + Quoted(dir_ + "/data") +
                " -R -X stream -C -S " + kSlot + " -c fast");
  Start();
}

StreamingReplica::~StreamingReplica() {
  try {
    Stop();
    DropSlot();
  } catch (const std::exception&) {
    // Best effort: the next run drops a slot left behind.
  }
  std::error_code ignored;
  std::filesystem::remove_all(dir_, ignored);
}

std::string StreamingReplica::DsnFor(const std::string& primary_dsn) const {
  return WithDsnParameter(WithDsnParameter(primary_dsn, "host", dir_), "port",
                          std::to_string(port_));
}

void StreamingReplica::Start() {
  if (running_) return;
  // max_connections must be at least the primary's (scripts/lib/common.sh).
  const std::string options = "-p " + std::to_string(port_) + " -k " + dir_ +
                              " -c listen_addresses= -c max_connections=400"
                              " -c shared_buffers=128MB -c fsync=off -c hot_standby=on";
  RunAsPostgres(bin_ + "/pg_ctl -D " + Quoted(dir_ + "/data") + " -l " +
                Quoted(dir_ + "/postgres.log") + " -w -t 120 -o " + Quoted(options) + " start");
  running_ = true;
}

void StreamingReplica::Stop() {
  if (!running_) return;
  running_ = false;
  RunAsPostgres(bin_ + "/pg_ctl -D " + Quoted(dir_ + "/data") + " -m fast -w -t 60 stop");
}

void StreamingReplica::PauseReplay() { Scalar(DsnFor(AdminDsn()), "SELECT pg_wal_replay_pause()"); }

void StreamingReplica::ResumeReplay() {
  Scalar(DsnFor(AdminDsn()), "SELECT pg_wal_replay_resume()");
}

void StreamingReplica::WaitUntilCaughtUp() {
  // The insert position: it includes commits not yet written out. The test
  // cluster commits asynchronously (synchronous_commit=off), so the write
  // position (pg_current_wal_lsn) may still be before the test's last
  // commit; the WAL writer flushes it within wal_writer_delay, then it
  // streams to the replica.
  const std::string target = Scalar(AdminDsn(), "SELECT pg_current_wal_insert_lsn()::text");
  const auto give_up = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  while (Scalar(DsnFor(AdminDsn()),
                "SELECT pg_last_wal_replay_lsn() >= '" + target + "'::pg_lsn") != "t") {
    if (std::chrono::steady_clock::now() > give_up) {
      throw std::runtime_error("the replica did not catch up with " + target);
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
}

void StreamingReplica::RunAsPostgres(const std::string& command) const {
  const std::string log = dir_ + "/commands.log";
  const std::string as_postgres = geteuid() == 0 ? "runuser -u postgres -- " : "";
  const std::string line =
      "cd / && " + as_postgres + "sh -c " + Quoted(command) + " >>" + Quoted(log) + " 2>&1";
  if (std::system(line.c_str()) != 0) {
    std::ifstream in(log);
    std::stringstream output;
    output << in.rdbuf();
    throw std::runtime_error("failed: " + command + "\n" + output.str());
  }
}

std::string StreamingReplica::Scalar(const std::string& dsn, const std::string& sql) const {
  pqxx::connection connection(dsn);
  pqxx::nontransaction tx(connection);
  const auto result = tx.exec(sql);
  return result.empty() || result[0][0].is_null() ? "" : result[0][0].c_str();
}

}  // namespace lifecycle::testing
