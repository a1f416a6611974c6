// OnboardingService: the checklist template RPCs (admin writes, anyone reads).

#include "server/api/checklist_template_requests.h"
#include "server/api/onboarding_proto.h"
#include "server/api/onboarding_service.h"
#include "server/api/page_token.h"
#include "server/domain/error.h"
#include "storage/checklist_template_store.h"
#include "storage/segment_store.h"

namespace lifecycle::api {
namespace {

using domain::Permission;

domain::Error TemplateNotFound(const std::string& segment_id) {
  return domain::Error::NotFound("checklist template for segment '" + segment_id + "'");
}

}  // namespace

grpc::ServerUnaryReactor* OnboardingService::CreateChecklistTemplate(
    grpc::CallbackServerContext* context, const v1::CreateChecklistTemplateRequest* request,
    v1::CreateChecklistTemplateResponse* response) {
  static constexpr RpcInfo kRpc{"/lifecycle.v1.OnboardingService/CreateChecklistTemplate",
                                Permission::kManageTenant};
  return calls_.Unary(context, kRpc, [=](CallScope& call) {
    const domain::ChecklistTemplate checklist_template = ValidateCreateChecklistTemplate(*request);
    call.Idempotent(*request, request->request_id(), response, [&](storage::Transaction& tx) {
      if (!storage::SegmentStore(tx).Get(call.tenant_id(), checklist_template.segment_id)) {
        throw domain::Error::NotFound("segment '" + checklist_template.segment_id + "'");
      }
      *response->mutable_template_() =
          ToProto(storage::ChecklistTemplateStore(tx).Create(call.tenant_id(), checklist_template));
    });
  });
}

grpc::ServerUnaryReactor* OnboardingService::GetChecklistTemplate(
    grpc::CallbackServerContext* context, const v1::GetChecklistTemplateRequest* request,
    v1::GetChecklistTemplateResponse* response) {
  static constexpr RpcInfo kRpc{"/lifecycle.v1.OnboardingService/GetChecklistTemplate",
                                Permission::kReadCustomers};
  return calls_.Unary(context, kRpc, [=](CallScope& call) {
    const TemplateQuery query = ValidateGetChecklistTemplate(*request);
    call.session().Run(call.Tx(), [&](storage::Transaction& tx) {
      storage::ChecklistTemplateStore store(tx);
      auto found = store.Get(call.tenant_id(), query.segment_id, query.version);
      if (!found) {
        if (query.version && store.Get(call.tenant_id(), query.segment_id)) {
          throw domain::Error::NotFound("version " + std::to_string(*query.version) +
                                        " of the checklist template for segment '" +
                                        query.segment_id + "'");
        }
        throw TemplateNotFound(query.segment_id);
      }
      *response->mutable_template_() = ToProto(*found);
    });
  });
}

grpc::ServerUnaryReactor* OnboardingService::UpdateChecklistTemplate(
    grpc::CallbackServerContext* context, const v1::UpdateChecklistTemplateRequest* request,
    v1::UpdateChecklistTemplateResponse* response) {
  static constexpr RpcInfo kRpc{"/lifecycle.v1.OnboardingService/UpdateChecklistTemplate",
                                Permission::kManageTenant};
  return calls_.Unary(context, kRpc, [=](CallScope& call) {
    const TemplateUpdate update = ValidateUpdateChecklistTemplate(*request);
    call.Idempotent(*request, request->request_id(), response, [&](storage::Transaction& tx) {
      storage::ChecklistTemplateStore store(tx);
      auto current = store.Get(call.tenant_id(), update.patch.segment_id);
      if (!current) throw TemplateNotFound(update.patch.segment_id);
      *response->mutable_template_() = ToProto(store.AddVersion(
          call.tenant_id(), ApplyTemplateUpdate(*current, update), update.expected_version));
    });
  });
}

grpc::ServerUnaryReactor* OnboardingService::ListChecklistTemplates(
    grpc::CallbackServerContext* context, const v1::ListChecklistTemplatesRequest* request,
    v1::ListChecklistTemplatesResponse* response) {
  static constexpr RpcInfo kRpc{"/lifecycle.v1.OnboardingService/ListChecklistTemplates",
                                Permission::kReadCustomers};
  return calls_.Unary(context, kRpc, [=](CallScope& call) {
    const TemplateListQuery query = ValidateListChecklistTemplates(*request);
    auto templates = call.session().Run(call.Tx(), [&](storage::Transaction& tx) {
      return storage::ChecklistTemplateStore(tx).List(call.tenant_id(), query.after,
                                                      query.page_size + 1);
    });
    const bool more = TrimToPage(templates, query.page_size);
    for (const auto& checklist_template : templates) {
      *response->add_templates() = ToProto(checklist_template);
    }
    if (more) {
      response->set_next_page_token(
          EncodePageToken(query.query_digest, {templates.back().segment_id}));
    }
  });
}

}  // namespace lifecycle::api
