#include "server/api/segment_requests.h"

#include <charconv>

#include "server/api/page_token.h"
#include "server/api/request_checks.h"
#include "server/api/segment_proto.h"
#include "server/domain/error.h"
#include "server/domain/identifiers.h"

namespace lifecycle::api {
namespace {

const std::vector<std::string> kUpdatablePaths = {"display_name", "description", "basis", "story",
                                                  "goal",         "priority",    "rule"};

// Converts and validates a rule; empty if anything is wrong (all reported).
std::optional<domain::RuleNode> CheckRule(domain::Violations& violations, const v1::Rule& rule,
                                          const std::string& path) {
  const std::size_t before = violations.size();
  domain::RuleNode node = RuleFromProto(rule, path, violations);
  // A half-converted tree would only add confusing follow-on messages.
  if (violations.size() != before) return std::nullopt;
  domain::ValidateRule(node, path, violations);
  if (violations.size() != before) return std::nullopt;
  return node;
}

std::optional<domain::SegmentBasis> CheckBasis(domain::Violations& violations, int basis) {
  if (basis == v1::SEGMENT_BASIS_UNSPECIFIED) {
    violations.Add("segment.basis", "is required");
    return std::nullopt;
  }
  auto known = domain::SegmentBasisFromNumber(basis);
  if (!known) violations.Add("segment.basis", "unknown basis " + std::to_string(basis));
  return known;
}

// The content fields of a segment (everything but identity and output-only).
void CheckContent(domain::Violations& violations, const v1::Segment& in, domain::Segment& out,
                  const std::set<std::string>& fields) {
  if (fields.contains("display_name")) {
    CheckRequiredText(violations, "segment.display_name", in.display_name(),
                      domain::kMaxDisplayNameLength);
    out.display_name = in.display_name();
  }
  if (fields.contains("description")) {
    CheckOptionalText(violations, "segment.description", in.description(),
                      domain::kMaxSegmentTextLength);
    out.description = in.description();
  }
  if (fields.contains("story")) {
    CheckOptionalText(violations, "segment.story", in.story(), domain::kMaxSegmentTextLength);
    out.story = in.story();
  }
  if (fields.contains("goal")) {
    CheckOptionalText(violations, "segment.goal", in.goal(), domain::kMaxSegmentTextLength);
    out.goal = in.goal();
  }
  if (fields.contains("basis")) {
    if (auto basis = CheckBasis(violations, in.basis())) out.basis = *basis;
  }
  if (fields.contains("priority")) out.priority = in.priority();
  if (fields.contains("rule")) {
    if (in.has_rule()) out.rule = CheckRule(violations, in.rule(), "segment.rule");
  }
}

// A default segment has no rule; any other needs one.
void CheckRulePresence(domain::Violations& violations, bool is_default, bool has_rule) {
  if (is_default && has_rule) {
    violations.Add("segment.rule", "must be unset: the default segment takes everyone else");
  } else if (!is_default && !has_rule) {
    violations.Add("segment.rule", "is required (only the default segment has no rule)");
  }
}

std::int32_t ParsePriority(const std::string& text) {
  std::int32_t value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size() || text.empty() ||
      std::to_string(value) != text) {
    throw domain::Error::InvalidArgument("page_token", "is malformed");
  }
  return value;
}

}  // namespace

domain::Segment ValidateCreateSegment(const v1::CreateSegmentRequest& request) {
  domain::Violations violations;
  CheckRequestId(violations, request.request_id());
  if (!request.has_segment()) {
    violations.Add("segment", "is required");
    std::move(violations).ThrowIfAny();
  }
  const v1::Segment& in = request.segment();
  domain::Segment segment{.segment_id = in.segment_id(), .is_default = in.is_default()};
  CheckId(violations, "segment.segment_id", in.segment_id());
  CheckContent(violations, in, segment, {kUpdatablePaths.begin(), kUpdatablePaths.end()});
  CheckRulePresence(violations, in.is_default(), in.has_rule());
  std::move(violations).ThrowIfAny();
  return segment;
}

SegmentQuery ValidateGetSegment(const v1::GetSegmentRequest& request) {
  domain::Violations violations;
  CheckId(violations, "segment_id", request.segment_id());
  SegmentQuery query{.segment_id = request.segment_id(),
                     .version = CheckVersion(violations, request.version())};
  std::move(violations).ThrowIfAny();
  return query;
}

SegmentUpdate ValidateUpdateSegment(const v1::UpdateSegmentRequest& request) {
  domain::Violations violations;
  CheckRequestId(violations, request.request_id());
  if (!request.has_segment()) {
    violations.Add("segment", "is required");
    std::move(violations).ThrowIfAny();
  }
  SegmentUpdate update;
  update.patch.segment_id = request.segment().segment_id();
  CheckId(violations, "segment.segment_id", update.patch.segment_id);
  update.mask = CheckUpdateMask(violations, request.update_mask(), kUpdatablePaths);
  CheckContent(violations, request.segment(), update.patch, update.mask);
  CheckExpectedVersion(violations, request.has_expected_version(), request.expected_version(),
                       update.expected_version);
  std::move(violations).ThrowIfAny();
  return update;
}

