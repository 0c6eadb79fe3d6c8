using System.Globalization;
using System.Net;
using System.Text.Json;

namespace Shiming.BaiduEmulator.Tests;

[TestClass]
public sealed class IdCardRecognitionTests
{
    [TestMethod]
    public async Task A_front_answers_its_ground_truth_exactly()
    {
        var person = SyntheticIdentities.CreatePerson(new Random(11));

        var reply = await SharedEmulator.Client.RecognizeAsync(SharedEmulator.Token, SyntheticCardImages.RenderFront(person), "front");

        Assert.AreEqual(HttpStatusCode.OK, reply.Status);
        Assert.AreEqual("application/json;charset=UTF-8", reply.ContentType);
        Assert.IsNull(reply.ErrorCode, reply.Text);
        var expected = new Dictionary<string, string>
        {
            ["姓名"] = person.Name,
            ["性别"] = person.Gender,
            ["民族"] = person.Ethnicity,
            ["出生"] = person.BirthDate.ToString("yyyyMMdd", CultureInfo.InvariantCulture),
            ["住址"] = person.Address,
            ["公民身份号码"] = person.IdNumber,
        };
        CollectionAssert.AreEquivalent(expected, ReadWords(reply));
        Assert.AreEqual(6, reply.Body.GetProperty("words_result_num").GetInt32());
        Assert.AreEqual("normal", reply.ImageStatus);
        Assert.AreEqual(1, reply.Body.GetProperty("idcard_number_type").GetInt32());
        Assert.IsFalse(reply.Body.TryGetProperty("risk_type", out _), "risk_type only when detect_risk=true");
        Assert.IsFalse(reply.Body.TryGetProperty("direction", out _), "direction only when detect_direction=true");
        Assert.IsFalse(reply.Body.TryGetProperty("error_code", out _));
    }

    [TestMethod]
    public async Task A_back_answers_its_ground_truth_exactly_without_a_number_type()
    {
        var back = new SyntheticCardBack("示例市公安局东城分局", new DateOnly(2019, 6, 6), "20390606");

        var reply = await SharedEmulator.Client.RecognizeAsync(SharedEmulator.Token, SyntheticCardImages.RenderBack(back), "back");

        var expected = new Dictionary<string, string>
        {
            ["签发机关"] = "示例市公安局东城分局",
            ["签发日期"] = "20190606",
            ["失效日期"] = "20390606",
        };
        CollectionAssert.AreEquivalent(expected, ReadWords(reply));
        Assert.AreEqual(3, reply.Body.GetProperty("words_result_num").GetInt32());
        Assert.AreEqual("normal", reply.ImageStatus);
        Assert.IsFalse(reply.Body.TryGetProperty("idcard_number_type", out _));
    }

    [TestMethod]
    public async Task A_long_term_back_answers_changqi()
    {
        var back = new SyntheticCardBack("样本市公安局", new DateOnly(2012, 3, 1), "长期");

        var reply = await SharedEmulator.Client.RecognizeAsync(SharedEmulator.Token, SyntheticCardImages.RenderBack(back), "back");

        Assert.AreEqual("长期", reply.Words("失效日期"));
    }

    [TestMethod]
    public async Task Every_field_has_a_plausible_location_on_the_card()
    {
        var person = SyntheticIdentities.CreatePerson(new Random(12));

        var reply = await SharedEmulator.Client.RecognizeAsync(SharedEmulator.Token, SyntheticCardImages.RenderFront(person), "front");

        foreach (var field in reply.Body.GetProperty("words_result").EnumerateObject())
        {
            var location = field.Value.GetProperty("location");
            var left = location.GetProperty("left").GetInt32();
            var top = location.GetProperty("top").GetInt32();
            var width = location.GetProperty("width").GetInt32();
            var height = location.GetProperty("height").GetInt32();
            Assert.IsTrue(left >= 0 && top >= 0 && width > 0 && height > 0, field.Name);
            Assert.IsTrue(left + width <= 856 && top + height <= 540, field.Name);
        }
    }

    [TestMethod]
    public async Task Chinese_is_sent_as_UTF8_not_escaped()
    {
        var reply = await SharedEmulator.Client.RecognizeAsync(SharedEmulator.Token, SyntheticCardImages.RenderFront(SyntheticIdentities.CreatePerson(new Random(13))), "front");

        Assert.Contains("\"公民身份号码\"", reply.Text);
    }

    [TestMethod]
    [DataRow("front", "back")]
    [DataRow("back", "front")]
    public async Task Declaring_the_other_side_still_reads_the_card_and_says_reversed_side(string cardSide, string declaredSide)
    {
        var person = SyntheticIdentities.CreatePerson(new Random(14));
        var image = cardSide == "front"
            ? SyntheticCardImages.RenderFront(person)
            : SyntheticCardImages.RenderBack(SyntheticIdentities.CreateBack(new Random(14), person));

        var reply = await SharedEmulator.Client.RecognizeAsync(SharedEmulator.Token, image, declaredSide);

        Assert.IsNull(reply.ErrorCode, reply.Text);
        Assert.AreEqual("reversed_side", reply.ImageStatus);
        var expectedKeys = cardSide == "front" ? IdCardFields.FrontKeys : IdCardFields.BackKeys;
        CollectionAssert.AreEquivalent(expectedKeys.ToList(), ReadWords(reply).Keys.ToList());
    }

