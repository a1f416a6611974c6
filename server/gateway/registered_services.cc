#include "server/gateway/registered_services.h"

#include <grpcpp/impl/server_builder_plugin.h>
#include <grpcpp/impl/server_initializer.h>

namespace lifecycle::gateway {
namespace {

// gRPC hands plugins the server's service list; copying it in Finish (after
// every service is registered) is all this plugin does.
class ServiceListPlugin final : public grpc::ServerBuilderPlugin {
 public:
  explicit ServiceListPlugin(std::shared_ptr<std::vector<std::string>> names)
      : names_(std::move(names)) {}
  std::string name() override { return "lifecycle_registered_services"; }
  void InitServer(grpc::ServerInitializer*) override {}
  void Finish(grpc::ServerInitializer* initializer) override {
    *names_ = *initializer->GetServiceList();
  }
  void ChangeArguments(const std::string&, void*) override {}

 private:
  std::shared_ptr<std::vector<std::string>> names_;
};

class ServiceListOption final : public grpc::ServerBuilderOption {
 public:
  explicit ServiceListOption(std::shared_ptr<std::vector<std::string>> names)
      : names_(std::move(names)) {}
  void UpdateArguments(grpc::ChannelArguments*) override {}
  void UpdatePlugins(std::vector<std::unique_ptr<grpc::ServerBuilderPlugin>>* plugins) override {
    plugins->push_back(std::make_unique<ServiceListPlugin>(names_));
  }

 private:
  std::shared_ptr<std::vector<std::string>> names_;
};

}  // namespace

RegisteredServices::RegisteredServices() : names_(std::make_shared<std::vector<std::string>>()) {}

std::unique_ptr<grpc::ServerBuilderOption> RegisteredServices::option() const {
  return std::make_unique<ServiceListOption>(names_);
}

}  // namespace lifecycle::gateway
