#pragma once

#include "lifecycle/v1/onboarding.grpc.pb.h"
#include "server/api/call.h"

namespace lifecycle::api {

// Templates (checklist_template_rpcs.cc) and customers' checklists,
// follow-ups, the overdue queue and metrics (onboarding_service.cc).
class OnboardingService final : public v1::OnboardingService::CallbackService {
 public:
  explicit OnboardingService(CallRunner& calls) : calls_(calls) {}

  grpc::ServerUnaryReactor* CreateChecklistTemplate(
      grpc::CallbackServerContext* context, const v1::CreateChecklistTemplateRequest* request,
      v1::CreateChecklistTemplateResponse* response) override;
  grpc::ServerUnaryReactor* GetChecklistTemplate(
      grpc::CallbackServerContext* context, const v1::GetChecklistTemplateRequest* request,
      v1::GetChecklistTemplateResponse* response) override;
  grpc::ServerUnaryReactor* UpdateChecklistTemplate(
      grpc::CallbackServerContext* context, const v1::UpdateChecklistTemplateRequest* request,
      v1::UpdateChecklistTemplateResponse* response) override;
  grpc::ServerUnaryReactor* ListChecklistTemplates(
      grpc::CallbackServerContext* context, const v1::ListChecklistTemplatesRequest* request,
      v1::ListChecklistTemplatesResponse* response) override;

  grpc::ServerUnaryReactor* GetChecklist(grpc::CallbackServerContext* context,
                                         const v1::GetChecklistRequest* request,
                                         v1::GetChecklistResponse* response) override;
  grpc::ServerUnaryReactor* CompleteStep(grpc::CallbackServerContext* context,
                                         const v1::CompleteStepRequest* request,
                                         v1::CompleteStepResponse* response) override;
  grpc::ServerUnaryReactor* SkipStep(grpc::CallbackServerContext* context,
                                     const v1::SkipStepRequest* request,
                                     v1::SkipStepResponse* response) override;
  grpc::ServerUnaryReactor* LogFollowUp(grpc::CallbackServerContext* context,
                                        const v1::LogFollowUpRequest* request,
                                        v1::LogFollowUpResponse* response) override;
  grpc::ServerUnaryReactor* ListFollowUps(grpc::CallbackServerContext* context,
                                          const v1::ListFollowUpsRequest* request,
                                          v1::ListFollowUpsResponse* response) override;
  grpc::ServerUnaryReactor* ListOverdueSteps(grpc::CallbackServerContext* context,
                                             const v1::ListOverdueStepsRequest* request,
                                             v1::ListOverdueStepsResponse* response) override;
  grpc::ServerUnaryReactor* GetOnboardingMetrics(
      grpc::CallbackServerContext* context, const v1::GetOnboardingMetricsRequest* request,
      v1::GetOnboardingMetricsResponse* response) override;

 private:
  CallRunner& calls_;
};

}  // namespace lifecycle::api
