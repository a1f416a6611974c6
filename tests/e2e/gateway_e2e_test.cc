// The browser gateway (--http-listen) through the real server: Connect
// unary calls in JSON and binary protobuf, the error mapping, CORS, the body
// limit, server streaming, and the console's files.

#include <httplib.h>

#include <nlohmann/json.hpp>

#include "tests/e2e/e2e_fixture.h"

namespace lifecycle::testing {
namespace {

using nlohmann::json;

constexpr int kMaxBodyBytes = 4096;
constexpr const char* kAllowedOrigin = "https://support.example.com";

class GatewayE2eTest : public E2eTest {
 protected:
  void SetUp() override {
    StartServer({"--http-listen", "127.0.0.1:0", "--http-cors-origins",
                 std::string(kAllowedOrigin) + ",http://localhost:3000", "--http-max-body-bytes",
                 std::to_string(kMaxBodyBytes)});
    ASSERT_NE(server_->http_port(), 0) << server_->Log();
  }

  httplib::Client Http() const {
    httplib::Client http("127.0.0.1", server_->http_port());
    http.set_read_timeout(20, 0);
    return http;
  }

  httplib::Headers Auth(const std::string& key) const {
    return key.empty() ? httplib::Headers{} : httplib::Headers{{"Authorization", "Bearer " + key}};
  }

  // A Connect unary call in JSON with the admin key.
  httplib::Result PostJson(const std::string& method, const json& body) {
    return PostJsonAs(admin_key_, method, body.dump());
  }
  httplib::Result PostJsonAs(const std::string& key, const std::string& method,
                             const std::string& body, httplib::Headers extra = {}) {
    httplib::Headers headers = Auth(key);
    headers.insert(extra.begin(), extra.end());
    return Http().Post(("/lifecycle.v1." + method).c_str(), headers, body, "application/json");
  }

