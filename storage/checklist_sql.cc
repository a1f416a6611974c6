#include "storage/checklist_sql.h"

#include "storage/sql_array.h"

namespace lifecycle::storage {

StepArrays::StepArrays(const std::vector<domain::StepTemplate>& steps) {
  std::vector<std::string> ids, kind_names, step_titles, channel_names, offsets, flags;
  for (const auto& step : steps) {
    ids.push_back(step.step_id);
    kind_names.emplace_back(domain::StepKindName(step.kind));
    step_titles.push_back(step.title);
    channel_names.emplace_back(domain::ChannelName(step.channel));
    offsets.push_back(std::to_string(step.due_offset.count()));
    flags.emplace_back(step.required ? "true" : "false");
  }
  step_ids = ToSqlTextArray(ids);
  kinds = ToSqlTextArray(kind_names);
  titles = ToSqlTextArray(step_titles);
  channels = ToSqlTextArray(channel_names);
  due_offsets = ToSqlTextArray(offsets);
  required = ToSqlTextArray(flags);
}

domain::StepTemplate StepTemplateFromRow(const pqxx::row& row, int first) {
  return domain::StepTemplate{
      .step_id = row[first].as<std::string>(),
      .kind = domain::StepKindFromName(row[first + 1].as<std::string>())
                  .value_or(domain::StepKind::kCustom),
      .title = row[first + 2].as<std::string>(),
      .channel = domain::ChannelFromName(row[first + 3].as<std::string>())
                     .value_or(domain::Channel::kEmail),
      .due_offset = std::chrono::seconds(row[first + 4].as<std::int64_t>()),
      .required = row[first + 5].as<bool>(),
  };
}

}  // namespace lifecycle::storage
