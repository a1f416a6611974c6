// The Debian package, end to end on this machine (the suite runs as root):
// cpack builds it, dpkg installs it, the installed /usr/bin/lifecycled
// migrates a fresh database and serves, then dpkg removes and purges it.
//
// The tests share one installation and run in the order written (the last
// one removes the package); ctest runs this binary as a single test with a
// RESOURCE_LOCK, and a lock file keeps two checkouts' suites from installing
// at once. The package is purged on the way out, even after a failure; a
// run killed midway leaves a marker, and the next run purges first.

#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <thread>

#include "tests/support/grpc_test_client.h"
#include "tests/support/server_process.h"
#include "tests/support/shell_command.h"
#include "tests/support/test_database.h"

namespace lifecycle::testing {
namespace {

namespace fs = std::filesystem;

constexpr const char* kInstalledBinary = "/usr/bin/lifecycled";
constexpr const char* kUnit = "/usr/lib/systemd/system/lifecycled.service";
constexpr const char* kEnvFile = "/etc/lifecycled/lifecycled.env";
constexpr const char* kLockFile = "/var/lock/lifecycled-package-test.lock";
// Present while this test has the package installed.
constexpr const char* kMarker = "/var/tmp/lifecycled-package-test.installed";

// Some status is left after `dpkg -r` (config-files); none after a purge.
bool PackageKnown() { return RunShell("dpkg-query -W lifecycled").exit_code == 0; }

bool UserExists() { return RunShell("getent passwd lifecycled").exit_code == 0; }
bool GroupExists() { return RunShell("getent group lifecycled").exit_code == 0; }

// dpkg refuses at once while apt or another dpkg holds its lock: retry.
CommandResult Dpkg(const std::string& args) {
  CommandResult result;
  for (int attempt = 0; attempt < 60; ++attempt) {
    result = RunShell("dpkg " + args);
    if (result.exit_code == 0 || result.output.find("lock") == std::string::npos) break;
    std::this_thread::sleep_for(std::chrono::seconds(1));
  }
  return result;
}

class InstalledPackage : public ::testing::Environment {
 public:
  static const fs::path& deb() { return deb_; }

  void SetUp() override {
    lock_fd_ = open(kLockFile, O_CREAT | O_RDWR | O_CLOEXEC, 0644);
    ASSERT_GE(lock_fd_, 0) << kLockFile;
    ASSERT_EQ(flock(lock_fd_, LOCK_EX), 0);
    if (fs::exists(kMarker)) {
      const CommandResult purge = Dpkg("--purge lifecycled");  // left by a killed run
      ASSERT_EQ(purge.exit_code, 0) << purge.output;
      fs::remove(kMarker);
    }
    ASSERT_FALSE(PackageKnown())
        << "a lifecycled package this test did not install is on this machine; it is left "
           "alone (remove it with dpkg --purge lifecycled to run this test)";

    output_dir_ = fs::temp_directory_path() / ("lifecycled-package-" + std::to_string(getpid()));
    fs::create_directories(output_dir_);
    const CommandResult cpack = RunShell(
        std::string(LIFECYCLE_CPACK) +
        " -G DEB --config " LIFECYCLE_BUILD_DIR "/CPackConfig.cmake -B " + output_dir_.string());
    ASSERT_EQ(cpack.exit_code, 0) << cpack.output;
    deb_ = output_dir_ / ("lifecycled_" LIFECYCLE_VERSION "_amd64.deb");
    ASSERT_TRUE(fs::exists(deb_)) << cpack.output;

    std::ofstream(kMarker) << deb_.string() << "\n";
    const CommandResult install = Dpkg("--install " + deb_.string());
    ASSERT_EQ(install.exit_code, 0) << install.output;
  }

  void TearDown() override {
    if (PackageKnown() && fs::exists(kMarker)) {
      const CommandResult purge = Dpkg("--purge lifecycled");
      EXPECT_EQ(purge.exit_code, 0) << purge.output;
    }
    if (!PackageKnown()) fs::remove(kMarker);
    std::error_code ignored;
    if (!output_dir_.empty()) fs::remove_all(output_dir_, ignored);
    if (lock_fd_ >= 0) close(lock_fd_);
  }