  static json Body(const httplib::Result& result) {
    return json::parse(result->body, nullptr, /*allow_exceptions=*/false);
  }
};

// ---------------------------------------------------------------- unary

TEST_F(GatewayE2eTest, JsonRoundTripsThroughTheGrpcServices) {
  auto created = PostJson("CustomerService/CreateCustomer",
                          {{"customer", {{"customerId", "c-1"}, {"attributes", {{"plan", "pro"}}}}},
                           {"requestId", NewRequestId()}});
  ASSERT_TRUE(created);
  ASSERT_EQ(created->status, 200) << created->body;
  EXPECT_EQ(created->get_header_value("Content-Type"), "application/json");
  EXPECT_EQ(Body(created)["customer"]["customerId"], "c-1");
  EXPECT_EQ(Body(created)["customer"]["stage"], "STAGE_NEW");

  // The gRPC side sees what the browser wrote, and the browser reads it back.
  v1::GetCustomerRequest get;
  get.set_customer_id("c-1");
  v1::GetCustomerResponse grpc_view;
  ASSERT_TRUE(client_->customers().GetCustomer(client_->Context().get(), get, &grpc_view).ok());
  EXPECT_EQ(grpc_view.customer().attributes().fields().at("plan").string_value(), "pro");

  auto fetched = PostJson("CustomerService/GetCustomer", {{"customer_id", "c-1"}});
  ASSERT_TRUE(fetched);
  ASSERT_EQ(fetched->status, 200) << fetched->body;
  EXPECT_EQ(Body(fetched)["customer"]["attributes"], (json{{"plan", "pro"}}));
  EXPECT_EQ(Body(fetched)["customer"]["version"], "1");  // int64 is a JSON string
}

TEST_F(GatewayE2eTest, BinaryProtobufRoundTrips) {
  client_->CreateCustomer("c-1", R"({"plan":"basic"})");
  v1::GetCustomerRequest request;
  request.set_customer_id("c-1");
  auto result = Http().Post("/lifecycle.v1.CustomerService/GetCustomer", Auth(admin_key_),
                            request.SerializeAsString(), "application/proto");
  ASSERT_TRUE(result);
  ASSERT_EQ(result->status, 200) << result->body;
  EXPECT_EQ(result->get_header_value("Content-Type"), "application/proto");
  v1::GetCustomerResponse response;
  ASSERT_TRUE(response.ParseFromString(result->body));
  EXPECT_EQ(response.customer().customer_id(), "c-1");
  EXPECT_EQ(response.customer().attributes().fields().at("plan").string_value(), "basic");
}

TEST_F(GatewayE2eTest, EmptyJsonBodyIsTheEmptyRequest) {
  auto result = PostJsonAs(admin_key_, "AdminService/GetTenant", "");
  ASSERT_TRUE(result);
  ASSERT_EQ(result->status, 200) << result->body;
  EXPECT_EQ(Body(result)["tenant"]["name"], "Acme");
}

// ---------------------------------------------------------------- errors

struct ErrorCase {
  std::string name;
  std::string key;  // "admin", "readonly", "bogus", "" (none)
  std::string method;
  std::string body;
  httplib::Headers headers;
  int http_status;
  std::string code;
  std::string detail_type;  // first detail's type, "" for none
};

TEST_F(GatewayE2eTest, EveryErrorCodeMapsToItsConnectCodeAndHttpStatus) {
  client_->CreateCustomer("c-1");
  const std::string readonly_key = KeyWithRole(v1::ROLE_READONLY);
  const std::vector<ErrorCase> cases = {
      {"no key",
       "",
       "CustomerService/GetCustomer",
       R"({"customerId":"c-1"})",
       {},
       401,
       "unauthenticated",
       ""},
      {"unknown key",
       "bogus",
       "CustomerService/GetCustomer",
       R"({"customerId":"c-1"})",
       {},
       401,
       "unauthenticated",
       ""},
      {"role may not write",
       "readonly",
       "CustomerService/CreateCustomer",
       R"({"customer":{"customerId":"c-2"},"requestId":"r-1"})",
       {},
       403,
       "permission_denied",
       ""},
      {"field violation",
       "admin",
       "CustomerService/CreateCustomer",
       R"({"customer":{"customerId":""},"requestId":"r-2"})",
       {},
       400,
       "invalid_argument",
       "google.rpc.BadRequest"},
      {"body is not JSON",
       "admin",
       "CustomerService/GetCustomer",
       "{customerId:",
       {},
       400,
       "invalid_argument",
       ""},
      {"unknown JSON field",
       "admin",
       "CustomerService/GetCustomer",
       R"({"customerName":"c-1"})",
       {},
       400,
       "invalid_argument",
       ""},
      {"no such customer",
       "admin",
       "CustomerService/GetCustomer",
       R"({"customerId":"nobody"})",
       {},
       404,
       "not_found",
       ""},
      {"customer exists",
       "admin",
       "CustomerService/CreateCustomer",
       R"({"customer":{"customerId":"c-1"},"requestId":"r-3"})",
       {},
       409,
       "already_exists",
       ""},
      {"transition not allowed",
       "admin",
       "LifecycleService/TransitionCustomer",
       R"({"customerId":"c-1","toStage":"STAGE_RETAINED","requestId":"r-4"})",
       {},
       400,
       "failed_precondition",
       "google.rpc.ErrorInfo"},
      {"stale version",
       "admin",
       "CustomerService/UpdateCustomer",
       R"({"customer":{"customerId":"c-1"},"expectedVersion":"7","requestId":"r-5"})",
       {},
       409,
       "aborted",
       "google.rpc.ErrorInfo"},
      {"deadline already passed",
       "admin",
       "CustomerService/GetCustomer",
       R"({"customerId":"c-1"})",
       {{"Connect-Timeout-Ms", "0"}},
       504,
       "deadline_exceeded",
       ""},
      {"malformed timeout",
       "admin",
       "CustomerService/GetCustomer",
       R"({"customerId":"c-1"})",
       {{"Connect-Timeout-Ms", "soon"}},
       400,
       "invalid_argument",
       ""},
      {"unknown protocol version",
       "admin",
       "CustomerService/GetCustomer",
       R"({"customerId":"c-1"})",
       {{"Connect-Protocol-Version", "2"}},
       400,
       "invalid_argument",
       ""},
      {"no such method",
       "admin",
       "CustomerService/DeleteEverything",
       "{}",
       {},
       404,
       "unimplemented",
       ""},
      {"streaming method called as unary",
       "admin",
       "LifecycleService/WatchLifecycleEvents",
       "{}",
       {},
       415,
       "invalid_argument",
       ""},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.name);
    const std::string key = c.key == "admin"      ? admin_key_
                            : c.key == "readonly" ? readonly_key
                            : c.key == "bogus"    ? "lc_bogus.bogus"
                                                  : "";
    auto result = PostJsonAs(key, c.method, c.body, c.headers);
    ASSERT_TRUE(result);
    EXPECT_EQ(result->status, c.http_status) << result->body;
    EXPECT_EQ(result->get_header_value("Content-Type"), "application/json");
    const json error = Body(result);
    EXPECT_EQ(error["code"], c.code) << result->body;
    EXPECT_TRUE(error["message"].is_string()) << result->body;
    if (!c.detail_type.empty()) {
      ASSERT_TRUE(error["details"].is_array()) << result->body;
      EXPECT_EQ(error["details"][0]["type"], c.detail_type);
      EXPECT_TRUE(error["details"][0]["value"].is_string());
    }
  }
}

TEST_F(GatewayE2eTest, FieldViolationsArriveAsConnectDetails) {
  auto result = PostJsonAs(admin_key_, "CustomerService/CreateCustomer",
                           R"({"customer":{"customerId":""},"requestId":"r-1"})");
  ASSERT_TRUE(result);
  const json detail = Body(result)["details"][0];
  EXPECT_EQ(detail["type"], "google.rpc.BadRequest");
  EXPECT_EQ(detail["debug"]["fieldViolations"][0]["field"], "customer.customer_id");
  // "value" is the binary google.rpc.BadRequest, base64: what Connect clients decode.
  EXPECT_FALSE(detail["value"].get<std::string>().empty());
}

TEST_F(GatewayE2eTest, UnsupportedContentTypeIsRefused) {
  auto result = Http().Post("/lifecycle.v1.CustomerService/GetCustomer", Auth(admin_key_),
                            R"({"customerId":"c-1"})", "text/plain");
  ASSERT_TRUE(result);
  EXPECT_EQ(result->status, 415);
  EXPECT_NE(Body(result)["message"].get<std::string>().find("application/json"), std::string::npos);
}

// ---------------------------------------------------------------- limits

TEST_F(GatewayE2eTest, OversizedBodyIsRefusedBeforeTheCall) {
  const std::string padding(kMaxBodyBytes + 1, 'x');
  auto result = PostJsonAs(admin_key_, "CustomerService/CreateCustomer",
                           R"({"customer":{"customerId":"c-big","attributes":{"pad":")" + padding +
                               R"("}},"requestId":"r-1"})");
  ASSERT_TRUE(result);
  EXPECT_EQ(result->status, 413);
  EXPECT_EQ(Body(result)["code"], "resource_exhausted");
  EXPECT_NE(Body(result)["message"].get<std::string>().find(std::to_string(kMaxBodyBytes)),
            std::string::npos);
  v1::GetCustomerRequest get;
  get.set_customer_id("c-big");
  v1::GetCustomerResponse response;
  EXPECT_EQ(client_->customers().GetCustomer(client_->Context().get(), get, &response).error_code(),
            grpc::StatusCode::NOT_FOUND);
}

