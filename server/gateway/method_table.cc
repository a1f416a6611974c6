#include "server/gateway/method_table.h"

namespace lifecycle::gateway {

MethodTable::MethodTable(const std::vector<std::string>& service_names) {
  const auto* pool = google::protobuf::DescriptorPool::generated_pool();
  for (const auto& name : service_names) {
    // Services without generated code in this binary (none today) stay
    // reachable over gRPC only.
    const auto* service = pool->FindServiceByName(name);
    if (service == nullptr) continue;
    for (int i = 0; i < service->method_count(); ++i) {
      const auto* method = service->method(i);
      methods_.emplace("/" + service->full_name() + "/" + method->name(), method);
    }
  }
}

const google::protobuf::MethodDescriptor* MethodTable::Find(const std::string& path) const {
  auto it = methods_.find(path);
  return it == methods_.end() ? nullptr : it->second;
}

}  // namespace lifecycle::gateway
