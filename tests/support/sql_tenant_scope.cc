#include "tests/support/sql_tenant_scope.h"

#include <cctype>
#include <map>
#include <optional>

namespace lifecycle::testing {
namespace {

// ---- C++ side: string literals, identifiers and #define macros ----

struct CppToken {
  enum Kind { kString, kIdent, kPunct } kind;
  std::string text;  // a literal's contents (escapes kept), an identifier, a punctuator
  int line;
};

struct Macro {
  std::optional<std::vector<std::string>> params;  // function-like when set
  std::vector<CppToken> body;
};
using Macros = std::map<std::string, Macro>;

bool IdentStart(char c) { return std::isalpha(static_cast<unsigned char>(c)) || c == '_'; }
bool IdentChar(char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; }

class CppScanner {
 public:
  CppScanner(const std::string& text, Macros& macros) : text_(text), macros_(macros) {}

  // Tokens outside preprocessor lines; #define bodies go to the macro table.
  std::vector<CppToken> Tokens() {
    std::vector<CppToken> tokens;
    bool line_start = true;
    while (pos_ < text_.size()) {
      const char c = text_[pos_];
      if (c == '\n') {
        ++line_;
        ++pos_;
        line_start = true;
        continue;
      }
      if (std::isspace(static_cast<unsigned char>(c))) {
        ++pos_;
        continue;
      }
      if (line_start && c == '#') {
        Directive();
        continue;
      }
      line_start = false;
      if (auto token = Next()) tokens.push_back(*std::move(token));
    }
    return tokens;
  }

 private:
  // One token at pos_ (comments give none).
  std::optional<CppToken> Next() {
    const char c = text_[pos_];
    if (text_.compare(pos_, 2, "//") == 0) {
      while (pos_ < text_.size() && text_[pos_] != '\n') ++pos_;
      return std::nullopt;
    }
    if (text_.compare(pos_, 2, "/*") == 0) {
      const auto end = text_.find("*/", pos_ + 2);
      for (auto i = pos_; i < std::min(end, text_.size()); ++i) line_ += text_[i] == '\n';
      pos_ = end == std::string::npos ? text_.size() : end + 2;
      return std::nullopt;
    }
    if (c == '"' || c == '\'') {
      const int line = line_;
      std::string contents;
      for (++pos_; pos_ < text_.size() && text_[pos_] != c; ++pos_) {
        if (text_[pos_] == '\\') contents += text_[pos_++];
        contents += text_[pos_];
      }
      ++pos_;
      if (c == '\'') return std::nullopt;  // a character literal
      return CppToken{CppToken::kString, contents, line};
    }
    if (IdentStart(c)) {
      const auto start = pos_;
      while (pos_ < text_.size() && IdentChar(text_[pos_])) ++pos_;
      return CppToken{CppToken::kIdent, text_.substr(start, pos_ - start), line_};
    }
    ++pos_;
    return CppToken{CppToken::kPunct, std::string(1, c), line_};
  }

  // A preprocessor line (with its continuations); only #define is kept.
  void Directive() {
    auto end = pos_;
    while (end < text_.size() && !(text_[end] == '\n' && text_[end - 1] != '\\')) ++end;
    std::string line = text_.substr(pos_, end - pos_);
    for (auto& ch : line) {
      if (ch == '\\' || ch == '\n') ch = ' ';
    }
    for (auto i = pos_; i < end; ++i) line_ += text_[i] == '\n';
    pos_ = end;
    const std::string kDefine = "#define ";
    if (line.rfind(kDefine, 0) != 0) return;
    std::size_t at = kDefine.size();
    const auto name_end = line.find_first_not_of(
        "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_", at);
    Macro macro;
    const std::string name = line.substr(at, name_end - at);
    at = name_end;
    if (at < line.size() && line[at] == '(') {
      const auto close = line.find(')', at);
      macro.params.emplace();
      std::string param;
      for (auto i = at + 1; i < close; ++i) {
        if (line[i] == ',') {
          macro.params->push_back(param);
          param.clear();
        } else if (!std::isspace(static_cast<unsigned char>(line[i]))) {
          param += line[i];
        }
      }
      if (!param.empty()) macro.params->push_back(param);
      at = close + 1;
    }
    Macros none;
    const std::string body_text = line.substr(at);
    CppScanner body(body_text, none);
    body.line_ = line_;
    macro.body = body.Tokens();
    macros_[name] = std::move(macro);
  }