// ---------------------------------------------------------------- CORS

TEST_F(GatewayE2eTest, PreflightFromAnAllowedOriginIsAnswered) {
  auto result = Http().Options("/lifecycle.v1.CustomerService/GetCustomer",
                               {{"Origin", kAllowedOrigin},
                                {"Access-Control-Request-Method", "POST"},
                                {"Access-Control-Request-Headers", "authorization,content-type"}});
  ASSERT_TRUE(result);
  EXPECT_EQ(result->status, 204);
  EXPECT_EQ(result->get_header_value("Access-Control-Allow-Origin"), kAllowedOrigin);
  EXPECT_NE(result->get_header_value("Access-Control-Allow-Headers").find("Authorization"),
            std::string::npos);
  EXPECT_NE(result->get_header_value("Access-Control-Allow-Methods").find("POST"),
            std::string::npos);
}

TEST_F(GatewayE2eTest, PreflightFromAnotherOriginIsRefused) {
  auto result = Http().Options(
      "/lifecycle.v1.CustomerService/GetCustomer",
      {{"Origin", "https://evil.example.net"}, {"Access-Control-Request-Method", "POST"}});
  ASSERT_TRUE(result);
  EXPECT_EQ(result->status, 403);
  EXPECT_FALSE(result->has_header("Access-Control-Allow-Origin"));
  EXPECT_EQ(Body(result)["code"], "permission_denied");
}

