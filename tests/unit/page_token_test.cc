#include "server/api/page_token.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "server/domain/error.h"

namespace lifecycle::api {
namespace {

using Strings = std::vector<std::string>;

constexpr char kQuery[] = "customers;stage=0;segment=";

// Reference RFC 4648 base64url (no padding), to craft tokens by hand.
std::string Base64Url(std::string_view bytes) {
  static constexpr char kAlphabet[] =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  std::string out;
  std::size_t i = 0;
  for (; i + 3 <= bytes.size(); i += 3) {
    const unsigned n = static_cast<unsigned char>(bytes[i]) << 16 |
                       static_cast<unsigned char>(bytes[i + 1]) << 8 |
                       static_cast<unsigned char>(bytes[i + 2]);
    for (int shift : {18, 12, 6, 0}) out += kAlphabet[(n >> shift) & 0x3F];
  }
  if (bytes.size() - i == 1) {
    const unsigned n = static_cast<unsigned char>(bytes[i]) << 16;
    for (int shift : {18, 12}) out += kAlphabet[(n >> shift) & 0x3F];
  } else if (bytes.size() - i == 2) {
    const unsigned n =
        static_cast<unsigned char>(bytes[i]) << 16 | static_cast<unsigned char>(bytes[i + 1]) << 8;
    for (int shift : {18, 12, 6}) out += kAlphabet[(n >> shift) & 0x3F];
  }
  return out;
}

bool IsUrlSafe(std::string_view token) {
  for (char c : token) {
    const bool ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
                    c == '-' || c == '_';
    if (!ok) return false;
  }
  return true;
}

// The error DecodePageToken throws; fails the test when it accepts the token.
domain::Error DecodeError(std::string_view token, std::string_view query, std::size_t fields) {
  try {
    const Strings position = DecodePageToken(token, query, fields);
    ADD_FAILURE() << "accepted token \"" << token << "\" with " << position.size() << " fields";
  } catch (const domain::Error& error) {
    return error;
  }
  return domain::Error(domain::ErrorCode::kInternal, "no error thrown");
}

// ---------------------------------------------------------------- round trip

struct RoundTripCase {
  std::string name;
  std::string query;
  Strings position;
};

void PrintTo(const RoundTripCase& c, std::ostream* os) { *os << c.name; }

class PageTokenRoundTripTest : public testing::TestWithParam<RoundTripCase> {};

TEST_P(PageTokenRoundTripTest, DecodesWhatWasEncoded) {
  const RoundTripCase& c = GetParam();
  const std::string token = EncodePageToken(c.query, c.position);
  EXPECT_FALSE(token.empty());
  EXPECT_TRUE(IsUrlSafe(token)) << token;
  // Matches a reference base64url encoder byte for byte (no padding).
  std::string plain = "p1\x1f" + c.query;
  for (const auto& value : c.position) plain += "\x1f" + value;
  EXPECT_EQ(token, Base64Url(plain));
  EXPECT_EQ(DecodePageToken(token, c.query, c.position.size()), c.position);
}

INSTANTIATE_TEST_SUITE_P(Table, PageTokenRoundTripTest,
                         testing::ValuesIn(std::vector<RoundTripCase>{
                             {"OneField", kQuery, {"cust-42"}},
                             {"TwoFields", "keys;tenant", {"2024-05-01T10:00:00Z", "key_7"}},
                             {"NoFields", kQuery, {}},
                             {"EmptyValue", kQuery, {""}},
                             {"EmptyQuery", "", {"c1"}},
                             // Lengths that leave 0, 1 and 2 bytes for the last base64 group.
                             {"Tail0", kQuery, {"a"}},
                             {"Tail1", kQuery, {"ab"}},
                             {"Tail2", kQuery, {"abc"}},
                             {"MaxLengthId", kQuery, {std::string(128, 'z')}},
                             {"Punctuation", "customers;stage=3;segment=vip/eu", {"a/b+c=d?e&f~g"}},
                             {"HighBytes", kQuery, {"\xfb\xff\xfe\xbf"}},
                         }),
                         [](const testing::TestParamInfo<RoundTripCase>& info) {
                           return info.param.name;
                         });

TEST(PageTokenTest, TokensAreUrlSafeForEveryByte) {
  // Bytes that standard base64 encodes as '+' and '/' (0xFB 0xFF -> "-_8").
  for (int b = 0; b < 256; ++b) {
    const std::string value(3, static_cast<char>(b));
    const std::string token = EncodePageToken(kQuery, {value, "\xfb\xff"});
    EXPECT_TRUE(IsUrlSafe(token)) << "byte " << b << ": " << token;
  }
}

TEST(PageTokenTest, DifferentPositionsGiveDifferentTokens) {
  EXPECT_NE(EncodePageToken(kQuery, {"c1"}), EncodePageToken(kQuery, {"c2"}));
  EXPECT_NE(EncodePageToken("a", {"c1"}), EncodePageToken("b", {"c1"}));
}

// ---------------------------------------------------------------- malformed

struct MalformedCase {
  std::string name;
  std::string token;
};

void PrintTo(const MalformedCase& c, std::ostream* os) { *os << c.name; }

class PageTokenMalformedTest : public testing::TestWithParam<MalformedCase> {};

TEST_P(PageTokenMalformedTest, IsInvalidArgumentOnPageToken) {
  const domain::Error error = DecodeError(GetParam().token, kQuery, 1);
  EXPECT_EQ(error.code(), domain::ErrorCode::kInvalidArgument);
  ASSERT_EQ(error.violations().size(), 1u);
  EXPECT_EQ(error.violations()[0].field, "page_token");
  EXPECT_NE(error.violations()[0].description.find("malformed"), std::string::npos)
      << error.violations()[0].description;
}

const std::string kGood = Base64Url(std::string("p1\x1f") + kQuery + "\x1f" + "c1");

INSTANTIATE_TEST_SUITE_P(
    Table, PageTokenMalformedTest,
    testing::ValuesIn(std::vector<MalformedCase>{
        // Characters outside the base64url alphabet.
        {"StandardBase64Plus", kGood + "+"},
        {"StandardBase64Slash", "/" + kGood},
        {"Padding", kGood + "=="},
        {"Space", kGood.substr(0, 4) + " " + kGood.substr(4)},
        {"Dot", kGood + "."},
        {"PercentEncoded", kGood + "%3D"},
        {"NonAscii", kGood + "\xc3\xa9"},
        {"Nul", kGood + std::string(1, '\0')},
        // Decodes, but has the wrong shape.
        {"NotAToken", "not-a-token"},
        {"NoSeparators", Base64Url("garbage")},
        {"NoPosition", Base64Url(std::string("p1\x1f") + kQuery)},
        {"TooManyFields", Base64Url(std::string("p1\x1f") + kQuery + "\x1f" + "c1\x1f" + "c2")},
        {"OtherVersion", Base64Url(std::string("p2\x1f") + kQuery + "\x1f" + "c1")},
        {"UpperCaseVersion", Base64Url(std::string("P1\x1f") + kQuery + "\x1f" + "c1")},
        {"MissingVersion", Base64Url(std::string(kQuery) + "\x1f" + "c1")},
        {"EmptyVersion", Base64Url(std::string("\x1f") + kQuery + "\x1f" + "c1")},
        // Nothing left after decoding: one character is only 6 bits.
        {"SingleChar", "A"},
        {"EmptyToken", ""},
    }),
    [](const testing::TestParamInfo<MalformedCase>& info) { return info.param.name; });

TEST(PageTokenTest, WrongFieldCountForTheCaller) {
  const std::string token = EncodePageToken(kQuery, {"2024-01-01", "c1"});
  EXPECT_EQ(DecodePageToken(token, kQuery, 2), (Strings{"2024-01-01", "c1"}));
  for (std::size_t fields : {0u, 1u, 3u}) {
    const domain::Error error = DecodeError(token, kQuery, fields);
    EXPECT_EQ(error.code(), domain::ErrorCode::kInvalidArgument) << fields;
    ASSERT_EQ(error.violations().size(), 1u) << fields;
    EXPECT_EQ(error.violations()[0].field, "page_token") << fields;
  }
}

// ---------------------------------------------------------------- other query

TEST(PageTokenTest, TokenFromDifferentFiltersIsRefused) {
  const std::string token = EncodePageToken("customers;stage=3;segment=", {"c1"});
  for (const char* other : {"customers;stage=4;segment=", "customers;stage=3;segment=vip",
                            "customers;stage=3;segment", "", "keys;tenant"}) {
    SCOPED_TRACE(other);
    const domain::Error error = DecodeError(token, other, 1);
    EXPECT_EQ(error.code(), domain::ErrorCode::kInvalidArgument);
    ASSERT_EQ(error.violations().size(), 1u);
    EXPECT_EQ(error.violations()[0].field, "page_token");
    EXPECT_NE(error.violations()[0].description.find("filters"), std::string::npos)
        << error.violations()[0].description;
    EXPECT_NE(error.message().find("filters"), std::string::npos) << error.message();
  }
}

// ---------------------------------------------------------------- TrimToPage

TEST(TrimToPageTest, ShorterPageHasNoNext) {
  std::vector<int> rows = {1, 2, 3};
  EXPECT_FALSE(TrimToPage(rows, 5));
  EXPECT_EQ(rows, (std::vector<int>{1, 2, 3}));
}

TEST(TrimToPageTest, ExactlyFullPageHasNoNext) {
  std::vector<int> rows = {1, 2, 3};
  EXPECT_FALSE(TrimToPage(rows, 3));
  EXPECT_EQ(rows, (std::vector<int>{1, 2, 3}));
}

TEST(TrimToPageTest, ExtraRowIsDroppedAndSignalsNext) {
  std::vector<std::string> rows = {"a", "b", "c", "d"};
  EXPECT_TRUE(TrimToPage(rows, 3));
  EXPECT_EQ(rows, (Strings{"a", "b", "c"}));
}

TEST(TrimToPageTest, EmptyResult) {
  std::vector<int> rows;
  EXPECT_FALSE(TrimToPage(rows, 50));
  EXPECT_TRUE(rows.empty());
}

TEST(TrimToPageTest, PageOfOne) {
  std::vector<int> rows = {7, 8};
  EXPECT_TRUE(TrimToPage(rows, 1));
  EXPECT_EQ(rows, (std::vector<int>{7}));
}

}  // namespace
}  // namespace lifecycle::api