  const std::string& text_;
  Macros& macros_;
  std::size_t pos_ = 0;
  int line_ = 1;
};

bool IsPunct(const std::vector<CppToken>& tokens, std::size_t i, const char* text) {
  return i < tokens.size() && tokens[i].kind == CppToken::kPunct && tokens[i].text == text;
}

// Joins adjacent literals, macros and spliced expressions into one SQL text,
// as the compiler (and std::string's operator+) would.
class RunBuilder {
 public:
  explicit RunBuilder(const Macros& macros) : macros_(macros) {}

  // Appends the run starting at tokens[i]; false when tokens[i] starts none.
  bool Run(const std::vector<CppToken>& tokens, std::size_t& i, std::string& sql,
           const std::map<std::string, std::string>& args = {}) {
    if (!Operand(tokens, i, sql, args)) return false;
    for (;;) {
      if (Operand(tokens, i, sql, args)) continue;
      if (!IsPunct(tokens, i, "+")) return true;
      ++i;
      if (Operand(tokens, i, sql, args)) continue;
      SkipExpression(tokens, i);
      sql += " ? ";
      if (!IsPunct(tokens, i, "+")) return true;
      ++i;
    }
  }

 private:
  bool Operand(const std::vector<CppToken>& tokens, std::size_t& i, std::string& sql,
               const std::map<std::string, std::string>& args) {
    if (i >= tokens.size()) return false;
    const CppToken& token = tokens[i];
    if (token.kind == CppToken::kString) {
      sql += token.text;
      ++i;
      return true;
    }
    if (token.kind != CppToken::kIdent) return false;
    if (const auto arg = args.find(token.text); arg != args.end()) {
      sql += arg->second;
      ++i;
      return true;
    }
    const auto macro = macros_.find(token.text);
    if (macro == macros_.end()) return false;
    std::map<std::string, std::string> bound;
    std::size_t next = i + 1;
    if (macro->second.params) {
      if (!IsPunct(tokens, next, "(")) return false;
      ++next;
      for (const auto& param : *macro->second.params) {
        std::string value;
        Run(tokens, next, value, args);
        bound[param] = value;
        if (IsPunct(tokens, next, ",")) ++next;
      }
      if (!IsPunct(tokens, next, ")")) return false;
      ++next;
    }
    std::size_t at = 0;
    while (at < macro->second.body.size()) {
      if (!Run(macro->second.body, at, sql, bound)) ++at;
    }
    i = next;
    return true;
  }

  // Past one C++ operand of `+` (a name, a call, a member access, ...).
  static void SkipExpression(const std::vector<CppToken>& tokens, std::size_t& i) {
    int depth = 0;
    for (; i < tokens.size(); ++i) {
      const CppToken& token = tokens[i];
      if (token.kind != CppToken::kPunct) continue;
      if (token.text == "(" || token.text == "[") ++depth;
      if (token.text == ")" || token.text == "]") {
        if (depth == 0) return;
        --depth;
      }
      if (depth == 0 &&
          (token.text == "+" || token.text == ";" || token.text == "," || token.text == "}")) {
        return;
      }
    }
  }

