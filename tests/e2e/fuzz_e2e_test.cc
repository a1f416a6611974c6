// Fuzz-style robustness: thousands of random and malformed request bodies
// to every RPC (walked from the generated descriptors). The server must
// never crash, never answer INTERNAL, UNKNOWN or UNIMPLEMENTED (a body that
// does not parse is INVALID_ARGUMENT), and its memory must stay bounded.
// The seed is fixed, so a failure replays.

#include <google/protobuf/util/json_util.h>

#include <fstream>
#include <random>
#include <sstream>

#include "tests/e2e/e2e_fixture.h"
#include "tests/support/generic_client.h"
#include "tests/support/personal_data_flow.h"
#include "tests/support/rpc_examples.h"

namespace lifecycle::testing {
namespace {

using google::protobuf::MethodDescriptor;

constexpr std::uint32_t kSeed = 20261123;
constexpr int kMutationsPerMethod = 60;
constexpr int kMutationsPerStreamingMethod = 10;  // each may wait for its deadline

// Resident memory of a process, in KiB (0 if unknown).
long RssKib(pid_t pid) {
  std::ifstream status("/proc/" + std::to_string(pid) + "/status");
  std::string line;
  while (std::getline(status, line)) {
    if (line.rfind("VmRSS:", 0) == 0) return std::stol(line.substr(6));
  }
  return 0;
}

std::string Varint(std::uint64_t value) {
  std::string out;
  while (value >= 0x80) {
    out += static_cast<char>((value & 0x7F) | 0x80);
    value >>= 7;
  }
  out += static_cast<char>(value);
  return out;
}

// Field `number`, length-delimited, holding `payload`.
std::string Bytes(int number, const std::string& payload) {
  return Varint((static_cast<std::uint64_t>(number) << 3) | 2) + Varint(payload.size()) + payload;
}

class Mutator {
 public:
  explicit Mutator(std::uint32_t seed) : random_(seed) {}

  std::string Mutate(const std::string& valid) {
    switch (Pick(9)) {
      case 0:
        return RandomBytes(Pick(64));
      case 1: {  // flipped bits
        std::string out = valid.empty() ? RandomBytes(8) : valid;
        for (int i = 0, n = 1 + Pick(4); i < n; ++i) out[Pick(out.size())] ^= 1 << Pick(8);
        return out;
      }
      case 2:  // truncated
        return valid.substr(0, Pick(valid.size() + 1));
      case 3: {  // random bytes spliced in
        std::string out = valid;
        out.insert(Pick(out.size() + 1), RandomBytes(1 + Pick(16)));
        return out;
      }
      case 4:  // a length that claims far more than follows
        return Varint((1u << 3) | 2) + Varint(0x0FFFFFFF) + RandomBytes(Pick(32));
      case 5: {  // nested far past any recursion limit
        std::string nested;
        for (int i = 0; i < 200; ++i) nested = Bytes(1, nested);
        return nested;
      }
      case 6:  // an unknown field on a valid request
        return valid + Bytes(1000 + Pick(1000), RandomBytes(Pick(16)));
      case 7: {  // a valid request with one field's bytes replaced by junk
        return valid + Bytes(1 + Pick(8), RandomBytes(Pick(48)));
      }
      default:  // the valid request twice (repeated fields merge, scalars replace)
        return valid + valid;
    }
  }

 private:
  std::size_t Pick(std::size_t bound) {
    return bound == 0 ? 0 : std::uniform_int_distribution<std::size_t>(0, bound - 1)(random_);
  }
  std::string RandomBytes(std::size_t length) {
    std::string out(length, '\0');
    for (auto& c : out) c = static_cast<char>(Pick(256));
    return out;
  }