    [TestMethod]
    [DataRow("blurred")]
    [DataRow("over_exposure")]
    [DataRow("other_type_card")]
    public async Task The_image_status_in_the_ground_truth_is_answered(string imageStatus)
    {
        var person = SyntheticIdentities.CreatePerson(new Random(15));

        var reply = await SharedEmulator.Client.RecognizeAsync(SharedEmulator.Token, SyntheticCardImages.RenderFront(person, imageStatus), "front");

        Assert.AreEqual(imageStatus, reply.ImageStatus);
        Assert.AreEqual(person.Name, reply.Words("姓名"));
    }

    [TestMethod]
    public async Task Risk_type_is_answered_when_risk_detection_is_asked_for()
    {
        var person = SyntheticIdentities.CreatePerson(new Random(16));

        var copy = await SharedEmulator.Client.RecognizeAsync(SharedEmulator.Token, SyntheticCardImages.RenderFront(person, riskType: "copy"), "front", ("detect_risk", "true"));
        var plain = await SharedEmulator.Client.RecognizeAsync(SharedEmulator.Token, SyntheticCardImages.RenderFront(person), "front", ("detect_risk", "true"));
        var notAsked = await SharedEmulator.Client.RecognizeAsync(SharedEmulator.Token, SyntheticCardImages.RenderFront(person, riskType: "copy"), "front", ("detect_risk", "false"));

        Assert.AreEqual("copy", copy.Body.GetProperty("risk_type").GetString());
        Assert.AreEqual("normal", plain.Body.GetProperty("risk_type").GetString());
        Assert.IsFalse(notAsked.Body.TryGetProperty("risk_type", out _));
    }

    [TestMethod]
    public async Task A_screenshot_is_reported_as_screen_unless_screenshot_detection_is_asked_for()
    {
        var image = SyntheticCardImages.RenderFront(SyntheticIdentities.CreatePerson(new Random(17)), riskType: "screenshot");

        var folded = await SharedEmulator.Client.RecognizeAsync(SharedEmulator.Token, image, "front", ("detect_risk", "true"));
        var distinct = await SharedEmulator.Client.RecognizeAsync(SharedEmulator.Token, image, "front", ("detect_risk", "true"), ("detect_screenshot", "true"));

        Assert.AreEqual("screen", folded.Body.GetProperty("risk_type").GetString());
        Assert.AreEqual("screenshot", distinct.Body.GetProperty("risk_type").GetString());
    }

    [TestMethod]
    public async Task Direction_is_upright_when_direction_detection_is_asked_for()
    {
        var reply = await SharedEmulator.Client.RecognizeAsync(
            SharedEmulator.Token, SyntheticCardImages.RenderFront(SyntheticIdentities.CreatePerson(new Random(18))), "front", ("detect_direction", "true"));

        Assert.AreEqual(0, reply.Body.GetProperty("direction").GetInt32());
    }

    [TestMethod]
    public async Task A_JPEG_front_answers_the_ground_truth_in_its_comment()
    {
        var person = SyntheticIdentities.CreatePerson(new Random(19));

        var reply = await SharedEmulator.Client.RecognizeAsync(SharedEmulator.Token, SyntheticCardImages.RenderFrontJpeg(person), "front");

        Assert.IsNull(reply.ErrorCode, reply.Text);
        Assert.AreEqual(person.IdNumber, reply.Words("公民身份号码"));
        Assert.AreEqual(person.Address, reply.Words("住址"));
    }

    [TestMethod]
    public async Task A_picture_without_a_card_is_answered_with_image_status_non_idcard()
    {
        var reply = await SharedEmulator.Client.RecognizeAsync(SharedEmulator.Token, SyntheticCardImages.RenderPlainPicture(), "front");

        Assert.IsNull(reply.ErrorCode, reply.Text);
        Assert.AreEqual("non_idcard", reply.ImageStatus);
        Assert.AreEqual(0, reply.Body.GetProperty("words_result_num").GetInt32());
        Assert.AreEqual(JsonValueKind.Object, reply.Body.GetProperty("words_result").ValueKind);
        Assert.IsEmpty(reply.Body.GetProperty("words_result").EnumerateObject().ToList());
    }

    [TestMethod]
    public async Task A_picture_without_a_card_is_error_216633_when_so_configured()
    {
        await using var host = await BaiduEmulatorHost.StartAsync(new EmulatorOptions { NonCardAnswer = NonCardAnswer.Error216633 });
        using var client = new EmulatorClient(host);

        var reply = await client.RecognizeAsync(await client.GetTokenAsync(), SyntheticCardImages.RenderPlainPicture(), "front");

        Assert.AreEqual(HttpStatusCode.OK, reply.Status);
        Assert.AreEqual(216633, reply.ErrorCode);
        Assert.AreEqual("recognize idcard error", reply.ErrorMessage);
    }