TEST_F(GatewayE2eTest, CallsCarryCorsHeadersOnlyForAllowedOrigins) {
  client_->CreateCustomer("c-1");
  auto allowed = PostJsonAs(admin_key_, "CustomerService/GetCustomer", R"({"customerId":"c-1"})",
                            {{"Origin", kAllowedOrigin}});
  ASSERT_TRUE(allowed);
  EXPECT_EQ(allowed->status, 200);
  EXPECT_EQ(allowed->get_header_value("Access-Control-Allow-Origin"), kAllowedOrigin);

  auto refused = PostJsonAs(admin_key_, "CustomerService/GetCustomer", R"({"customerId":"c-1"})",
                            {{"Origin", "https://evil.example.net"}});
  ASSERT_TRUE(refused);
  EXPECT_EQ(refused->status, 403);
  EXPECT_FALSE(refused->has_header("Access-Control-Allow-Origin"));

  // The console is served by the gateway itself: same origin, always allowed.
  const std::string self = "http://127.0.0.1:" + std::to_string(server_->http_port());
  auto same = PostJsonAs(admin_key_, "CustomerService/GetCustomer", R"({"customerId":"c-1"})",
                         {{"Origin", self}});
  ASSERT_TRUE(same);
  EXPECT_EQ(same->status, 200) << same->body;
}

// ---------------------------------------------------------------- streaming

// Connect streaming frames: flags byte, 4-byte big-endian length, payload.
std::string Envelope(const std::string& payload) {
  std::string frame(5, '\0');
  for (int i = 0; i < 4; ++i) frame[4 - i] = static_cast<char>((payload.size() >> (8 * i)) & 0xff);
  return frame + payload;
}

struct Frame {
  int flags;
  json message;
};

// Parses complete frames off the front of `buffer`.
std::vector<Frame> TakeFrames(std::string& buffer) {
  std::vector<Frame> frames;
  while (buffer.size() >= 5) {
    std::size_t size = 0;
    for (int i = 1; i < 5; ++i) size = (size << 8) | static_cast<unsigned char>(buffer[i]);
    if (buffer.size() < 5 + size) break;
    frames.push_back({static_cast<unsigned char>(buffer[0]), json::parse(buffer.substr(5, size))});
    buffer.erase(0, 5 + size);
  }
  return frames;
}

TEST_F(GatewayE2eTest, WatchStreamsEventsAsConnectEnvelopes) {
  CreateSegment("smb");
  client_->CreateCustomer("c-1");
  ASSERT_TRUE(client_->Transition("c-1", v1::STAGE_SEGMENTED, nullptr, "", "smb").ok());

  std::string buffer;
  std::vector<Frame> frames;
  httplib::Headers headers = Auth(admin_key_);
  headers.emplace("Connect-Timeout-Ms", "3000");
  auto result = Http().Post("/lifecycle.v1.LifecycleService/WatchLifecycleEvents", headers,
                            Envelope(R"({"afterSequence":"0"})"), "application/connect+json");
  // httplib's client reads the whole body; the stream ends at the deadline
  // with deadline_exceeded in its end-of-stream frame.
  ASSERT_TRUE(result);
  EXPECT_EQ(result->status, 200);
  EXPECT_EQ(result->get_header_value("Content-Type"), "application/connect+json");
  buffer = result->body;
  frames = TakeFrames(buffer);
  ASSERT_GE(frames.size(), 2u);
  EXPECT_EQ(frames.front().flags, 0);
  EXPECT_EQ(frames.front().message["transition"]["customerId"], "c-1");
  EXPECT_EQ(frames.front().message["transition"]["toStage"], "STAGE_SEGMENTED");
  EXPECT_EQ(frames.back().flags, 2);
  EXPECT_EQ(frames.back().message["error"]["code"], "deadline_exceeded");
}

