#pragma once

#include <set>
#include <string>
#include <vector>

namespace lifecycle::testing {

// One flag (--listen) or environment variable (LIFECYCLE_DSN) a deployment
// artefact passes to lifecycled, with the 1-based line it is on.
struct NameUse {
  std::string name;
  int line = 0;
};

struct ArtefactUses {
  std::vector<NameUse> flags;
  std::vector<NameUse> env_vars;
};

// The lifecycled flags and LIFECYCLE_* variables in one file under deploy/.
// Flags are only read where the file runs lifecycled (systemd Exec* lines,
// Dockerfile ENTRYPOINT/CMD, YAML outside comments), so apt-get's or
// adduser's flags are not mistaken for ours; LIFECYCLE_* names are ours
// wherever they appear. `file_name` picks the rules; a kind of file without
// rules throws, so a new artefact cannot slip past the cross-check.
ArtefactUses ScanArtefact(const std::string& file_name, const std::string& text);

// Every --flag and every LIFECYCLE_* variable that help text (CLI11's
// --help output) names.
std::set<std::string> FlagsInHelp(const std::string& help);
std::set<std::string> EnvVarsInHelp(const std::string& help);

// Ports given to --listen / LIFECYCLE_LISTEN (or --metrics-listen /
// LIFECYCLE_METRICS_LISTEN when `metrics`) in `text`.
std::vector<std::string> ListenPorts(const std::string& text, bool metrics);

}  // namespace lifecycle::testing
