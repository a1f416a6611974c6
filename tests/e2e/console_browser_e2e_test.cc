// The support console in a real browser: Debian's headless Chromium, driven
// by tests/browser/console_test.mjs (playwright-core), against the real
// server's HTTP gateway. The browser completes a checklist step and logs a
// follow-up as a support agent; this test then reads both back over gRPC.
// The screenshot lands in LIFECYCLE_BROWSER_OUTPUT_DIR.

#include <sys/wait.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "tests/e2e/e2e_fixture.h"

namespace lifecycle::testing {
namespace {

constexpr const char* kCustomerId = "c-console";
constexpr const char* kStepId = "welcome-call";
constexpr const char* kAgentId = "agent-7";

class ConsoleBrowserE2eTest : public E2eTest {
 protected:
  void SetUp() override {
    StartServer({"--http-listen", "127.0.0.1:0"});
    ASSERT_NE(server_->http_port(), 0) << server_->Log();
  }

  // A customer in ONBOARDING with a two-step checklist from segment smb.
  void OnboardCustomer() {
    CreateSegment("smb");
    v1::CreateChecklistTemplateRequest request;
    request.set_request_id(NewRequestId());
    request.mutable_template_()->set_segment_id("smb");
    request.mutable_template_()->set_display_name("Welcome smb");
    for (const std::string step_id : {kStepId, "product-tour"}) {
      auto* step = request.mutable_template_()->add_steps();
      step->set_step_id(step_id);
      step->set_kind(v1::STEP_KIND_EDUCATE);
      step->set_title("Step " + step_id);
      step->set_channel(v1::CHANNEL_PHONE);
      step->mutable_due_offset()->set_seconds(86400);
      step->set_required(true);
    }
    v1::CreateChecklistTemplateResponse created;
    const grpc::Status status =
        client_->onboarding().CreateChecklistTemplate(client_->Context().get(), request, &created);
    ASSERT_TRUE(status.ok()) << status.error_message();
    client_->CreateCustomer(kCustomerId);
    ASSERT_TRUE(client_->Transition(kCustomerId, v1::STAGE_SEGMENTED, nullptr, "", "smb").ok());
    ASSERT_TRUE(client_->Transition(kCustomerId, v1::STAGE_ONBOARDING).ok());
  }

  // Runs the browser script; returns its exit code, its output in *log.
  static int RunBrowser(const std::vector<std::pair<std::string, std::string>>& env,
                        const std::string& output_dir, std::string* log) {
    std::ostringstream command;
    command << "env";
    for (const auto& [name, value] : env) command << " " << name << "='" << value << "'";
    const std::string log_path = output_dir + "/browser.log";
    command << " node '" << LIFECYCLE_BROWSER_SCRIPT << "' >'" << log_path << "' 2>&1";
    const int status = std::system(command.str().c_str());
    std::ifstream in(log_path);
    std::stringstream text;
    text << in.rdbuf();
    *log = text.str();
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  }
};

TEST_F(ConsoleBrowserE2eTest, AgentCompletesAStepAndLogsAFollowUp) {
  ASSERT_TRUE(std::filesystem::exists("/usr/bin/chromium"))
      << "Chromium is missing: ./scripts/test installs the Debian package chromium";
  ASSERT_TRUE(
      std::filesystem::exists(std::filesystem::path(LIFECYCLE_BROWSER_SCRIPT).parent_path() /
                              "node_modules/playwright-core"))
      << "playwright-core is missing: ./scripts/test runs npm ci in tests/browser";
  OnboardCustomer();
  const std::string support_key = KeyWithRole(v1::ROLE_SUPPORT);
  const std::string output_dir = LIFECYCLE_BROWSER_OUTPUT_DIR;
  std::filesystem::create_directories(output_dir);

  std::string log;
  const int exit_code =
      RunBrowser({{"CONSOLE_URL", "http://127.0.0.1:" + std::to_string(server_->http_port()) + "/"},
                  {"API_KEY", support_key},
                  {"CUSTOMER_ID", kCustomerId},
                  {"STEP_ID", kStepId},
                  {"AGENT_ID", kAgentId},
                  {"OUTPUT_DIR", output_dir}},
                 output_dir, &log);
  ASSERT_EQ(exit_code, 0) << log << "\nserver log:\n" << server_->Log();
  EXPECT_TRUE(std::filesystem::exists(output_dir + "/console.png"));

  // What the browser did, read back over gRPC.
  v1::GetChecklistRequest get;
  get.set_customer_id(kCustomerId);
  v1::GetChecklistResponse checklist;
  ASSERT_TRUE(client_->onboarding().GetChecklist(client_->Context().get(), get, &checklist).ok());
  int done = 0;
  for (const auto& step : checklist.checklist().steps()) {
    if (step.step_id() == kStepId) {
      EXPECT_EQ(step.status(), v1::STEP_STATUS_DONE);
      ++done;
    } else {
      EXPECT_EQ(step.status(), v1::STEP_STATUS_PENDING);
    }
  }
  EXPECT_EQ(done, 1);

  v1::ListFollowUpsRequest list;
  list.set_customer_id(kCustomerId);
  v1::ListFollowUpsResponse follow_ups;
  ASSERT_TRUE(
      client_->onboarding().ListFollowUps(client_->Context().get(), list, &follow_ups).ok());
  ASSERT_EQ(follow_ups.follow_ups_size(), 1);  // the refused one left nothing behind
  EXPECT_EQ(follow_ups.follow_ups(0).agent_id(), kAgentId);
  EXPECT_EQ(follow_ups.follow_ups(0).channel(), v1::CHANNEL_PHONE);
  EXPECT_EQ(follow_ups.follow_ups(0).note(), "Walked through the set-up; all good.");
}

}  // namespace
}  // namespace lifecycle::testing
