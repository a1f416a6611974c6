#include "server/domain/identifiers.h"

#include <gtest/gtest.h>

#include <optional>
#include <string>
#include <vector>

namespace lifecycle::domain {
namespace {

using std::string_literals::operator""s;

// One row of a validation table: `error` is a substring of the expected
// complaint, or nullopt when the input must be accepted.
struct TextCase {
  std::string name;
  std::string input;
  std::optional<std::string> error;
};

void PrintTo(const TextCase& c, std::ostream* os) { *os << c.name; }

std::string CaseName(const testing::TestParamInfo<TextCase>& info) { return info.param.name; }

std::string Repeat(std::string_view unit, std::size_t times) {
  std::string out;
  for (std::size_t i = 0; i < times; ++i) out += unit;
  return out;
}

void ExpectVerdict(const std::optional<std::string>& got, const TextCase& test_case) {
  if (test_case.error) {
    ASSERT_TRUE(got.has_value()) << "accepted " << testing::PrintToString(test_case.input);
    EXPECT_NE(got->find(*test_case.error), std::string::npos)
        << "got \"" << *got << "\", want it to mention \"" << *test_case.error << "\"";
  } else {
    EXPECT_EQ(got, std::nullopt) << "rejected " << testing::PrintToString(test_case.input);
  }
}

// ---------------------------------------------------------------- CheckId

constexpr char kNotPrintable[] = "printable ASCII";

class CheckIdTest : public testing::TestWithParam<TextCase> {};

TEST_P(CheckIdTest, Verdict) { ExpectVerdict(CheckId(GetParam().input), GetParam()); }

INSTANTIATE_TEST_SUITE_P(
    Table, CheckIdTest,
    testing::ValuesIn(std::vector<TextCase>{
        {"Empty", "", "must not be empty"},
        {"SingleChar", "x", std::nullopt},
        {"Typical", "cust-42", std::nullopt},
        {"Email", "ada@example.com", std::nullopt},
        {"Uuid", "0b0c5a4e-7f3a-4d6e-9d8e-2f1a3b4c5d6e", std::nullopt},
        {"Punctuation", "a/b:c;d.e_f~g!#$%&'()*+,=?[]{}|^`\"\\<>", std::nullopt},
        {"Exactly128", std::string(kMaxIdLength, 'a'), std::nullopt},
        {"Exactly129", std::string(kMaxIdLength + 1, 'a'), "at most 128"},
        {"VeryLong", std::string(10000, 'a'), "at most 128"},
        {"OnlySpace", " ", kNotPrintable},
        {"InnerSpace", "a b", kNotPrintable},
        {"LeadingSpace", " ab", kNotPrintable},
        {"TrailingSpace", "ab ", kNotPrintable},
        {"Tab", "a\tb", kNotPrintable},
        {"Newline", "a\nb", kNotPrintable},
        {"CarriageReturn", "ab\r", kNotPrintable},
        {"Nul", "a\0b"s, kNotPrintable},
        {"Escape", "\x1b[31m", kNotPrintable},
        {"Del", "a\x7f", kNotPrintable},
        {"Latin1Byte", "caf\xe9", kNotPrintable},
        {"Utf8Accent", "caf\xc3\xa9", kNotPrintable},
        {"Utf8Cjk", "\xe6\x9d\xb1\xe4\xba\xac", kNotPrintable},
        {"HighByte", "\xff", kNotPrintable},
        // 128 bytes but one of them is a space: the length check passes,
        // the character check must still run.
        {"MaxLengthWithSpace", std::string(kMaxIdLength - 1, 'a') + " ", kNotPrintable},
    }),
    CaseName);

// ------------------------------------------------------- CheckDisplayText

constexpr std::size_t kMax = kMaxDisplayNameLength;
constexpr char kBadUtf8[] = "valid UTF-8";
constexpr char kControl[] = "control characters";

class CheckDisplayTextTest : public testing::TestWithParam<TextCase> {};

TEST_P(CheckDisplayTextTest, Verdict) {
  ExpectVerdict(CheckDisplayText(GetParam().input, kMax), GetParam());
}

INSTANTIATE_TEST_SUITE_P(
    Table, CheckDisplayTextTest,
    testing::ValuesIn(std::vector<TextCase>{
        {"Empty", "", "must not be empty"},
        {"Ascii", "Acme Corp. (EU)", std::nullopt},
        {"SpacesAllowed", "  padded  ", std::nullopt},
        {"Latin", "Zo\xc3\xab Bront\xc3\xab", std::nullopt},
        {"Cjk", "\xe6\x9d\xb1\xe4\xba\xac\xe6\xa0\xaa\xe5\xbc\x8f", std::nullopt},
        {"Emoji", "shop \xf0\x9f\x9b\x92", std::nullopt},
        {"LargestCodePoint", "\xf4\x8f\xbf\xbf", std::nullopt},
        {"ExactlyMaxBytes", std::string(kMax, 'a'), std::nullopt},
        {"OneOverMax", std::string(kMax + 1, 'a'), "at most 200 bytes"},
        // The limit counts bytes, not characters: 100 x "é" is 200 bytes.
        {"MaxBytesOfTwoByteChars", Repeat("\xc3\xa9", kMax / 2), std::nullopt},
        {"TwoByteCharsOverMax", Repeat("\xc3\xa9", kMax / 2 + 1), "at most 200 bytes"},
        {"LoneContinuation", "a\x80z", kBadUtf8},
        {"TruncatedTwoByteAtEnd", "abc\xc3", kBadUtf8},
        {"TruncatedThreeByteAtEnd", "abc\xe6\x9d", kBadUtf8},
        {"TruncatedFourByteAtEnd", "abc\xf0\x9f\x98", kBadUtf8},
        {"TruncatedInMiddle",
         "\xe6\x9d"
         "abc",
         kBadUtf8},
        {"BadContinuation", "\xc3\x28", kBadUtf8},
        {"ByteFE", "a\xfe", kBadUtf8},
        {"ByteFF", "\xff", kBadUtf8},
        {"FiveByteForm", "\xf8\x88\x80\x80\x80", kBadUtf8},
        {"Latin1NotUtf8", "caf\xe9", kBadUtf8},
        {"Nul", "a\0b"s, kControl},
        {"Tab", "a\tb", kControl},
        {"Newline", "line1\nline2", kControl},
        {"CarriageReturn", "a\r", kControl},
        {"AnsiEscape", "\x1b[31mred", kControl},
        {"Del", "a\x7f", kControl},
    }),
    CaseName);

TEST(CheckDisplayTextLimitTest, UsesTheGivenMaximum) {
  EXPECT_EQ(CheckDisplayText("abc", 3), std::nullopt);
  const auto why = CheckDisplayText("abcd", 3);
  ASSERT_TRUE(why.has_value());
  EXPECT_NE(why->find("at most 3 bytes"), std::string::npos) << *why;
}

// Byte strings that are not UTF-8 (RFC 3629): overlong forms (including the
// overlong NUL C0 80, which would smuggle a control character), UTF-16
// surrogates and code points above U+10FFFF. PostgreSQL refuses them too.
class CheckDisplayTextInvalidUtf8Test : public testing::TestWithParam<TextCase> {};

TEST_P(CheckDisplayTextInvalidUtf8Test, Rejected) {
  ExpectVerdict(CheckDisplayText(GetParam().input, kMax), GetParam());
}

INSTANTIATE_TEST_SUITE_P(Table, CheckDisplayTextInvalidUtf8Test,
                         testing::ValuesIn(std::vector<TextCase>{
                             {"OverlongNul", "a\xc0\x80z", kBadUtf8},
                             {"OverlongSlashTwoBytes", "\xc0\xaf", kBadUtf8},
                             {"OverlongC1Lead", "\xc1\xbf", kBadUtf8},
                             {"OverlongThreeBytes", "\xe0\x80\xaf", kBadUtf8},
                             {"OverlongFourBytes", "\xf0\x80\x80\xaf", kBadUtf8},
                             {"HighSurrogate", "\xed\xa0\x80", kBadUtf8},
                             {"LowSurrogate", "\xed\xbf\xbf", kBadUtf8},
                             {"AboveMaxCodePoint", "\xf4\x90\x80\x80", kBadUtf8},
                             {"LeadF5", "\xf5\x80\x80\x80", kBadUtf8},
                             {"LeadF7", "\xf7\xbf\xbf\xbf", kBadUtf8},
                         }),
                         CaseName);

// The C1 controls U+0080..U+009F are control characters too; U+009B (CSI)
// is a terminal escape introducer.
class CheckDisplayTextC1ControlTest : public testing::TestWithParam<TextCase> {};

TEST_P(CheckDisplayTextC1ControlTest, Rejected) {
  ExpectVerdict(CheckDisplayText(GetParam().input, kMax), GetParam());
}

INSTANTIATE_TEST_SUITE_P(Table, CheckDisplayTextC1ControlTest,
                         testing::ValuesIn(std::vector<TextCase>{
                             {"U0080", "a\xc2\x80z", kControl},
                             {"NextLine", "line1\xc2\x85line2", kControl},
                             {"Csi",
                              "\xc2\x9b"
                              "31mred",
                              kControl},
                             {"U009F", "\xc2\x9f", kControl},
                         }),
                         CaseName);

}  // namespace
}  // namespace lifecycle::domain
