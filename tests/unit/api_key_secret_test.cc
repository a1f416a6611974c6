#include "server/api/api_key_secret.h"

#include <gtest/gtest.h>

#include <set>
#include <string>
#include <vector>

namespace lifecycle::api {
namespace {

constexpr std::size_t kKeyIdHex = 16;
constexpr std::size_t kSecretHex = 64;
constexpr std::size_t kTokenLength = 3 + kKeyIdHex + 1 + kSecretHex;  // lc_<id>_<secret>

// A fixed, well-formed token: lc_ + 16 hex + _ + 64 hex.
const std::string kKeyId = "0123456789abcdef";
const std::string kSecret = "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff";
const std::string kToken = "lc_" + kKeyId + "_" + kSecret;

bool IsLowerHex(std::string_view text) {
  for (char c : text) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  }
  return true;
}

// ---------------------------------------------------------------- IssueSecret

TEST(IssueSecretTest, TokenHasTheDocumentedFormat) {
  const IssuedSecret issued = IssueSecret();
  ASSERT_EQ(issued.token.size(), kTokenLength) << issued.token;
  EXPECT_EQ(issued.token.substr(0, 3), "lc_");
  EXPECT_EQ(issued.token.substr(3, kKeyIdHex), issued.key_id);
  EXPECT_EQ(issued.token[3 + kKeyIdHex], '_');
  EXPECT_TRUE(IsLowerHex(issued.token.substr(3 + kKeyIdHex + 1))) << issued.token;
  EXPECT_EQ(issued.key_id.size(), kKeyIdHex);
  EXPECT_TRUE(IsLowerHex(issued.key_id)) << issued.key_id;
  EXPECT_EQ(issued.secret_hash.size(), 32u) << "raw SHA-256, not hex";
}

TEST(IssueSecretTest, HashIsNotTheSecret) {
  const IssuedSecret issued = IssueSecret();
  const std::string secret = issued.token.substr(3 + kKeyIdHex + 1);
  EXPECT_EQ(issued.token.find(issued.secret_hash), std::string::npos);
  EXPECT_NE(issued.secret_hash, secret);
}

TEST(IssueSecretTest, ParsedTokenHashMatchesIssuedHash) {
  const IssuedSecret issued = IssueSecret();
  const auto presented = ParseBearer("Bearer " + issued.token);
  ASSERT_TRUE(presented.has_value()) << issued.token;
  EXPECT_EQ(presented->key_id, issued.key_id);
  EXPECT_EQ(presented->secret_hash, issued.secret_hash);
  EXPECT_TRUE(HashesEqual(presented->secret_hash, issued.secret_hash));
}

TEST(IssueSecretTest, EveryIssueIsFresh) {
  std::set<std::string> key_ids;
  std::set<std::string> tokens;
  std::set<std::string> hashes;
  constexpr std::size_t kIssues = 50;
  for (std::size_t i = 0; i < kIssues; ++i) {
    const IssuedSecret issued = IssueSecret();
    key_ids.insert(issued.key_id);
    tokens.insert(issued.token);
    hashes.insert(issued.secret_hash);
  }
  EXPECT_EQ(key_ids.size(), kIssues);
  EXPECT_EQ(tokens.size(), kIssues);
  EXPECT_EQ(hashes.size(), kIssues);
}

TEST(IssueSecretTest, AnotherKeysSecretDoesNotMatch) {
  const IssuedSecret a = IssueSecret();
  const IssuedSecret b = IssueSecret();
  const auto presented = ParseBearer("Bearer " + b.token);
  ASSERT_TRUE(presented.has_value());
  EXPECT_FALSE(HashesEqual(presented->secret_hash, a.secret_hash));
}

// ---------------------------------------------------------------- ParseBearer

TEST(ParseBearerTest, SchemeIsCaseInsensitive) {
  for (const char* scheme : {"Bearer", "bearer", "BEARER", "bEaReR"}) {
    const auto presented = ParseBearer(std::string(scheme) + " " + kToken);
    ASSERT_TRUE(presented.has_value()) << scheme;
    EXPECT_EQ(presented->key_id, kKeyId) << scheme;
    EXPECT_EQ(presented->secret_hash.size(), 32u) << scheme;
  }
}

TEST(ParseBearerTest, HashDependsOnlyOnTheSecret) {
  const auto a = ParseBearer("Bearer " + kToken);
  const auto b = ParseBearer("bearer lc_ffffffffffffffff_" + kSecret);
  const auto c = ParseBearer("Bearer lc_" + kKeyId + "_" + std::string(kSecretHex, 'a'));
  ASSERT_TRUE(a && b && c);
  EXPECT_EQ(a->secret_hash, b->secret_hash);
  EXPECT_NE(a->secret_hash, c->secret_hash);
  EXPECT_EQ(b->key_id, "ffffffffffffffff");
}

struct RejectCase {
  std::string name;
  std::string authorization;
};

void PrintTo(const RejectCase& c, std::ostream* os) { *os << c.name; }

class ParseBearerRejectTest : public testing::TestWithParam<RejectCase> {};

TEST_P(ParseBearerRejectTest, Rejected) {
  EXPECT_EQ(ParseBearer(GetParam().authorization), std::nullopt)
      << '"' << GetParam().authorization << '"';
}

std::string Replace(std::string text, std::size_t at, char c) {
  text[at] = c;
  return text;
}

INSTANTIATE_TEST_SUITE_P(Table, ParseBearerRejectTest,
                         testing::ValuesIn(std::vector<RejectCase>{
                             {"Empty", ""},
                             {"SchemeOnly", "Bearer"},
                             {"SchemeAndSpace", "Bearer "},
                             {"NoScheme", kToken},
                             {"BasicScheme", "Basic " + kToken},
                             {"BasicCredentials", "Basic dXNlcjpwYXNz"},
                             {"SchemeWithoutSpace", "Bearer" + kToken},
                             {"TabAfterScheme", "Bearer\t" + kToken},
                             {"TwoSpaces", "Bearer  " + kToken},
                             {"LeadingSpace", " Bearer " + kToken},
                             {"TrailingSpace", "Bearer " + kToken + " "},
                             {"TrailingNewline", "Bearer " + kToken + "\n"},
                             {"ExtraChar", "Bearer " + kToken + "0"},
                             {"MissingChar", "Bearer " + kToken.substr(0, kTokenLength - 1)},
                             {"WrongPrefix", "Bearer lk_" + kKeyId + "_" + kSecret},
                             {"UpperPrefix", "Bearer LC_" + kKeyId + "_" + kSecret},
                             {"NoPrefix", "Bearer " + kKeyId + "_" + kSecret},
                             {"ShortKeyId", "Bearer lc_" + kKeyId.substr(1) + "_" + kSecret + "0"},
                             {"LongKeyId", "Bearer lc_" + kKeyId + "0_" + kSecret.substr(1)},
                             {"ShortSecret", "Bearer lc_" + kKeyId + "_" + kSecret.substr(1)},
                             {"LongSecret", "Bearer lc_" + kKeyId + "_" + kSecret + "0"},
                             {"MissingUnderscore", "Bearer lc_" + kKeyId + "0" + kSecret},
                             {"DashInsteadOfUnderscore", "Bearer lc_" + kKeyId + "-" + kSecret},
                             {"UpperHexKeyId", "Bearer lc_0123456789ABCDEF_" + kSecret},
                             {"UpperHexSecret", "Bearer " + Replace(kToken, kTokenLength - 1, 'F')},
                             {"NonHexKeyId", "Bearer " + Replace(kToken, 3, 'g')},
                             {"NonHexSecret", "Bearer " + Replace(kToken, 3 + kKeyIdHex + 1, 'z')},
                             {"SpaceInSecret", "Bearer " + Replace(kToken, 40, ' ')},
                             {"NulInSecret", "Bearer " + Replace(kToken, 40, '\0')},
                             {"UnderscoreInSecret", "Bearer " + Replace(kToken, 40, '_')},
                         }),
                         [](const testing::TestParamInfo<RejectCase>& info) {
                           return info.param.name;
                         });

// ---------------------------------------------------------------- HashesEqual

TEST(HashesEqualTest, ComparesContentAndLength) {
  const std::string a(32, '\x01');
  std::string b = a;
  EXPECT_TRUE(HashesEqual(a, b));
  b[31] = '\x02';
  EXPECT_FALSE(HashesEqual(a, b));
  b = a;
  b[0] = '\x00';
  EXPECT_FALSE(HashesEqual(a, b));
  EXPECT_FALSE(HashesEqual(a, a.substr(0, 31)));
  EXPECT_FALSE(HashesEqual(a.substr(0, 31), a));
  EXPECT_FALSE(HashesEqual(a, ""));
  EXPECT_TRUE(HashesEqual("", ""));
  // Embedded NULs are compared, not treated as terminators.
  EXPECT_FALSE(HashesEqual(std::string("\0a", 2), std::string("\0b", 2)));
}

}  // namespace
}  // namespace lifecycle::api