  std::mt19937 random_;
};

class FuzzE2eTest : public E2eTest {};

TEST_F(FuzzE2eTest, MalformedRequestsToEveryRpcNeverCrashOrFailInternally) {
  GenericClient admin(grpc::CreateChannel(server_->address(), grpc::InsecureChannelCredentials()),
                      admin_key_);
  const PersonalDataFlow flow = RunPersonalDataFlow(admin, "c-1", "everyone", "fuzz");
  ASSERT_FALSE(HasFailure());
  const ExampleIds ids{.customer_id = flow.customer_id,
                       .segment_id = flow.segment_id,
                       .step_id = flow.step_id,
                       .job_id = flow.job_id,
                       .key_id = KeyWithRole(v1::ROLE_READONLY).substr(3, 16),
                       .product_id = flow.product_id,
                       .offer_id = flow.offer_id,
                       .new_id = "c-new"};

  Mutator mutator(kSeed);
  const auto methods = LifecycleMethods();
  ASSERT_GE(methods.size(), 40u);
  long rss_half_way = 0;
  int calls = 0;
  for (std::size_t m = 0; m < methods.size(); ++m) {
    const MethodDescriptor& method = *methods[m];
    const std::string name = FullMethodName(method);
    const auto example = ExampleRequest(name, ids);
    ASSERT_TRUE(example) << "add a row for " << name << " to tests/support/rpc_examples.cc";
    auto valid = NewMessage(*method.input_type());
    ASSERT_TRUE(
        google::protobuf::util::JsonStringToMessage(example->request_json, valid.get()).ok());
    const std::string valid_bytes = valid->SerializeAsString();
    const bool streaming = method.server_streaming();
    const int mutations = streaming ? kMutationsPerStreamingMethod : kMutationsPerMethod;
    for (int i = 0; i < mutations; ++i) {
      const std::string body = mutator.Mutate(valid_bytes);
      const auto reply = admin.CallBytes(
          method, body,
          streaming ? std::chrono::milliseconds(100) : std::chrono::milliseconds(10000), 1);
      ++calls;
      const auto code = reply.status.error_code();
      const bool bad = code == grpc::StatusCode::INTERNAL || code == grpc::StatusCode::UNKNOWN ||
                       code == grpc::StatusCode::UNIMPLEMENTED ||
                       code == grpc::StatusCode::UNAVAILABLE ||
                       (!streaming && code == grpc::StatusCode::DEADLINE_EXCEEDED);
      if (bad) {
        std::ostringstream hex;
        for (unsigned char c : body) hex << std::hex << static_cast<int>(c) << ' ';
        ADD_FAILURE() << name << " mutation " << i << " (seed " << kSeed << "): code " << code
                      << " " << reply.status.error_message() << "\nbody: " << hex.str();
        if (code == grpc::StatusCode::UNAVAILABLE) FAIL() << "server gone:\n" << server_->Log();
      }
    }
    if (m == methods.size() / 2) rss_half_way = RssKib(server_->pid());
  }
  // Plain random bodies to every method, many more of them.
  for (int i = 0; i < 800; ++i) {
    const MethodDescriptor& method = *methods[i % methods.size()];
    if (method.server_streaming()) continue;
    const auto code =
        admin.CallBytes(method, mutator.Mutate(""), std::chrono::seconds(10)).status.error_code();
    ++calls;
    EXPECT_NE(code, grpc::StatusCode::INTERNAL) << FullMethodName(method);
    EXPECT_NE(code, grpc::StatusCode::UNKNOWN) << FullMethodName(method);
    ASSERT_NE(code, grpc::StatusCode::UNAVAILABLE) << server_->Log();
  }
  EXPECT_GE(calls, 3000);

  // Still alive and serving, with memory that did not keep growing.
  EXPECT_EQ(client_->HealthStatus(), "SERVING");
  const long rss_end = RssKib(server_->pid());
  ASSERT_GT(rss_half_way, 0);
  EXPECT_LT(rss_end, rss_half_way + 64 * 1024)
      << "RSS grew from " << rss_half_way << " KiB to " << rss_end << " KiB over the second half";
  EXPECT_LT(rss_end, 1024 * 1024) << "RSS " << rss_end << " KiB";
}

}  // namespace
}  // namespace lifecycle::testing
