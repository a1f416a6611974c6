#pragma once

#include <google/protobuf/descriptor.h>

#include <string>
#include <unordered_map>
#include <vector>

namespace lifecycle::gateway {

// The Connect routes: "/lifecycle.v1.CustomerService/GetCustomer" -> the
// method's descriptor, for every method of the given services found in the
// generated descriptor pool. Built once; read by every request.
class MethodTable {
 public:
  explicit MethodTable(const std::vector<std::string>& service_names);

  // nullptr when no registered service has this method.
  const google::protobuf::MethodDescriptor* Find(const std::string& path) const;
  std::size_t size() const { return methods_.size(); }

 private:
  std::unordered_map<std::string, const google::protobuf::MethodDescriptor*> methods_;
};

}  // namespace lifecycle::gateway