  const Macros& macros_;
};

// ---- SQL side ----

struct SqlToken {
  enum Kind { kWord, kParam, kOther } kind;
  std::string text;  // words in lower case
};

std::vector<SqlToken> SqlTokens(const std::string& sql) {
  std::vector<SqlToken> tokens;
  std::size_t i = 0;
  while (i < sql.size()) {
    const char c = sql[i];
    if (std::isspace(static_cast<unsigned char>(c))) {
      ++i;
    } else if (c == '\'') {  // a string constant: skipped whole
      for (++i; i < sql.size() && sql[i] != '\''; ++i) {
      }
      ++i;
      tokens.push_back({SqlToken::kOther, "'"});
    } else if (IdentStart(c)) {
      std::string word;
      for (; i < sql.size() && IdentChar(sql[i]); ++i) {
        word += static_cast<char>(std::tolower(static_cast<unsigned char>(sql[i])));
      }
      tokens.push_back({SqlToken::kWord, word});
    } else if (c == '$' && i + 1 < sql.size() &&
               std::isdigit(static_cast<unsigned char>(sql[i + 1]))) {
      std::string param = "$";
      for (++i; i < sql.size() && std::isdigit(static_cast<unsigned char>(sql[i])); ++i) {
        param += sql[i];
      }
      tokens.push_back({SqlToken::kParam, param});
    } else if (sql.compare(i, 2, "::") == 0) {
      tokens.push_back({SqlToken::kOther, "::"});
      i += 2;
    } else {
      tokens.push_back({SqlToken::kOther, std::string(1, c)});
      ++i;
    }
  }
  return tokens;
}

// Words that end a FROM item: what follows a table name is not its alias.
const std::set<std::string>& NotAnAlias() {
  static const std::set<std::string> words = {
      "where",  "join",   "left",   "right",  "full",      "inner",      "cross",     "on",
      "using",  "set",    "group",  "order",  "limit",     "for",        "returning", "union",
      "window", "having", "offset", "except", "intersect", "natural",    "lateral",   "with",
      "values", "select", "do",     "and",    "or",        "tablesample"};
  return words;
}

struct Reference {
  std::string table;
  std::string alias;  // the table's name when it has none
  bool has_alias = false;
  bool tied_by_using = false;
};

class StatementScope {
 public:
  StatementScope(const std::string& sql, const std::set<std::string>& tenant_tables)
      : tokens_(SqlTokens(sql)), tables_(tenant_tables) {}

  std::vector<Reference> References() {
    std::vector<Reference> refs;
    for (std::size_t i = 0; i < tokens_.size(); ++i) {
      if (!IsWord(i, "from") && !IsWord(i, "join") && !IsWord(i, "update") && !IsWord(i, "using"))
        continue;
      std::size_t at = i + 1;
      if (IsWord(at, "only")) ++at;
      while (auto ref = ReferenceAt(at)) {
        if (ref->tied_by_using && !refs.empty()) refs.back().tied_by_using = true;
        refs.push_back(*ref);
        if (!Is(at, ",")) break;  // FROM a x, b y: the next item
        ++at;
      }
    }
    return refs;
  }

  // Tied by USING or by a tie naming its alias (or its table's name).
  bool Tied(const Reference& ref) const {
    if (ref.tied_by_using) return true;
    for (std::size_t i = 0; i + 2 < tokens_.size(); ++i) {
      if (IsWord(i, ref.alias) && Is(i + 1, ".") && IsWord(i + 2, "tenant_id") &&
          TiesAt(i, i + 3, ref.alias)) {
        return true;
      }
    }
    return false;
  }

  // Ties of the bare column (`tenant_id = $1`): which unaliased table each
  // belongs to is not known, so each such table needs one of its own.
  int BareTies() const {
    int ties = 0;
    for (std::size_t i = 0; i < tokens_.size(); ++i) {
      if (IsWord(i, "tenant_id") && !Is(i - 1, ".") && TiesAt(i, i + 1, "")) ++ties;
    }
    return ties;
  }

 private:
  // A tenant table named at tokens_[at] (not a function or a column); moves
  // `at` past its alias and any USING list.
  std::optional<Reference> ReferenceAt(std::size_t& at) const {
    if (at >= tokens_.size() || tokens_[at].kind != SqlToken::kWord) return std::nullopt;
    if (!tables_.contains(tokens_[at].text) || Is(at + 1, "(") || Is(at + 1, "."))
      return std::nullopt;
    Reference ref{tokens_[at].text, tokens_[at].text};
    ++at;
    if (IsWord(at, "as")) ++at;
    if (at < tokens_.size() && tokens_[at].kind == SqlToken::kWord &&
        !NotAnAlias().contains(tokens_[at].text)) {
      ref.alias = tokens_[at].text;
      ref.has_alias = true;
      ++at;
    }
    if (IsWord(at, "using") && Is(at + 1, "(")) {
      for (std::size_t k = at + 2; k < tokens_.size() && !Is(k, ")"); ++k) {
        if (IsWord(k, "tenant_id")) ref.tied_by_using = true;
      }
    }
    return ref;
  }

