using Shiming.Baidu;
using Shiming.IdCards;
using Shiming.Jobs;

namespace Shiming.Tests.IdCards;

[TestClass]
public sealed class IdCardResultMapperTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 24, 8, 0, 0, TimeSpan.Zero);

    [TestMethod]
    public void A_normal_front_maps_every_field_and_masks_the_number()
    {
        var output = Recognized<IdCardFrontOutput>(Front("990001199001150032"), IdCardSide.Front);

        Assert.AreEqual("测试", output.Name);
        Assert.AreEqual("男", output.Gender);
        Assert.AreEqual("汉", output.Ethnicity);
        Assert.AreEqual("1990-01-15", output.BirthDate);
        Assert.AreEqual("虚拟省测试市1号", output.Address);
        Assert.AreEqual("990001199001150032", output.IdNumber);
        Assert.AreEqual("990***********0032", output.IdNumberMasked);
        Assert.IsTrue(output.IdNumberValid);
        Assert.IsEmpty(output.Warnings);
    }

    [TestMethod]
    public void A_number_with_a_bad_check_character_is_marked_invalid_with_advice()
    {
        var output = Recognized<IdCardFrontOutput>(Front("990001199001150039"), IdCardSide.Front);

        Assert.IsFalse(output.IdNumberValid);
        Assert.AreEqual("id_number_invalid", output.Warnings.Single().Code);
    }

    [TestMethod]
    [DataRow("non_idcard", "not_an_id_card")]
    [DataRow("other_type_card", "not_an_id_card")]
    [DataRow("reversed_side", "wrong_side")]
    public void An_image_that_is_not_the_requested_card_side_fails(string imageStatus, string code)
    {
        var response = new BaiduIdCardResponse { ImageStatus = imageStatus, WordsResult = [] };

        var outcome = IdCardResultMapper.Map(response, IdCardSide.Front, Now);

        Assert.AreEqual(code, ((RecognitionOutcome.Rejected)outcome).Error.Code);
    }

    [TestMethod]
    [DataRow("blurred", "image_blurred")]
    [DataRow("over_exposure", "image_glare")]
    [DataRow("over_dark", "image_dark")]
    public void A_poor_photo_still_completes_with_a_warning_a_person_can_follow(string imageStatus, string code)
    {
        var response = Front("990001199001150032", imageStatus);

        var output = Recognized<IdCardFrontOutput>(response, IdCardSide.Front);

        Assert.AreEqual(code, output.Warnings.Single().Code);
        StringAssert.Contains(output.Warnings.Single().Message, "photo");
    }

    [TestMethod]
    [DataRow("20391231", false)]
    [DataRow("20261123", true)]
    [DataRow("长期", false)]
    public void The_back_reports_whether_the_card_has_expired_by_Beijing_date(string validUntil, bool expired)
    {
        var response = new BaiduIdCardResponse
        {
            ImageStatus = "normal",
            WordsResult = new()
            {
                ["签发机关"] = new() { Words = "虚拟市公安局" },
                ["签发日期"] = new() { Words = "20191231" },
                ["失效日期"] = new() { Words = validUntil },
            },
        };

        var output = Recognized<IdCardBackOutput>(response, IdCardSide.Back);

        Assert.AreEqual("2019-12-31", output.ValidFrom);
        Assert.AreEqual(expired, output.Expired);
        Assert.AreEqual(validUntil == "长期" ? "长期" : $"{validUntil[..4]}-{validUntil[4..6]}-{validUntil[6..]}", output.ValidUntil);
    }

    [TestMethod]
    public void A_card_expiring_today_in_Beijing_is_not_yet_expired_although_UTC_is_still_on_the_day_before()
    {
        // 2026-11-23 20:00 UTC is 2026-11-24 04:00 in Beijing.
        var lateEvening = new DateTimeOffset(2026, 11, 23, 20, 0, 0, TimeSpan.Zero);

        Assert.AreEqual(new DateOnly(2026, 11, 24), IdCardResultMapper.BeijingToday(lateEvening));
    }

    private static BaiduIdCardResponse Front(string idNumber, string imageStatus = "normal") => new()
    {
        ImageStatus = imageStatus,
        IdCardNumberType = 1,
        WordsResult = new()
        {
            ["姓名"] = new() { Words = "测试" },
            ["性别"] = new() { Words = "男" },
            ["民族"] = new() { Words = "汉" },
            ["出生"] = new() { Words = "19900115" },
            ["住址"] = new() { Words = "虚拟省测试市1号" },
            ["公民身份号码"] = new() { Words = idNumber },
        },
    };

    private static T Recognized<T>(BaiduIdCardResponse response, IdCardSide side) =>
        (T)((RecognitionOutcome.Recognized)IdCardResultMapper.Map(response, side, Now)).Output;
}
