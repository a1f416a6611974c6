#include "server/gateway/connect_error.h"

#include <google/protobuf/any.pb.h>
#include <google/protobuf/descriptor.h>
#include <google/protobuf/dynamic_message.h>
#include <google/protobuf/util/json_util.h>
#include <openssl/evp.h>

#include <memory>
#include <nlohmann/json.hpp>

#include "google/rpc/status.pb.h"
#include "server/gateway/connect_code.h"

namespace lifecycle::gateway {
namespace {

using nlohmann::json;

// Connect allows unpadded base64; we send standard padded base64, which every
// decoder accepts.
std::string Base64(const std::string& bytes) {
  std::string out(4 * ((bytes.size() + 2) / 3) + 1, '\0');
  const int written = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                                      reinterpret_cast<const unsigned char*>(bytes.data()),
                                      static_cast<int>(bytes.size()));
  out.resize(static_cast<std::size_t>(written));
  return out;
}

// "type.googleapis.com/google.rpc.BadRequest" -> "google.rpc.BadRequest".
std::string TypeName(const std::string& type_url) {
  const auto slash = type_url.rfind('/');
  return slash == std::string::npos ? type_url : type_url.substr(slash + 1);
}

// The detail as protobuf JSON when its type is linked into the binary.
json DebugJson(const google::protobuf::Any& detail) {
  const auto* descriptor =
      google::protobuf::DescriptorPool::generated_pool()->FindMessageTypeByName(
          TypeName(detail.type_url()));
  if (descriptor == nullptr) return nullptr;
  const auto* prototype =
      google::protobuf::MessageFactory::generated_factory()->GetPrototype(descriptor);
  if (prototype == nullptr) return nullptr;
  std::unique_ptr<google::protobuf::Message> message(prototype->New());
  if (!message->ParseFromString(detail.value())) return nullptr;
  std::string text;
  if (!google::protobuf::util::MessageToJsonString(*message, &text).ok()) return nullptr;
  return json::parse(text, nullptr, /*allow_exceptions=*/false);
}

json Details(const std::string& status_details) {
  json details = json::array();
  google::rpc::Status status;
  if (status_details.empty() || !status.ParseFromString(status_details)) return details;
  for (const auto& detail : status.details()) {
    json entry = {{"type", TypeName(detail.type_url())}, {"value", Base64(detail.value())}};
    json debug = DebugJson(detail);
    if (!debug.is_null() && !debug.is_discarded()) entry["debug"] = std::move(debug);
    details.push_back(std::move(entry));
  }
  return details;
}

json ErrorObject(const grpc::Status& status) {
  json error = {{"code", ToConnectCode(status.error_code()).name}};
  if (!status.error_message().empty()) error["message"] = status.error_message();
  json details = Details(status.error_details());
  if (!details.empty()) error["details"] = std::move(details);
  return error;
}

// Messages are the server's own UTF-8, but a stray byte must not throw here.
std::string Dump(const json& value) {
  return value.dump(-1, ' ', false, json::error_handler_t::replace);
}

}  // namespace

std::string ConnectErrorJson(const grpc::Status& status) { return Dump(ErrorObject(status)); }

std::string EndStreamJson(const grpc::Status& status,
                          const std::multimap<std::string, std::string>& trailers) {
  json end = json::object();
  if (!status.ok()) end["error"] = ErrorObject(status);
  if (!trailers.empty()) {
    json metadata = json::object();
    for (const auto& [key, value] : trailers) metadata[key].push_back(value);
    end["metadata"] = std::move(metadata);
  }
  return Dump(end);
}

std::string ConnectErrorJson(grpc::StatusCode code, const std::string& message) {
  return ConnectErrorJson(grpc::Status(code, message));
}

}  // namespace lifecycle::gateway
