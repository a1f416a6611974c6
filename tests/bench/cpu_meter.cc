#include "tests/bench/cpu_meter.h"

#include <sys/resource.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

namespace lifecycle::bench {
namespace {

struct ProcStat {
  pid_t parent = 0;
  double cpu_s = 0;              // utime + stime
  double reaped_children_s = 0;  // cutime + cstime: children that ended
};

// Fields 4 (ppid), 14-17 (utime, stime, cutime, cstime) of /proc/<pid>/stat.
// The command name (field 2) may hold spaces, so parsing starts after its ')'.
bool ReadProcStat(pid_t pid, ProcStat* out) {
  std::ifstream file("/proc/" + std::to_string(pid) + "/stat");
  std::string text;
  if (!std::getline(file, text)) return false;
  const auto close = text.rfind(')');
  if (close == std::string::npos) return false;
  std::istringstream fields(text.substr(close + 2));
  std::string state;
  long long parent = 0, skip = 0, utime = 0, stime = 0, cutime = 0, cstime = 0;
  fields >> state >> parent;
  for (int field = 5; field <= 13; ++field) fields >> skip;
  fields >> utime >> stime >> cutime >> cstime;
  if (!fields) return false;
  static const double ticks_per_s = static_cast<double>(sysconf(_SC_CLK_TCK));
  out->parent = static_cast<pid_t>(parent);
  out->cpu_s = static_cast<double>(utime + stime) / ticks_per_s;
  out->reaped_children_s = static_cast<double>(cutime + cstime) / ticks_per_s;
  return true;
}

double ProcessCpu(pid_t pid) {
  ProcStat stat;
  return pid != 0 && ReadProcStat(pid, &stat) ? stat.cpu_s : 0;
}

// The postmaster plus its direct children (PostgreSQL forks every backend
// and auxiliary process from the postmaster), counting children that ended
// (a backend whose connection closed) through the postmaster's cutime.
double ProcessTreeCpu(pid_t root) {
  ProcStat root_stat;
  if (root == 0 || !ReadProcStat(root, &root_stat)) return 0;
  double total = root_stat.cpu_s + root_stat.reaped_children_s;
  for (const auto& entry : std::filesystem::directory_iterator("/proc")) {
    const std::string name = entry.path().filename();
    if (name.find_first_not_of("0123456789") != std::string::npos) continue;
    ProcStat stat;
    if (ReadProcStat(std::stoi(name), &stat) && stat.parent == root) total += stat.cpu_s;
  }
  return total;
}

double SelfCpu() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  const auto seconds = [](const timeval& t) { return t.tv_sec + t.tv_usec / 1e6; };
  return seconds(usage.ru_utime) + seconds(usage.ru_stime);
}

}  // namespace

CpuMeter::CpuMeter(pid_t server_pid, pid_t postmaster_pid)
    : server_pid_(server_pid), postmaster_pid_(postmaster_pid), start_(Take()) {}

CpuMeter::Sample CpuMeter::Take() const {
  return Sample{.server_s = ProcessCpu(server_pid_),
                .postgres_s = ProcessTreeCpu(postmaster_pid_),
                .client_s = SelfCpu()};
}

CpuPerCall CpuMeter::PerCall(long long calls) const {
  if (calls <= 0) return {};
  const Sample end = Take();
  const auto per_call_us = [calls](double from, double to) { return (to - from) * 1e6 / calls; };
  return CpuPerCall{.server_us = per_call_us(start_.server_s, end.server_s),
                    .postgres_us = per_call_us(start_.postgres_s, end.postgres_s),
                    .client_us = per_call_us(start_.client_s, end.client_s)};
}

}  // namespace lifecycle::bench