    [TestMethod]
    public async Task Ground_truth_that_says_non_idcard_is_answered_as_a_picture_without_a_card()
    {
        var truth = CardGroundTruth.ForFront(SyntheticIdentities.CreatePerson(new Random(20)), imageStatus: "non_idcard");

        var reply = await SharedEmulator.Client.RecognizeAsync(SharedEmulator.Token, SyntheticCardImages.Render(truth), "front");

        Assert.AreEqual("non_idcard", reply.ImageStatus);
        Assert.AreEqual(0, reply.Body.GetProperty("words_result_num").GetInt32());
    }

    [TestMethod]
    public async Task Only_the_fields_in_the_ground_truth_are_answered()
    {
        var truth = new CardGroundTruth("front", new Dictionary<string, string> { ["姓名"] = "张晓", ["性别"] = "女" }, ImageStatus: "blurred");

        var reply = await SharedEmulator.Client.RecognizeAsync(SharedEmulator.Token, SyntheticCardImages.Render(truth), "front");

        CollectionAssert.AreEquivalent(new Dictionary<string, string> { ["姓名"] = "张晓", ["性别"] = "女" }, ReadWords(reply));
        Assert.AreEqual(2, reply.Body.GetProperty("words_result_num").GetInt32());
    }

    [TestMethod]
    public async Task Malformed_ground_truth_is_an_internal_error_not_a_recognition()
    {
        var image = PngFile.WithText(SyntheticCardImages.RenderPlainPicture(), CardGroundTruth.PngKeyword, "{\"side\":\"front\",");

        var reply = await SharedEmulator.Client.RecognizeAsync(SharedEmulator.Token, image, "front");

        Assert.AreEqual(282000, reply.ErrorCode);
    }

    [TestMethod]
    public async Task Unknown_query_parameters_are_ignored()
    {
        var image = SyntheticCardImages.RenderFront(SyntheticIdentities.CreatePerson(new Random(21)));

        var reply = await SharedEmulator.Client.PostIdCardAsync(
            $"{EmulatorClient.IdCardPath}?access_token={Uri.EscapeDataString(SharedEmulator.Token)}&aipSdk=CSharp&aipVersion=3_6_14",
            [new("id_card_side", "front"), new("image", Convert.ToBase64String(image))]);

        Assert.IsNull(reply.ErrorCode, reply.Text);
        Assert.AreEqual("normal", reply.ImageStatus);
    }

    [TestMethod]
    public async Task Every_body_carries_a_fresh_numeric_log_id_beyond_double_precision()
    {
        var image = SyntheticCardImages.RenderFront(SyntheticIdentities.CreatePerson(new Random(22)));

        var success = await SharedEmulator.Client.RecognizeAsync(SharedEmulator.Token, image, "front");
        var failure = await SharedEmulator.Client.RecognizeAsync(SharedEmulator.Token, image, "sideways");

        var first = success.Body.GetProperty("log_id");
        var second = failure.Body.GetProperty("log_id");
        Assert.AreEqual(JsonValueKind.Number, first.ValueKind);
        Assert.AreEqual(JsonValueKind.Number, second.ValueKind);
        Assert.AreNotEqual(first.GetUInt64(), second.GetUInt64());
        Assert.IsGreaterThan(1UL << 53, first.GetUInt64());
    }

    [TestMethod]
    public async Task Log_id_can_be_sent_as_a_string()
    {
        await using var host = await BaiduEmulatorHost.StartAsync(new EmulatorOptions { LogIdAsString = true });
        using var client = new EmulatorClient(host);

        var reply = await client.RecognizeAsync(await client.GetTokenAsync(), SyntheticCardImages.RenderPlainPicture(), "front");

        var logId = reply.Body.GetProperty("log_id");
        Assert.AreEqual(JsonValueKind.String, logId.ValueKind);
        Assert.IsTrue(ulong.TryParse(logId.GetString(), NumberStyles.None, CultureInfo.InvariantCulture, out _));
    }

    [TestMethod]
    public async Task OCR_APIs_the_emulator_does_not_implement_answer_unsupported_method()
    {
        var reply = await SharedEmulator.Client.PostIdCardAsync($"rest/2.0/ocr/v1/bankcard?access_token={Uri.EscapeDataString(SharedEmulator.Token)}", [new("image", "AAAA")]);

        Assert.AreEqual(HttpStatusCode.OK, reply.Status);
        Assert.AreEqual(3, reply.ErrorCode);
        Assert.AreEqual("Unsupported openapi method", reply.ErrorMessage);
    }

    private static Dictionary<string, string> ReadWords(BaiduReply reply)
    {
        Assert.IsNull(reply.ErrorCode, reply.Text);
        return reply.Body.GetProperty("words_result").EnumerateObject()
            .ToDictionary(field => field.Name, field => field.Value.GetProperty("words").GetString()!);
    }
}
