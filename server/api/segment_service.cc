#include "server/api/segment_service.h"

#include <chrono>

#include "server/api/page_token.h"
#include "server/api/segment_proto.h"
#include "server/api/segment_requests.h"
#include "server/domain/error.h"
#include "storage/resegment_store.h"
#include "storage/segment_store.h"

namespace lifecycle::api {
namespace {

using domain::Permission;

domain::Error SegmentNotFound(const std::string& segment_id) {
  return domain::Error::NotFound("segment '" + segment_id + "'");
}

// A segment as the API shows it: with its current member count.
v1::Segment WithMembers(storage::SegmentStore& store, const std::string& tenant_id,
                        const domain::Segment& segment) {
  const auto counts = store.MemberCounts(tenant_id, {segment.segment_id});
  const auto found = counts.find(segment.segment_id);
  return ToProto(segment, found == counts.end() ? 0 : found->second);
}

}  // namespace

grpc::ServerUnaryReactor* SegmentService::CreateSegment(grpc::CallbackServerContext* context,
                                                        const v1::CreateSegmentRequest* request,
                                                        v1::CreateSegmentResponse* response) {
  static constexpr RpcInfo kRpc{"/lifecycle.v1.SegmentService/CreateSegment",
                                Permission::kManageTenant};
  return calls_.Unary(context, kRpc, [=](CallScope& call) {
    const domain::Segment segment = ValidateCreateSegment(*request);
    call.Idempotent(*request, request->request_id(), response, [&](storage::Transaction& tx) {
      storage::SegmentStore store(tx);
      *response->mutable_segment() = ToProto(store.Create(call.tenant_id(), segment), 0);
    });
  });
}

grpc::ServerUnaryReactor* SegmentService::GetSegment(grpc::CallbackServerContext* context,
                                                     const v1::GetSegmentRequest* request,
                                                     v1::GetSegmentResponse* response) {
  static constexpr RpcInfo kRpc{"/lifecycle.v1.SegmentService/GetSegment",
                                Permission::kReadCustomers};
  return calls_.Unary(context, kRpc, [=](CallScope& call) {
    const SegmentQuery query = ValidateGetSegment(*request);
    call.session().Run(call.Tx(), [&](storage::Transaction& tx) {
      storage::SegmentStore store(tx);
      auto segment = store.Get(call.tenant_id(), query.segment_id, query.version);
      if (!segment) {
        if (query.version && store.Get(call.tenant_id(), query.segment_id)) {
          throw domain::Error::NotFound("version " + std::to_string(*query.version) +
                                        " of segment '" + query.segment_id + "'");
        }
        throw SegmentNotFound(query.segment_id);
      }
      // Members belong to the segment, not to an old version of its rule.
      *response->mutable_segment() =
          query.version ? ToProto(*segment, 0) : WithMembers(store, call.tenant_id(), *segment);
    });
  });
}

grpc::ServerUnaryReactor* SegmentService::UpdateSegment(grpc::CallbackServerContext* context,
                                                        const v1::UpdateSegmentRequest* request,
                                                        v1::UpdateSegmentResponse* response) {
  static constexpr RpcInfo kRpc{"/lifecycle.v1.SegmentService/UpdateSegment",
                                Permission::kManageTenant};
  return calls_.Unary(context, kRpc, [=](CallScope& call) {
    const SegmentUpdate update = ValidateUpdateSegment(*request);
    call.Idempotent(*request, request->request_id(), response, [&](storage::Transaction& tx) {
      storage::SegmentStore store(tx);
      // Locked, so the mask applies to the latest version: an unlocked read
      // would let a concurrent edit of another field be overwritten.
      const domain::Segment current =
          store.LockCurrent(call.tenant_id(), update.patch.segment_id, update.expected_version);
      const domain::Segment next = ApplySegmentUpdate(current, update);
      *response->mutable_segment() =
          WithMembers(store, call.tenant_id(),
                      store.AddVersion(call.tenant_id(), next, update.expected_version));
    });
  });
}

grpc::ServerUnaryReactor* SegmentService::ListSegments(grpc::CallbackServerContext* context,
                                                       const v1::ListSegmentsRequest* request,
                                                       v1::ListSegmentsResponse* response) {
  static constexpr RpcInfo kRpc{"/lifecycle.v1.SegmentService/ListSegments",
                                Permission::kReadCustomers};
  return calls_.Unary(context, kRpc, [=](CallScope& call) {
    const SegmentListQuery query = ValidateListSegments(*request);
    call.session().Run(call.Tx(), [&](storage::Transaction& tx) {
      storage::SegmentStore store(tx);
      auto segments =
          store.List(call.tenant_id(), query.include_retired, query.after, query.page_size + 1);
      const bool more = TrimToPage(segments, query.page_size);
      std::vector<std::string> ids;
      for (const auto& segment : segments) ids.push_back(segment.segment_id);
      const auto counts = store.MemberCounts(call.tenant_id(), ids);
      for (const auto& segment : segments) {
        const auto found = counts.find(segment.segment_id);
        *response->add_segments() = ToProto(segment, found == counts.end() ? 0 : found->second);
      }
      if (more) {
        const domain::Segment& last = segments.back();
        response->set_next_page_token(EncodePageToken(
            query.query_digest,
            {last.is_default ? "1" : "0", std::to_string(last.priority), last.segment_id}));
      }
    });
  });
}

grpc::ServerUnaryReactor* SegmentService::RetireSegment(grpc::CallbackServerContext* context,
                                                        const v1::RetireSegmentRequest* request,
                                                        v1::RetireSegmentResponse* response) {
  static constexpr RpcInfo kRpc{"/lifecycle.v1.SegmentService/RetireSegment",
                                Permission::kManageTenant};
  return calls_.Unary(context, kRpc, [=](CallScope& call) {
    const RetireSegmentCommand command = ValidateRetireSegment(*request);
    call.Idempotent(*request, request->request_id(), response, [&](storage::Transaction& tx) {
      storage::SegmentStore store(tx);
      *response->mutable_segment() =
          WithMembers(store, call.tenant_id(),
                      store.Retire(call.tenant_id(), command.segment_id, command.expected_version));
    });
  });
}

grpc::ServerUnaryReactor* SegmentService::PreviewSegment(grpc::CallbackServerContext* context,
                                                         const v1::PreviewSegmentRequest* request,
                                                         v1::PreviewSegmentResponse* response) {
  static constexpr RpcInfo kRpc{"/lifecycle.v1.SegmentService/PreviewSegment",
                                Permission::kManageTenant};
  return calls_.Unary(context, kRpc, [=](CallScope& call) {
    const PreviewQuery query = ValidatePreviewSegment(*request);
    call.session().Run(call.Tx(), [&](storage::Transaction& tx) {
      // Today's active rules with the candidate in its place.
      std::vector<domain::SegmentRuleRef> rules =
          storage::SegmentStore(tx).ActiveRules(call.tenant_id());
      std::erase_if(rules, [&](const domain::SegmentRuleRef& rule) {
        return rule.segment_id == query.candidate.segment_id ||
               (query.candidate.is_default && rule.is_default);
      });
      rules.push_back(query.candidate);
      domain::SortForAssignment(rules);
      *response = ToProto(storage::ResegmentStore(tx).Preview(call.tenant_id(), rules,
                                                              query.candidate, query.sample_size,
                                                              std::chrono::system_clock::now()));
    });
  });
}

grpc::ServerUnaryReactor* SegmentService::ResegmentCustomers(
    grpc::CallbackServerContext* context, const v1::ResegmentCustomersRequest* request,
    v1::ResegmentCustomersResponse* response) {
  static constexpr RpcInfo kRpc{"/lifecycle.v1.SegmentService/ResegmentCustomers",
                                Permission::kManageTenant};
  return calls_.Unary(context, kRpc, [=, this](CallScope& call) {
    const domain::ResegmentScope scope = ValidateResegmentCustomers(*request);
    call.Idempotent(*request, request->request_id(), response, [&](storage::Transaction& tx) {
      const auto rules = storage::SegmentStore(tx).ActiveRules(call.tenant_id());
      *response->mutable_job() = ToProto(storage::ResegmentStore(tx).CreateJob(
          call.tenant_id(), rules, scope, std::chrono::system_clock::now(), job_slices_));
    });
    if (job_started_) job_started_();
  });
}

grpc::ServerUnaryReactor* SegmentService::GetResegmentJob(grpc::CallbackServerContext* context,
                                                          const v1::GetResegmentJobRequest* request,
                                                          v1::GetResegmentJobResponse* response) {
  static constexpr RpcInfo kRpc{"/lifecycle.v1.SegmentService/GetResegmentJob",
                                Permission::kReadCustomers};
  return calls_.Unary(context, kRpc, [=](CallScope& call) {
    const std::string job_id = ValidateGetResegmentJob(*request);
    auto job = call.session().Run(call.Tx(), [&](storage::Transaction& tx) {
      return storage::ResegmentStore(tx).GetJob(call.tenant_id(), job_id);
    });
    if (!job) throw domain::Error::NotFound("re-segmentation job '" + job_id + "'");
    *response->mutable_job() = ToProto(*job);
  });
}

grpc::ServerUnaryReactor* SegmentService::GetSegmentationSettings(
    grpc::CallbackServerContext* context, const v1::GetSegmentationSettingsRequest* request,
    v1::GetSegmentationSettingsResponse* response) {
  static constexpr RpcInfo kRpc{"/lifecycle.v1.SegmentService/GetSegmentationSettings",
                                Permission::kReadCustomers};
  return calls_.Unary(context, kRpc, [=](CallScope& call) {
    auto settings = call.session().Run(call.SingleRead(), [&](storage::Transaction& tx) {
      return storage::SegmentStore(tx).GetSettings(call.tenant_id());
    });
    *response->mutable_settings() = ToProto(settings);
  });
}

grpc::ServerUnaryReactor* SegmentService::UpdateSegmentationSettings(
    grpc::CallbackServerContext* context, const v1::UpdateSegmentationSettingsRequest* request,
    v1::UpdateSegmentationSettingsResponse* response) {
  static constexpr RpcInfo kRpc{"/lifecycle.v1.SegmentService/UpdateSegmentationSettings",
                                Permission::kManageTenant};
  return calls_.Unary(context, kRpc, [=](CallScope& call) {
    const domain::SegmentationStrategy strategy = ValidateUpdateSegmentationSettings(*request);
    call.Idempotent(*request, request->request_id(), response, [&](storage::Transaction& tx) {
      *response->mutable_settings() =
          ToProto(storage::SegmentStore(tx).PutSettings(call.tenant_id(), strategy));
    });
  });
}

}  // namespace lifecycle::api
