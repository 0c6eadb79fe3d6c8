
namespace Shiming.BaiduEmulator.Tests;

[TestClass]
public sealed class IdCardNumberTypeTests
{
    // A man born 1985-06-15 (sequence 123: odd).
    private static SyntheticPerson Man => new("李安", "男", "汉", new DateOnly(1985, 6, 15), "测试省示例市东城区和平路1号", SyntheticIdentities.CreateIdNumber("990101", new DateOnly(1985, 6, 15), 123));

    [TestMethod]
    public async Task A_number_that_agrees_with_birth_date_and_sex_is_type_1()
    {
        var reply = await RecognizeAsync(Man);

        Assert.AreEqual(1, NumberType(reply));
        Assert.AreEqual(Man.IdNumber, reply.Words("公民身份号码"));
    }

    [TestMethod]
    public async Task A_number_that_agrees_with_neither_is_type_2()
    {
        var reply = await RecognizeAsync(Man with { Gender = "女", BirthDate = new DateOnly(1985, 6, 16) });

        Assert.AreEqual(2, NumberType(reply));
    }

    [TestMethod]
    public async Task A_number_that_disagrees_with_the_birth_date_only_is_type_3()
    {
        var reply = await RecognizeAsync(Man with { BirthDate = new DateOnly(1986, 6, 15) });

        Assert.AreEqual(3, NumberType(reply));
        Assert.AreEqual(Man.IdNumber, reply.Words("公民身份号码"));
    }

    [TestMethod]
    public async Task A_number_that_disagrees_with_the_sex_only_is_type_4()
    {
        var reply = await RecognizeAsync(Man with { Gender = "女" });

        Assert.AreEqual(4, NumberType(reply));
    }

    [TestMethod]
    public async Task A_number_with_a_wrong_check_character_is_type_0_and_is_not_returned()
    {
        var wrongCheck = Man.IdNumber[..17] + (Man.IdNumber[17] == '0' ? '1' : '0');

        var reply = await RecognizeAsync(Man with { IdNumber = wrongCheck });

        Assert.AreEqual(0, NumberType(reply));
        Assert.AreEqual(string.Empty, reply.Words("公民身份号码"));
        Assert.AreEqual(Man.Name, reply.Words("姓名"));
    }

    [TestMethod]
    public async Task A_number_whose_checksum_passes_but_whose_date_does_not_exist_is_type_0()
    {
        // 30 February with the check character that makes the checksum pass.
        var impossibleDate = WithCheckCharacter("99010119850230123");

        var reply = await RecognizeAsync(Man with { IdNumber = impossibleDate });

        Assert.AreEqual(0, NumberType(reply));
        Assert.AreEqual(string.Empty, reply.Words("公民身份号码"));
    }

    [TestMethod]
    [DataRow("330881199904173914", "男", "19990417", 0, DisplayName = "Baidu's documented sample fails its checksum")]
    [DataRow("330881199904173916", "男", "19990417", 1, DisplayName = "the sample's corrected form")]
    [DataRow("11010519491231002X", "女", "19491231", 1, DisplayName = "check character X")]
    [DataRow("440524188001010014", "男", "18800101", 1, DisplayName = "born in the nineteenth century")]
    public async Task The_reference_test_vectors_get_their_number_type(string number, string gender, string birth, int expected)
    {
        var truth = new CardGroundTruth("front", new Dictionary<string, string>
        {
            ["姓名"] = "赵宁",
            ["性别"] = gender,
            ["民族"] = "汉",
            ["出生"] = birth,
            ["住址"] = "测试省样本市西城区人民路2号",
            ["公民身份号码"] = number,
        });

        var reply = await SharedEmulator.Client.RecognizeAsync(SharedEmulator.Token, SyntheticCardImages.Render(truth), "front");

        Assert.AreEqual(expected, NumberType(reply));
    }

    [TestMethod]
    public async Task A_front_with_every_field_empty_is_type_minus_1()
    {
        var empty = IdCardFields.FrontKeys.ToDictionary(key => key, _ => string.Empty);

        var reply = await SharedEmulator.Client.RecognizeAsync(SharedEmulator.Token, SyntheticCardImages.Render(new CardGroundTruth("front", empty)), "front");

        Assert.AreEqual(-1, NumberType(reply));
    }

    [TestMethod]
    public async Task A_front_declared_as_back_still_gets_its_number_type()
    {
        var reply = await SharedEmulator.Client.RecognizeAsync(SharedEmulator.Token, SyntheticCardImages.RenderFront(Man with { Gender = "女" }), "back");

        Assert.AreEqual("reversed_side", reply.ImageStatus);
        Assert.AreEqual(4, NumberType(reply));
    }

    private static Task<BaiduReply> RecognizeAsync(SyntheticPerson person) =>
        SharedEmulator.Client.RecognizeAsync(SharedEmulator.Token, SyntheticCardImages.RenderFront(person), "front");

    private static int NumberType(BaiduReply reply)
    {
        Assert.IsNull(reply.ErrorCode, reply.Text);
        return reply.Body.GetProperty("idcard_number_type").GetInt32();
    }

    private static string WithCheckCharacter(string first17) => first17 + Gb11643.CheckCharacter(first17);
}
