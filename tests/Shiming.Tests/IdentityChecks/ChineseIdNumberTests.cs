using Shiming.IdentityChecks;

namespace Shiming.Tests.IdentityChecks;

[TestClass]
public sealed class ChineseIdNumberTests
{
    private static readonly DateOnly Today = new(2026, 11, 24);

    [TestMethod]
    [DataRow("11010519491231002X")]
    [DataRow("11010519491231002x")]
    [DataRow("360426199101010071")]
    [DataRow("330881199904173916")]
    public void A_number_with_the_right_check_character_and_a_real_birth_date_is_valid(string number) =>
        Assert.IsTrue(ChineseIdNumber.IsValid(number, Today));

    [TestMethod]
    public void A_birth_date_before_1900_is_not_accepted_even_with_a_good_check_character()
    {
        Assert.IsTrue(ChineseIdNumber.HasValidCheckCharacter("440524188001010014"));
        Assert.IsFalse(ChineseIdNumber.IsValid("440524188001010014", Today));
    }

    [TestMethod]
    [DataRow("330881199904173914", "Baidu's documented sample: the check character should be 6")]
    [DataRow("11010519491231002", "17 characters")]
    [DataRow("1101051949123100210", "19 characters")]
    [DataRow("11010519491331002X", "month 13, whatever the check character")]
    [DataRow("1101051949123100XX", "a letter among the digits")]
    [DataRow("", "empty")]
    public void A_malformed_number_is_invalid(string number, string why) =>
        Assert.IsFalse(ChineseIdNumber.IsValid(number, Today), why);

    [TestMethod]
    public void A_birth_date_in_the_future_is_invalid()
    {
        // 2027-01-01 with a correct check character.
        var number = WithCheckCharacter("99000120270101001");

        Assert.IsTrue(ChineseIdNumber.HasValidCheckCharacter(number));
        Assert.IsFalse(ChineseIdNumber.IsValid(number, Today));
        Assert.IsTrue(ChineseIdNumber.IsValid(number, new DateOnly(2027, 1, 1)));
    }

    [TestMethod]
    public void Null_is_invalid() => Assert.IsFalse(ChineseIdNumber.IsValid(null, Today));

    [TestMethod]
    public void The_seventeenth_digit_gives_the_sex()
    {
        Assert.AreEqual("女", ChineseIdNumber.GetGender("11010519491231002X"));
        Assert.AreEqual("男", ChineseIdNumber.GetGender("360426199101010071"));
    }

    [TestMethod]
    public void Masking_keeps_the_first_three_and_last_four_characters() =>
        Assert.AreEqual("110***********002X", ChineseIdNumber.Mask("11010519491231002X"));

    [TestMethod]
    public void Masking_a_short_value_hides_all_of_it() =>
        Assert.AreEqual("*****", ChineseIdNumber.Mask("12345"));

    private static string WithCheckCharacter(string first17)
    {
        int[] weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
        var sum = first17.Select((c, i) => (c - '0') * weights[i]).Sum();
        return first17 + "10X98765432"[sum % 11];
    }
}
