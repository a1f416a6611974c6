#include "tests/deploy/artefact_scan.h"

#include <regex>
#include <sstream>
#include <stdexcept>

namespace lifecycle::testing {
namespace {

enum class FlagRule {
  kNone,             // no lifecycled command line in this kind of file
  kExecLines,        // systemd unit: ExecStart= and friends
  kRunInstructions,  // Dockerfile: ENTRYPOINT and CMD, with continuations
  kOutsideComments,  // YAML: only lifecycled gets flags there
};

bool EndsWith(const std::string& text, const std::string& suffix) {
  return text.size() >= suffix.size() &&
         text.compare(text.size() - suffix.size(), suffix.size(), suffix) == 0;
}

FlagRule RuleFor(const std::string& file_name) {
  const std::string base = file_name.substr(file_name.find_last_of('/') + 1);
  if (EndsWith(base, ".service")) return FlagRule::kExecLines;
  if (base == "Dockerfile") return FlagRule::kRunInstructions;
  if (EndsWith(base, ".yaml") || EndsWith(base, ".yml")) return FlagRule::kOutsideComments;
  // Environment files, ignore lists, the package's conffiles list and its
  // maintainer scripts never run lifecycled.
  if (EndsWith(base, ".env") || EndsWith(base, ".dockerignore") || base == "conffiles" ||
      base == "postinst" || base == "prerm" || base == "postrm") {
    return FlagRule::kNone;
  }
  throw std::invalid_argument("no cross-check rule for " + file_name +
                              " (tests/deploy/artefact_scan.cc): add one");
}

std::vector<std::string> Lines(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

// The part of `line` that may hold lifecycled flags under `rule`, or "".
// `continued` carries a Dockerfile instruction across trailing backslashes.
std::string CommandPart(FlagRule rule, const std::string& line, bool& continued) {
  static const std::regex exec_line(R"(^\s*Exec[A-Za-z]*=)");
  static const std::regex run_instruction(R"(^\s*(ENTRYPOINT|CMD)\s)", std::regex::icase);
  static const std::regex instruction(R"(^\s*[A-Za-z]+\s)");
  static const std::regex yaml_comment(R"((^|\s)#.*$)");
  switch (rule) {
    case FlagRule::kNone:
      return "";
    case FlagRule::kExecLines:
      return std::regex_search(line, exec_line) ? line : "";
    case FlagRule::kRunInstructions: {
      const bool starts = std::regex_search(line, run_instruction);
      const bool part = starts || (continued && !std::regex_search(line, instruction));
      continued = part && EndsWith(line, "\\");
      return part ? line : "";
    }
    case FlagRule::kOutsideComments:
      return std::regex_replace(line, yaml_comment, "");
  }
  return "";
}

std::vector<std::string> AllMatches(const std::string& text, const std::regex& pattern, int group) {
  std::vector<std::string> found;
  for (std::sregex_iterator it(text.begin(), text.end(), pattern), end; it != end; ++it) {
    found.push_back((*it)[group].str());
  }
  return found;
}

// A flag starts a word: not the "--" inside "a--b" or a YAML "---" marker.
const std::regex& FlagPattern() {
  static const std::regex flag(R"((^|[\s"'\[,(])(--[a-z][a-z0-9-]*))");
  return flag;
}

const std::regex& EnvVarPattern() {
  static const std::regex env_var(R"(\bLIFECYCLE_[A-Z0-9_]+\b)");
  return env_var;
}

}  // namespace

ArtefactUses ScanArtefact(const std::string& file_name, const std::string& text) {
  const FlagRule rule = RuleFor(file_name);
  ArtefactUses uses;
  bool continued = false;
  int number = 0;
  for (const std::string& line : Lines(text)) {
    ++number;
    for (const std::string& flag :
         AllMatches(CommandPart(rule, line, continued), FlagPattern(), 2)) {
      uses.flags.push_back({flag, number});
    }
    for (const std::string& env_var : AllMatches(line, EnvVarPattern(), 0)) {
      uses.env_vars.push_back({env_var, number});
    }
  }
  return uses;
}

std::set<std::string> FlagsInHelp(const std::string& help) {
  const auto found = AllMatches(help, FlagPattern(), 2);
  return {found.begin(), found.end()};
}

std::set<std::string> EnvVarsInHelp(const std::string& help) {
  static const std::regex declared(R"(Env:(LIFECYCLE_[A-Z0-9_]+))");
  const auto found = AllMatches(help, declared, 1);
  return {found.begin(), found.end()};
}

std::vector<std::string> ListenPorts(const std::string& text, bool metrics) {
  const std::string flag = metrics ? "--metrics-listen" : "--listen";
  const std::string env_var = metrics ? "LIFECYCLE_METRICS_LISTEN" : "LIFECYCLE_LISTEN";
  // --listen=host:port, --listen host:port, VAR=host:port, VAR: "host:port".
  const std::regex address("(^|[^-A-Za-z_])(" + flag + "[= ]|" + env_var +
                           R"re((=|:\s*))"?([^\s"':]*):([0-9]+))re");
  return AllMatches(text, address, 5);
}

}  // namespace lifecycle::testing