 private:
  static inline fs::path deb_;
  fs::path output_dir_;
  int lock_fd_ = -1;
};

const auto* const kPackage = ::testing::AddGlobalTestEnvironment(new InstalledPackage);

TEST(PackageTest, DependsOnDebianRuntimeLibraries) {
  const CommandResult depends =
      RunShell("dpkg-deb --field " + InstalledPackage::deb().string() + " Depends");
  ASSERT_EQ(depends.exit_code, 0) << depends.output;
  for (const char* package :
       {"adduser", "libgrpc++1.51", "libprotobuf32", "libpqxx-6.4", "libspdlog1.10", "libc6"}) {
    EXPECT_NE(depends.output.find(package), std::string::npos)
        << package << " missing from Depends: " << depends.output;
  }
}

TEST(PackageTest, InstallsTheBinaryUnitConfigAndServiceUser) {
  EXPECT_EQ(access(kInstalledBinary, X_OK), 0);
  EXPECT_TRUE(fs::exists(kUnit));
  struct stat env_file {};
  ASSERT_EQ(stat(kEnvFile, &env_file), 0);
  EXPECT_EQ(env_file.st_mode & 0777, 0600u) << "the DSN may hold a password";
  EXPECT_EQ(env_file.st_uid, 0u);
  EXPECT_NE(RunShell("dpkg-query -W -f='${Conffiles}' lifecycled").output.find(kEnvFile),
            std::string::npos)
      << "upgrades must keep an operator's edits";
  EXPECT_TRUE(UserExists());
  EXPECT_NE(RunShell("getent passwd lifecycled").output.find("nologin"), std::string::npos);
  EXPECT_EQ(RunShell("stat -c %a:%U:%G /etc/lifecycled/tls").output, "750:root:lifecycled\n");
}

TEST(PackageTest, UnitPassesSystemdAnalyzeVerify) {
  if (RunShell("command -v systemd-analyze").exit_code != 0) {
    GTEST_SKIP() << "systemd-analyze is not installed";
  }
  const CommandResult verify = RunShell(std::string("systemd-analyze verify ") + kUnit);
  EXPECT_EQ(verify.exit_code, 0) << verify.output;
  EXPECT_EQ(verify.output.find("lifecycled.service"), std::string::npos) << verify.output;
}

TEST(PackageTest, InstalledBinaryMigratesAFreshDatabaseAndServes) {
  // ctest points LIFECYCLE_BIN at the installed path, so the helpers below run it.
  ASSERT_STREQ(std::getenv("LIFECYCLE_BIN"), kInstalledBinary);
  TestDatabase db;
  db.Query("DROP SCHEMA public CASCADE; CREATE SCHEMA public");  // as a new database is
  const CommandResult migrate = RunLifecycled({"migrate", "--dsn", db.dsn()});
  ASSERT_EQ(migrate.exit_code, 0) << migrate.output;
  EXPECT_NE(migrate.output.find("migrated"), std::string::npos) << migrate.output;
  EXPECT_NE(db.Query("SELECT max(version) FROM schema_migrations"), "");

  ServerProcess server(db.dsn(), {"--migrate-on-start=false"});
  TestClient client(server.address(), "");
  const auto give_up = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (client.HealthStatus() != "SERVING" && std::chrono::steady_clock::now() < give_up) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  EXPECT_EQ(client.HealthStatus(), "SERVING") << server.Log();
  EXPECT_EQ(server.Stop(), 0) << server.Log();
}

// Last: the other tests need the package installed.
TEST(PackageTest, RemoveKeepsTheConfigAndPurgeLeavesNothing) {
  const CommandResult remove = Dpkg("--remove lifecycled");
  ASSERT_EQ(remove.exit_code, 0) << remove.output;
  EXPECT_FALSE(fs::exists(kInstalledBinary));
  EXPECT_FALSE(fs::exists(kUnit));
  EXPECT_TRUE(fs::exists(kEnvFile)) << "dpkg --remove keeps conffiles";

  const CommandResult purge = Dpkg("--purge lifecycled");
  ASSERT_EQ(purge.exit_code, 0) << purge.output;
  EXPECT_FALSE(PackageKnown());
  EXPECT_FALSE(fs::exists("/etc/lifecycled"));
  EXPECT_FALSE(UserExists());
  EXPECT_FALSE(GroupExists());
}

}  // namespace
}  // namespace lifecycle::testing
