// Every artefact in deploy/ against the real binary: each --flag and
// LIFECYCLE_* variable they use must be one `lifecycled --help-all` (and the
// subcommands' --help) lists, and their ports must agree. The artefacts
// themselves (Dockerfile, compose, Kubernetes) cannot run here; this keeps
// them from drifting from the binary.

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <regex>
#include <set>
#include <sstream>
#include <tuple>

#include "tests/deploy/artefact_scan.h"
#include "tests/support/server_process.h"
#include "tests/support/shell_command.h"

namespace lifecycle::testing {
namespace {

namespace fs = std::filesystem;

const fs::path kDeployDir = fs::path(LIFECYCLE_SOURCE_DIR) / "deploy";

std::string ReadText(const fs::path& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

// deploy/-relative name -> contents, for every file under deploy/.
std::map<std::string, std::string> DeployFiles() {
  std::map<std::string, std::string> files;
  for (const auto& entry : fs::recursive_directory_iterator(kDeployDir)) {
    if (!entry.is_regular_file()) continue;
    files[fs::relative(entry.path(), kDeployDir).string()] = ReadText(entry.path());
  }
  return files;
}

struct KnownNames {
  std::set<std::string> flags;
  std::set<std::string> env_vars;
};

// What the binary says it accepts, the top level and every subcommand.
KnownNames AskTheBinary() {
  KnownNames known;
  for (const std::vector<std::string>& args :
       std::vector<std::vector<std::string>>{{"--help-all"},
                                             {"migrate", "--help"},
                                             {"admin", "--help"},
                                             {"admin", "create-tenant", "--help"}}) {
    const CommandResult help = RunLifecycled(args);
    EXPECT_EQ(help.exit_code, 0) << help.output;
    known.flags.merge(FlagsInHelp(help.output));
    known.env_vars.merge(EnvVarsInHelp(help.output));
  }
  return known;
}

// One line per flag or variable of `file` that lifecycled does not know.
std::vector<std::string> UnknownNames(const std::string& file, const std::string& text,
                                      const KnownNames& known) {
  std::vector<std::string> problems;
  const ArtefactUses uses = ScanArtefact(file, text);
  for (const auto& [list, names, what] :
       {std::tuple{&uses.flags, &known.flags, "flag"},
        std::tuple{&uses.env_vars, &known.env_vars, "environment variable"}}) {
    for (const NameUse& use : *list) {
      if (!names->contains(use.name)) {
        problems.push_back("deploy/" + file + ":" + std::to_string(use.line) + ": " + what + " " +
                           use.name + " is not in lifecycled --help-all");
      }
    }
  }
  return problems;
}

std::string Joined(const std::vector<std::string>& lines) {
  std::string text;
  for (const auto& line : lines) text += line + "\n";
  return text;
}

TEST(DeployArtefactsTest, EveryFlagAndVariableTheyUseIsOneLifecycledHas) {
  const KnownNames known = AskTheBinary();
  ASSERT_TRUE(known.flags.contains("--dsn")) << "help output not understood";
  ASSERT_TRUE(known.env_vars.contains("LIFECYCLE_DSN")) << "help output not understood";
  std::vector<std::string> problems;
  std::size_t flags_seen = 0;
  std::size_t env_vars_seen = 0;
  for (const auto& [file, text] : DeployFiles()) {
    const auto found = UnknownNames(file, text, known);
    problems.insert(problems.end(), found.begin(), found.end());
    const ArtefactUses uses = ScanArtefact(file, text);
    flags_seen += uses.flags.size();
    env_vars_seen += uses.env_vars.size();
  }
  EXPECT_TRUE(problems.empty()) << Joined(problems);
  // A scan that finds nothing would pass vacuously.
  EXPECT_GT(flags_seen, 10u);
  EXPECT_GT(env_vars_seen, 10u);
}

TEST(DeployArtefactsTest, AFlagOrVariableLifecycledLacksIsReportedWithFileAndLine) {
  const KnownNames known{{"--listen"}, {"LIFECYCLE_DSN"}};
  EXPECT_TRUE(UnknownNames("k8s/x.yaml", "args: [\"--listen=0.0.0.0:1\"]\n", known).empty());
  EXPECT_EQ(UnknownNames("k8s/x.yaml", "args:\n  - --listen=:1\n  - --bogus-flag=3\n", known),
            std::vector<std::string>{
                "deploy/k8s/x.yaml:3: flag --bogus-flag is not in lifecycled --help-all"});
  EXPECT_EQ(UnknownNames("systemd/x.env", "LIFECYCLE_DSN=a\n#LIFECYCLE_BOGUS=1\n", known),
            std::vector<std::string>{"deploy/systemd/x.env:2: environment variable "
                                     "LIFECYCLE_BOGUS is not in lifecycled --help-all"});
}

struct ScanCase {
  std::string name;
  std::string file;
  std::string text;
  std::vector<std::string> flags;
  std::vector<std::string> env_vars;
};

std::vector<std::string> Names(const std::vector<NameUse>& uses) {
  std::vector<std::string> names;
  for (const auto& use : uses) names.push_back(use.name);
  return names;
}

TEST(DeployArtefactsTest, FlagsAreReadWhereLifecycledRunsAndNowhereElse) {
  const std::vector<ScanCase> cases = {
      {"dockerfile run lines are other programs'",
       "docker/Dockerfile",
       "RUN apt-get install --no-install-recommends x \\\n  --yes\n"
       "ENV LIFECYCLE_LISTEN=0.0.0.0:1\n"
       "ENTRYPOINT [\"/usr/bin/lifecycled\", \\\n  \"--plaintext\"]\nCMD [\"--pool-size=2\"]\n",
       {"--plaintext", "--pool-size"},
       {"LIFECYCLE_LISTEN"}},
      {"systemd exec lines only",
       "systemd/a.service",
       "# run with --not-this\nExecStart=/usr/bin/lifecycled --listen x:1\n"
       "ExecStartPre=/usr/bin/lifecycled migrate --log-format json\n"
       "EnvironmentFile=/etc/x\n",
       {"--listen", "--log-format"},
       {}},
      {"yaml comments are prose",
       "compose.yaml",
       "# docker compose up --build\nx: 1 # --no-such\nargs: [\"migrate\", \"--dsn=a\"]\n"
       "  - --plaintext\n---\n",
       {"--dsn", "--plaintext"},
       {}},
      {"env files: variables, commented ones too",
       "systemd/a.env",
       "# createuser --createrole\nLIFECYCLE_DSN=x\n#LIFECYCLE_POOL_SIZE=8\n",
       {},
       {"LIFECYCLE_DSN", "LIFECYCLE_POOL_SIZE"}},
      {"maintainer scripts do not run lifecycled",
       "debian/postinst",
       "adduser --system --group lifecycled\n",
       {},
       {}},
  };
  for (const auto& c : cases) {
    const ArtefactUses uses = ScanArtefact(c.file, c.text);
    EXPECT_EQ(Names(uses.flags), c.flags) << c.name;
    EXPECT_EQ(Names(uses.env_vars), c.env_vars) << c.name;
  }
}

TEST(DeployArtefactsTest, AFileWithoutScanRulesIsRefused) {
  EXPECT_THROW(ScanArtefact("helm/values.json", "{}"), std::invalid_argument);
}

std::set<std::string> PortsIn(const std::map<std::string, std::string>& files, bool metrics) {
  std::set<std::string> ports;
  for (const auto& [file, text] : files) {
    for (const auto& port : ListenPorts(text, metrics)) ports.insert(port);
  }
  return ports;
}

bool Contains(const std::string& text, const std::string& pattern) {
  return std::regex_search(text, std::regex(pattern));
}

TEST(DeployArtefactsTest, PortsAgreeAcrossArtefactsAndProbesAskTheGrpcPort) {
  const auto files = DeployFiles();
  const std::set<std::string> grpc = PortsIn(files, /*metrics=*/false);
  const std::set<std::string> metrics = PortsIn(files, /*metrics=*/true);
  ASSERT_EQ(grpc.size(), 1u) << "one gRPC port everywhere, found " << grpc.size();
  ASSERT_EQ(metrics.size(), 1u) << "one metrics port everywhere, found " << metrics.size();
  const std::string port = *grpc.begin();
  const std::string metrics_port = *metrics.begin();

  EXPECT_TRUE(
      Contains(files.at("docker/Dockerfile"), "\\nEXPOSE " + port + " " + metrics_port + "\\n"));
  const std::string& deployment = files.at("k8s/deployment.yaml");
  EXPECT_TRUE(Contains(deployment, "name: grpc\\s+containerPort: " + port + "\\n"));
  EXPECT_TRUE(Contains(deployment, "name: metrics\\s+containerPort: " + metrics_port + "\\n"));
  EXPECT_TRUE(Contains(deployment, "prometheus.io/port: \"" + metrics_port + "\""));
  // Native gRPC probes on grpc.health.v1.Health with the empty service
  // name, the one the server keeps in step with the database.
  for (const std::string probe : {"readinessProbe", "livenessProbe"}) {
    EXPECT_TRUE(Contains(deployment, probe + ":\\s+grpc:\\s+port: " + port + "\\n")) << probe;
  }
  EXPECT_FALSE(Contains(deployment, "grpc:\\s+port: \\d+\\s+service:"));
  const std::string& service = files.at("k8s/service.yaml");
  EXPECT_TRUE(Contains(service, "name: grpc\\s+port: " + port + "\\s+targetPort: grpc"));
  EXPECT_TRUE(Contains(files.at("k8s/tls/kustomization.yaml"), "tcpSocket:\\s+port: " + port));
  EXPECT_TRUE(Contains(files.at("compose.yaml"), "\"127.0.0.1:" + port + ":" + port + "\""));
}

// `kubectl kustomize` renders offline: the manifests, the patches of the
// tls component and the kustomizations must all hold together.
TEST(DeployArtefactsTest, KustomizationRendersWithAndWithoutTls) {
  if (RunShell("command -v kubectl").exit_code != 0) GTEST_SKIP() << "kubectl is not installed";

  const CommandResult rendered = RunShell("kubectl kustomize " + (kDeployDir / "k8s").string());
  ASSERT_EQ(rendered.exit_code, 0) << rendered.output;
  const std::string& base = rendered.output;
  for (const std::string kind : {"Namespace", "Secret", "Job", "Deployment", "Service",
                                 "PodDisruptionBudget", "HorizontalPodAutoscaler"}) {
    EXPECT_TRUE(Contains(base, "\\nkind: " + kind + "\\n")) << kind;
  }
  EXPECT_TRUE(Contains(base, "- --plaintext\\n"));

  // An overlay that switches the component on, as an operator would.
  const fs::path overlay =
      fs::temp_directory_path() / ("lifecycled-kustomize-" + std::to_string(getpid()));
  fs::create_directories(overlay);
  std::ofstream(overlay / "kustomization.yaml")
      << "apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\n"
      // kustomize takes only relative paths.
      << "resources:\n  - " << fs::relative(kDeployDir / "k8s", overlay).string() << "\n"
      << "components:\n  - " << fs::relative(kDeployDir / "k8s/tls", overlay).string() << "\n";
  const CommandResult with_tls = RunShell("kubectl kustomize " + overlay.string());
  fs::remove_all(overlay);
  ASSERT_EQ(with_tls.exit_code, 0) << with_tls.output;
  const std::string& tls = with_tls.output;
  EXPECT_FALSE(Contains(tls, "--plaintext"));
  EXPECT_TRUE(Contains(tls, "- --tls-cert=/etc/lifecycled/tls/tls.crt\\n"));
  EXPECT_TRUE(Contains(tls, "- --tls-key=/etc/lifecycled/tls/tls.key\\n"));
  EXPECT_TRUE(Contains(tls, "secretName: lifecycled-tls"));
  EXPECT_TRUE(Contains(tls, "mountPath: /etc/lifecycled/tls"));
}

}  // namespace
}  // namespace lifecycle::testing