domain::Segment ApplySegmentUpdate(const domain::Segment& current, const SegmentUpdate& update) {
  domain::Segment next = current;
  const domain::Segment& patch = update.patch;
  if (update.mask.contains("display_name")) next.display_name = patch.display_name;
  if (update.mask.contains("description")) next.description = patch.description;
  if (update.mask.contains("basis")) next.basis = patch.basis;
  if (update.mask.contains("story")) next.story = patch.story;
  if (update.mask.contains("goal")) next.goal = patch.goal;
  if (update.mask.contains("priority")) next.priority = patch.priority;
  if (update.mask.contains("rule")) next.rule = patch.rule;
  domain::Violations violations;
  CheckRulePresence(violations, next.is_default, next.rule.has_value());
  std::move(violations).ThrowIfAny();
  return next;
}

SegmentListQuery ValidateListSegments(const v1::ListSegmentsRequest& request) {
  domain::Violations violations;
  SegmentListQuery query{.include_retired = request.show_retired()};
  query.page_size = CheckPageSize(violations, request.page_size());
  query.query_digest = std::string("segments;retired=") + (request.show_retired() ? "1" : "0");
  if (!request.page_token().empty()) {
    try {
      auto position = DecodePageToken(request.page_token(), query.query_digest, 3);
      if (position[0] != "0" && position[0] != "1") {
        throw domain::Error::InvalidArgument("page_token", "is malformed");
      }
      CheckId(violations, "page_token", position[2]);
      query.after =
          storage::SegmentListPosition{position[0] == "1", ParsePriority(position[1]), position[2]};
    } catch (const domain::Error& error) {
      violations.AddFrom(error);
    }
  }
  std::move(violations).ThrowIfAny();
  return query;
}

RetireSegmentCommand ValidateRetireSegment(const v1::RetireSegmentRequest& request) {
  domain::Violations violations;
  CheckRequestId(violations, request.request_id());
  CheckId(violations, "segment_id", request.segment_id());
  RetireSegmentCommand command{.segment_id = request.segment_id()};
  CheckExpectedVersion(violations, request.has_expected_version(), request.expected_version(),
                       command.expected_version);
  std::move(violations).ThrowIfAny();
  return command;
}

PreviewQuery ValidatePreviewSegment(const v1::PreviewSegmentRequest& request) {
  domain::Violations violations;
  if (!request.has_segment()) {
    violations.Add("segment", "is required");
    std::move(violations).ThrowIfAny();
  }
  const v1::Segment& in = request.segment();
  PreviewQuery query;
  query.candidate.segment_id = in.segment_id();
  query.candidate.priority = in.priority();
  query.candidate.is_default = in.is_default();
  CheckId(violations, "segment.segment_id", in.segment_id());
  CheckRulePresence(violations, in.is_default(), in.has_rule());
  if (in.has_rule()) query.candidate.rule = CheckRule(violations, in.rule(), "segment.rule");
  if (request.sample_size() < 0 || request.sample_size() > kMaxPreviewSample) {
    violations.Add("sample_size", "must be between 0 (default " +
                                      std::to_string(kDefaultPreviewSample) + ") and " +
                                      std::to_string(kMaxPreviewSample));
  } else if (request.sample_size() > 0) {
    query.sample_size = request.sample_size();
  }
  std::move(violations).ThrowIfAny();
  return query;
}

domain::ResegmentScope ValidateResegmentCustomers(const v1::ResegmentCustomersRequest& request) {
  domain::Violations violations;
  CheckRequestId(violations, request.request_id());
  domain::ResegmentScope scope;
  if (request.has_filter()) scope.filter = CheckRule(violations, request.filter(), "filter");
  if (request.segment_ids_size() > kMaxScopeSegments) {
    violations.Add("segment_ids", "at most " + std::to_string(kMaxScopeSegments) + " ids");
  } else if (request.segment_ids_size() > 0) {
    scope.segment_ids.emplace();
    for (int i = 0; i < request.segment_ids_size(); ++i) {
      const std::string& id = request.segment_ids(i);
      // "" names the customers in no segment.
      if (!id.empty()) CheckId(violations, "segment_ids[" + std::to_string(i) + "]", id);
      scope.segment_ids->push_back(id);
    }
  }
  std::move(violations).ThrowIfAny();
  return scope;
}

std::string ValidateGetResegmentJob(const v1::GetResegmentJobRequest& request) {
  domain::Violations violations;
  CheckId(violations, "job_id", request.job_id());
  std::move(violations).ThrowIfAny();
  return request.job_id();
}

domain::SegmentationStrategy ValidateUpdateSegmentationSettings(
    const v1::UpdateSegmentationSettingsRequest& request) {
  domain::Violations violations;
  CheckRequestId(violations, request.request_id());
  std::optional<domain::SegmentationStrategy> strategy;
  if (request.settings().strategy() == v1::SEGMENTATION_STRATEGY_UNSPECIFIED) {
    violations.Add("settings.strategy", "is required");
  } else {
    strategy = domain::SegmentationStrategyFromNumber(request.settings().strategy());
    if (!strategy) {
      violations.Add("settings.strategy",
                     "unknown strategy " + std::to_string(request.settings().strategy()));
    }
  }
  std::move(violations).ThrowIfAny();
  return *strategy;
}

}  // namespace lifecycle::api
