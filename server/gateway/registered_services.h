#pragma once

#include <grpcpp/impl/server_builder_option.h>

#include <memory>
#include <string>
#include <vector>

namespace lifecycle::gateway {

// Records the names of the services a grpc::ServerBuilder registers (the
// same list reflection publishes), so the gateway exposes exactly what the
// gRPC server serves. Pass option() to ServerBuilder::SetOption before
// BuildAndStart; names() is filled in once the server has started.
class RegisteredServices {
 public:
  RegisteredServices();

  std::unique_ptr<grpc::ServerBuilderOption> option() const;
  // Fully qualified names, e.g. "lifecycle.v1.CustomerService".
  const std::vector<std::string>& names() const { return *names_; }

 private:
  std::shared_ptr<std::vector<std::string>> names_;
};

}  // namespace lifecycle::gateway