  // The tenant column spanning tokens [begin, end) is equated with a
  // parameter or another table's tenant_id.
  bool TiesAt(std::size_t begin, std::size_t end, const std::string& alias) const {
    if (Is(end, "=") && TenantValueAfter(end + 1, alias)) return true;
    return begin >= 2 && Is(begin - 1, "=") && TenantValueBefore(begin - 2, alias);
  }

  // $n[::uuid] or other.tenant_id starting at i.
  bool TenantValueAfter(std::size_t i, const std::string& alias) const {
    if (i < tokens_.size() && tokens_[i].kind == SqlToken::kParam) return true;
    return i + 2 < tokens_.size() && tokens_[i].kind == SqlToken::kWord &&
           tokens_[i].text != alias && Is(i + 1, ".") && IsWord(i + 2, "tenant_id");
  }
  // $n[::uuid] or other.tenant_id ending at i.
  bool TenantValueBefore(std::size_t i, const std::string& alias) const {
    if (i >= tokens_.size()) return false;
    if (i >= 2 && Is(i - 1, "::")) i -= 2;  // a cast
    if (tokens_[i].kind == SqlToken::kParam) return true;
    return i >= 2 && IsWord(i, "tenant_id") && Is(i - 1, ".") &&
           tokens_[i - 2].kind == SqlToken::kWord && tokens_[i - 2].text != alias;
  }

  bool Is(std::size_t i, const char* text) const {
    return i < tokens_.size() && tokens_[i].kind == SqlToken::kOther && tokens_[i].text == text;
  }
  bool IsWord(std::size_t i, const std::string& word) const {
    return i < tokens_.size() && tokens_[i].kind == SqlToken::kWord && tokens_[i].text == word;
  }

  std::vector<SqlToken> tokens_;
  const std::set<std::string>& tables_;
};

}  // namespace

std::vector<SqlStatement> ExtractSqlStatements(const std::string& file, const std::string& source,
                                               const std::string& shared_macros) {
  Macros macros;
  CppScanner(shared_macros, macros).Tokens();
  const std::vector<CppToken> tokens = CppScanner(source, macros).Tokens();
  RunBuilder runs(macros);
  std::vector<SqlStatement> statements;
  std::string name;  // Statement{"name", ...}: the literal before the SQL
  for (std::size_t i = 0; i < tokens.size();) {
    const std::size_t start = i;
    std::string sql;
    if (!runs.Run(tokens, i, sql)) {
      ++i;
      continue;
    }
    const bool is_name = start > 0 && IsPunct(tokens, start - 1, "{") && i == start + 1 &&
                         tokens[start].kind == CppToken::kString && IsPunct(tokens, i, ",");
    if (is_name) {
      name = sql;
      continue;
    }
    statements.push_back({file, tokens[start].line, name, sql});
    name.clear();
  }
  return statements;
}

std::vector<UntiedReference> UntiedTenantReferences(const SqlStatement& statement,
                                                    const std::set<std::string>& tenant_tables) {
  StatementScope scope(statement.sql, tenant_tables);
  const std::vector<Reference> refs = scope.References();
  std::vector<UntiedReference> untied;
  if (refs.size() < 2) return untied;  // one table: nothing is joined
  int bare_ties = scope.BareTies();
  for (const auto& ref : refs) {
    if (scope.Tied(ref)) continue;
    if (!ref.has_alias && bare_ties > 0) {
      --bare_ties;
      continue;
    }
    untied.push_back({statement, ref.table, ref.alias});
  }
  return untied;
}

std::string Describe(const UntiedReference& reference) {
  const SqlStatement& statement = reference.statement;
  std::string sql;
  bool space = false;
  for (char c : statement.sql) {  // whitespace runs collapsed, for one line
    const bool is_space = std::isspace(static_cast<unsigned char>(c));
    if (!(is_space && space)) sql += is_space ? ' ' : c;
    space = is_space;
  }
  if (sql.size() > 240) sql = sql.substr(0, 240) + "...";
  return statement.file + ":" + std::to_string(statement.line) +
         (statement.name.empty() ? "" : " (" + statement.name + ")") + ": " + reference.table +
         (reference.alias == reference.table ? "" : " " + reference.alias) +
         " is not tied to the tenant in: " + sql;
}

}  // namespace lifecycle::testing
