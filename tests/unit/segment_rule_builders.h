#pragma once

// Short builders for segment rule trees, shared by the segment rule tests.

#include <chrono>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "server/domain/segment_rule.h"

namespace lifecycle::domain::rule_builders {

inline RuleNode Cond(std::string field, RuleOp op, std::vector<RuleValue> values = {}) {
  RuleNode node;
  node.kind = RuleNode::Kind::kCondition;
  node.condition = RuleCondition{std::move(field), op, std::move(values)};
  return node;
}

inline RuleNode Group(RuleNode::Kind kind, std::vector<RuleNode> children) {
  RuleNode node;
  node.kind = kind;
  node.children = std::move(children);
  return node;
}

inline RuleNode All(std::vector<RuleNode> children) {
  return Group(RuleNode::Kind::kAll, std::move(children));
}
inline RuleNode Any(std::vector<RuleNode> children) {
  return Group(RuleNode::Kind::kAny, std::move(children));
}
inline RuleNode Not(RuleNode child) { return Group(RuleNode::Kind::kNot, {std::move(child)}); }
// A `not` with any number of children, for malformed trees.
inline RuleNode NotOf(std::vector<RuleNode> children) {
  return Group(RuleNode::Kind::kNot, std::move(children));
}

// `levels` nested nots around `leaf`: the leaf sits at level levels + 1.
inline RuleNode NotChain(int levels, RuleNode leaf) {
  for (int i = 0; i < levels; ++i) leaf = Not(std::move(leaf));
  return leaf;
}

inline Timestamp AtMicros(std::int64_t micros) {
  return Timestamp(std::chrono::microseconds(micros));
}

}  // namespace lifecycle::domain::rule_builders
