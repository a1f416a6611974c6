#include "tests/support/server_process.h"

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <thread>

namespace lifecycle::testing {
namespace {

std::string Binary() {
  const char* bin = std::getenv("LIFECYCLE_BIN");
  if (bin == nullptr || *bin == '\0') {
    throw std::runtime_error("LIFECYCLE_BIN is not set: run the suite through ./scripts/test");
  }
  return bin;
}

std::string MakeTempDir() {
  std::string pattern = (std::filesystem::temp_directory_path() / "lifecycled-test-XXXXXX");
  if (mkdtemp(pattern.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
  return pattern;
}

std::string ReadFile(const std::string& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

// fork + exec with stdout and stderr sent to `output_path`.
pid_t Spawn(const std::vector<std::string>& args, const std::vector<std::string>& env,
            const std::string& output_path) {
  const pid_t pid = fork();
  if (pid < 0) throw std::runtime_error("fork failed");
  if (pid == 0) {
    FILE* out = std::fopen(output_path.c_str(), "w");
    if (out != nullptr) {
      dup2(fileno(out), STDOUT_FILENO);
      dup2(fileno(out), STDERR_FILENO);
    }
    for (const auto& assignment : env) putenv(const_cast<char*>(assignment.c_str()));
    std::vector<char*> argv;
    for (const auto& arg : args) argv.push_back(const_cast<char*>(arg.c_str()));
    argv.push_back(nullptr);
    execv(argv[0], argv.data());
    _exit(127);
  }
  return pid;
}

int WaitExit(pid_t pid) {
  int status = 0;
  waitpid(pid, &status, 0);
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

}  // namespace

ServerProcess::ServerProcess(const std::string& dsn, std::vector<std::string> extra_args)
    : dir_(MakeTempDir()) {
  const std::string port_file = dir_ + "/port";
  std::vector<std::string> args = {Binary(), "--listen",    "127.0.0.1:0", "--dsn",
                                   dsn,      "--port-file", port_file};
  // Test defaults, unless the test sets them itself (a flag may appear once).
  for (const auto& [flag, value] :
       {std::pair<std::string, std::string>{"--health-interval-ms", "100"},
        {"--shutdown-grace", "5"}}) {
    if (std::find(extra_args.begin(), extra_args.end(), flag) == extra_args.end()) {
      args.push_back(flag);
      args.push_back(value);
    }
  }
  // Written (before port_file) only when extra_args has --http-listen.
  args.insert(args.end(), {"--http-port-file", dir_ + "/http-port"});
  // Loopback test servers are plaintext unless the test brings certificates.
  if (std::find(extra_args.begin(), extra_args.end(), "--tls-cert") == extra_args.end()) {
    args.push_back("--plaintext");
  }
  args.insert(args.end(), extra_args.begin(), extra_args.end());
  pid_ = Spawn(args, {}, dir_ + "/server.log");
  const auto give_up = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  while (std::chrono::steady_clock::now() < give_up) {
    const std::string text = ReadFile(port_file);
    if (!text.empty() && text.back() == '\n') {
      port_ = std::stoi(text);
      const std::string http_text = ReadFile(dir_ + "/http-port");
      if (!http_text.empty()) http_port_ = std::stoi(http_text);
      return;
    }
    int status = 0;
    if (waitpid(pid_, &status, WNOHANG) == pid_) {
      pid_ = -1;
      throw std::runtime_error("lifecycled exited during start-up:\n" + Log());
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  Stop();
  throw std::runtime_error("lifecycled did not start within 20 s:\n" + Log());
}

ServerProcess::~ServerProcess() {
  Stop();
  std::error_code ignored;
  std::filesystem::remove_all(dir_, ignored);
}

int ServerProcess::Stop() {
  if (pid_ <= 0) return -1;
  kill(pid_, SIGTERM);
  const int code = WaitExit(pid_);
  pid_ = -1;
  return code;
}

void ServerProcess::Kill() {
  if (pid_ <= 0) return;
  kill(pid_, SIGKILL);
  WaitExit(pid_);
  pid_ = -1;
}

std::string ServerProcess::Log() const { return ReadFile(dir_ + "/server.log"); }

CommandResult RunLifecycled(const std::vector<std::string>& args,
                            const std::vector<std::string>& env) {
  const std::string dir = MakeTempDir();
  std::vector<std::string> full = {Binary()};
  full.insert(full.end(), args.begin(), args.end());
  CommandResult result;
  result.exit_code = WaitExit(Spawn(full, env, dir + "/out"));
  result.output = ReadFile(dir + "/out");
  std::filesystem::remove_all(dir);
  return result;
}

}  // namespace lifecycle::testing
