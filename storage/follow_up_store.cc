#include "storage/follow_up_store.h"

#include "server/domain/error.h"
#include "storage/sql_time.h"
#include "storage/transaction.h"

namespace lifecycle::storage {
namespace {

#define FOLLOW_UP_COLUMNS                                                                          \
  "follow_up_id, customer_id, coalesce(onboarding_number, 0), agent_id, channel, activated, "      \
  "needed_help, help_kind, coalesce(help_quality, 0), help_reason, outcome, note, " LC_SQL_MICROS( \
      "created_at") ", logged_by"

// Only an existing customer gets a row; the checklist is the latest one.
const Statement kLog{
    "follow_up_log",
    "INSERT INTO onboarding_follow_ups (tenant_id, customer_id, onboarding_number, agent_id,"
    " channel, activated, needed_help, help_kind, help_quality, help_reason, outcome, note,"
    " logged_by)"
    " SELECT c.tenant_id, c.customer_id,"
    " (SELECT max(o.onboarding_number) FROM onboarding_checklists o"
    "  WHERE o.tenant_id = c.tenant_id AND o.customer_id = c.customer_id),"
    " $3, $4, $5, $6, $7, nullif($8::integer, 0), $9, $10, $11, $12"
    " FROM customers c WHERE c.tenant_id = $1::uuid AND c.customer_id = $2"
    " RETURNING " FOLLOW_UP_COLUMNS};
const Statement kList{
    "follow_up_list",
    "SELECT " FOLLOW_UP_COLUMNS
    " FROM onboarding_follow_ups WHERE tenant_id = $1::uuid AND customer_id = $2"
    " AND ($3::bigint IS NULL OR follow_up_id < $3) ORDER BY follow_up_id DESC LIMIT $4"};

domain::FollowUp FromRow(const pqxx::row& row) {
  domain::FollowUp follow_up{
      .follow_up_id = row[0].as<std::int64_t>(),
      .customer_id = row[1].as<std::string>(),
      .onboarding_number = row[2].as<std::int64_t>(),
      .agent_id = row[3].as<std::string>(),
      .channel =
          domain::ChannelFromName(row[4].as<std::string>()).value_or(domain::Channel::kPhone),
      .activated = domain::ActivationFromName(row[5].as<std::string>())
                       .value_or(domain::Activation::kUnknown),
      .needed_help = row[6].as<bool>(),
      .help_quality = row[8].as<int>(),
      .help_reason = row[9].as<std::string>(),
      .outcome = domain::FollowUpOutcomeFromName(row[10].as<std::string>())
                     .value_or(domain::FollowUpOutcome::kResolved),
      .note = row[11].as<std::string>(),
      .create_time = FromEpochMicros(row[12].as<std::int64_t>()),
      .logged_by = row[13].as<std::string>(),
  };
  if (!row[7].is_null()) follow_up.help_kind = domain::HelpKindFromName(row[7].as<std::string>());
  return follow_up;
}

}  // namespace

domain::FollowUp FollowUpStore::Log(const std::string& tenant_id,
                                    const domain::FollowUp& follow_up) {
  const char* help_kind =
      follow_up.help_kind ? domain::HelpKindName(*follow_up.help_kind).data() : nullptr;
  auto rows =
      tx_.Exec(kLog, tenant_id, follow_up.customer_id, follow_up.agent_id,
               std::string(domain::ChannelName(follow_up.channel)),
               std::string(domain::ActivationName(follow_up.activated)), follow_up.needed_help,
               help_kind, follow_up.help_quality, follow_up.help_reason,
               std::string(domain::FollowUpOutcomeName(follow_up.outcome)), follow_up.note,
               follow_up.logged_by);
  if (rows.empty()) throw domain::Error::NotFound("customer '" + follow_up.customer_id + "'");
  return FromRow(rows[0]);
}

std::vector<domain::FollowUp> FollowUpStore::List(const std::string& tenant_id,
                                                  const std::string& customer_id,
                                                  std::optional<std::int64_t> before, int limit) {
  auto rows = before ? tx_.Exec(kList, tenant_id, customer_id, *before, limit)
                     : tx_.Exec(kList, tenant_id, customer_id, nullptr, limit);
  std::vector<domain::FollowUp> follow_ups;
  follow_ups.reserve(rows.size());
  for (const auto& row : rows) follow_ups.push_back(FromRow(row));
  return follow_ups;
}

}  // namespace lifecycle::storage