TEST_F(GatewayE2eTest, WatchClientGoingAwayEndsTheCall) {
  CreateSegment("smb");
  client_->CreateCustomer("c-1");
  ASSERT_TRUE(client_->Transition("c-1", v1::STAGE_SEGMENTED, nullptr, "", "smb").ok());
  std::string buffer;
  std::vector<Frame> frames;
  httplib::Request request;
  request.method = "POST";
  request.path = "/lifecycle.v1.LifecycleService/WatchLifecycleEvents";
  request.headers = Auth(admin_key_);
  request.set_header("Content-Type", "application/connect+json");
  request.body = Envelope("{}");
  request.content_receiver = [&](const char* data, std::size_t size, uint64_t, uint64_t) {
    buffer.append(data, size);
    for (auto& frame : TakeFrames(buffer)) frames.push_back(std::move(frame));
    return frames.empty();  // hang up after the first event
  };
  httplib::Client http = Http();
  http.send(request);
  ASSERT_EQ(frames.size(), 1u);
  EXPECT_EQ(frames[0].message["transition"]["toStage"], "STAGE_SEGMENTED");
  // The server is still fine after the client left mid-stream.
  auto after = PostJson("CustomerService/GetCustomer", {{"customerId", "c-1"}});
  ASSERT_TRUE(after);
  EXPECT_EQ(after->status, 200);
}

TEST_F(GatewayE2eTest, WatchErrorsEndTheStreamWithAConnectError) {
  auto result = Http().Post("/lifecycle.v1.LifecycleService/WatchLifecycleEvents",
                            httplib::Headers{}, Envelope("{}"), "application/connect+json");
  ASSERT_TRUE(result);
  EXPECT_EQ(result->status, 200);
  std::string buffer = result->body;
  auto frames = TakeFrames(buffer);
  ASSERT_EQ(frames.size(), 1u);
  EXPECT_EQ(frames[0].flags, 2);
  EXPECT_EQ(frames[0].message["error"]["code"], "unauthenticated");

  auto malformed = Http().Post("/lifecycle.v1.LifecycleService/WatchLifecycleEvents",
                               Auth(admin_key_), "{}", "application/connect+json");
  ASSERT_TRUE(malformed);
  buffer = malformed->body;
  frames = TakeFrames(buffer);
  ASSERT_EQ(frames.size(), 1u);
  EXPECT_EQ(frames[0].message["error"]["code"], "invalid_argument");
}

// ---------------------------------------------------------------- console

TEST_F(GatewayE2eTest, ServesTheSupportConsole) {
  auto page = Http().Get("/");
  ASSERT_TRUE(page);
  EXPECT_EQ(page->status, 200);
  EXPECT_EQ(page->get_header_value("Content-Type"), "text/html; charset=utf-8");
  EXPECT_NE(page->body.find("console.js"), std::string::npos);
  EXPECT_TRUE(page->has_header("Content-Security-Policy"));

  auto script = Http().Get("/console.js");
  ASSERT_TRUE(script);
  EXPECT_EQ(script->status, 200);
  EXPECT_EQ(script->get_header_value("Content-Type"), "text/javascript; charset=utf-8");

  auto missing = Http().Get("/nothing-here.js");
  ASSERT_TRUE(missing);
  EXPECT_EQ(missing->status, 404);
}

TEST(GatewayOffTest, NoHttpListenerUnlessAsked) {
  TestDatabase db;
  ServerProcess server(db.dsn());
  EXPECT_EQ(server.http_port(), 0);
}

}  // namespace
}  // namespace lifecycle::testing
