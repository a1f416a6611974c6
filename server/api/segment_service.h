#pragma once

#include <functional>

#include "lifecycle/v1/segment.grpc.pb.h"
#include "server/api/call.h"

namespace lifecycle::api {

class SegmentService final : public v1::SegmentService::CallbackService {
 public:
  // `job_slices`: the ranges a re-segmentation job is cut into, one per
  // background worker. `job_started` wakes the background runner
  // (server/app/resegment_runner.h) so a new re-segmentation starts at once
  // instead of at its next poll.
  SegmentService(CallRunner& calls, int job_slices, std::function<void()> job_started)
      : calls_(calls), job_slices_(job_slices), job_started_(std::move(job_started)) {}

  grpc::ServerUnaryReactor* CreateSegment(grpc::CallbackServerContext* context,
                                          const v1::CreateSegmentRequest* request,
                                          v1::CreateSegmentResponse* response) override;
  grpc::ServerUnaryReactor* GetSegment(grpc::CallbackServerContext* context,
                                       const v1::GetSegmentRequest* request,
                                       v1::GetSegmentResponse* response) override;
  grpc::ServerUnaryReactor* UpdateSegment(grpc::CallbackServerContext* context,
                                          const v1::UpdateSegmentRequest* request,
                                          v1::UpdateSegmentResponse* response) override;
  grpc::ServerUnaryReactor* ListSegments(grpc::CallbackServerContext* context,
                                         const v1::ListSegmentsRequest* request,
                                         v1::ListSegmentsResponse* response) override;
  grpc::ServerUnaryReactor* RetireSegment(grpc::CallbackServerContext* context,
                                          const v1::RetireSegmentRequest* request,
                                          v1::RetireSegmentResponse* response) override;
  grpc::ServerUnaryReactor* PreviewSegment(grpc::CallbackServerContext* context,
                                           const v1::PreviewSegmentRequest* request,
                                           v1::PreviewSegmentResponse* response) override;
  grpc::ServerUnaryReactor* ResegmentCustomers(grpc::CallbackServerContext* context,
                                               const v1::ResegmentCustomersRequest* request,
                                               v1::ResegmentCustomersResponse* response) override;
  grpc::ServerUnaryReactor* GetResegmentJob(grpc::CallbackServerContext* context,
                                            const v1::GetResegmentJobRequest* request,
                                            v1::GetResegmentJobResponse* response) override;
  grpc::ServerUnaryReactor* GetSegmentationSettings(
      grpc::CallbackServerContext* context, const v1::GetSegmentationSettingsRequest* request,
      v1::GetSegmentationSettingsResponse* response) override;
  grpc::ServerUnaryReactor* UpdateSegmentationSettings(
      grpc::CallbackServerContext* context, const v1::UpdateSegmentationSettingsRequest* request,
      v1::UpdateSegmentationSettingsResponse* response) override;

 private:
  CallRunner& calls_;
  int job_slices_;
  std::function<void()> job_started_;
};

}  // namespace lifecycle::api
