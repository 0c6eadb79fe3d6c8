using System.Net;
using System.Text.Json;

namespace Shiming.BaiduEmulator.Tests;

/// <summary>The image moderation API: the verdict embedded in the image, compliant when there is none.</summary>
[TestClass]
public sealed class ImageModerationTests
{
    [TestMethod]
    public async Task An_image_without_a_verdict_is_answered_as_compliant_with_no_data()
    {
        var logged = SharedEmulator.CallsTo(EmulatorApis.UserDefined).Count;

        var reply = await SharedEmulator.Client.ModerateAsync(SharedEmulator.Token, SyntheticModerationImages.Render(null));

        Assert.IsNull(reply.ErrorCode, reply.Text);
        CollectionAssert.AreEquivalent(new[] { "log_id", "conclusion", "conclusionType" }, reply.Body.EnumerateObject().Select(property => property.Name).ToList());
        Assert.AreEqual("合规", reply.Body.GetProperty("conclusion").GetString());
        Assert.AreEqual(1, reply.ConclusionType);
        Assert.HasCount(logged + 1, SharedEmulator.CallsTo(EmulatorApis.UserDefined), "the call is logged under the moderation API");
    }

    [TestMethod]
    public async Task A_card_whose_ground_truth_is_no_verdict_is_compliant()
    {
        var card = await SharedEmulator.Client.ModerateAsync(SharedEmulator.Token, SyntheticCardImages.RenderFrontJpeg(SyntheticIdentities.CreatePerson(new Random(2))));

        Assert.AreEqual(1, card.ConclusionType, card.Text);
        Assert.IsFalse(card.Body.TryGetProperty("data", out _));
    }

    [TestMethod]
    [DataRow("compliant", 1, "合规")]
    [DataRow("non_compliant", 2, "不合规")]
    [DataRow("suspected", 3, "疑似")]
    [DataRow("failed", 4, "审核失败")]
    public async Task Each_verdict_is_answered_with_its_conclusion_and_conclusion_type(string verdict, int conclusionType, string conclusion)
    {
        var truth = SyntheticModerationImages.ForVerdict(verdict)!;

        var reply = await SharedEmulator.Client.ModerateAsync(SharedEmulator.Token, SyntheticModerationImages.Render(truth));

        Assert.IsNull(reply.ErrorCode, reply.Text);
        Assert.AreEqual(conclusion, reply.Body.GetProperty("conclusion").GetString());
        Assert.AreEqual(conclusionType, reply.ConclusionType);
        Assert.AreEqual(conclusionType, SharedEmulator.CallsTo(EmulatorApis.UserDefined)[^1].ConclusionType, "the call log records the verdict");
        Assert.AreEqual(conclusionType != 1, reply.Body.TryGetProperty("data", out var data), "data only for a verdict other than compliant");
        if (conclusionType != 1)
        {
            Assert.AreEqual(truth.Reasons.Count, data.GetArrayLength());
            var first = data[0];
            Assert.AreEqual(truth.Reasons[0].Type, first.GetProperty("type").GetInt32());
            Assert.AreEqual(truth.Reasons[0].SubType, first.GetProperty("subType").GetInt32());
            Assert.AreEqual(truth.Reasons[0].ConclusionType, first.GetProperty("conclusionType").GetInt32());
            Assert.AreEqual(ModerationGroundTruth.Conclusion(truth.Reasons[0].ConclusionType), first.GetProperty("conclusion").GetString());
        }
    }

    [TestMethod]
    public async Task Reasons_carry_their_message_probability_dataset_and_hits()
    {
        var truth = new ModerationGroundTruth(2,
        [
            new ModerationReason(4, 0, 2, "存在二维码内容", 0.94308),
            new ModerationReason(13, 0, 3, "疑似存在自定义文本黑名单不合规", 0.5, "示例词库", [new ModerationHit("示例词", 0.5, "示例词库")]),
        ]);

        var reply = await SharedEmulator.Client.ModerateAsync(SharedEmulator.Token, SyntheticModerationImages.Render(truth));

        var data = reply.Body.GetProperty("data");
        Assert.AreEqual("存在二维码内容", data[0].GetProperty("msg").GetString());
        Assert.AreEqual(0.94308, data[0].GetProperty("probability").GetDouble(), 1e-9);
        Assert.IsFalse(data[0].TryGetProperty("hits", out _));
        Assert.AreEqual("疑似", data[1].GetProperty("conclusion").GetString());
        Assert.AreEqual("示例词库", data[1].GetProperty("datasetName").GetString());
        Assert.AreEqual("示例词", data[1].GetProperty("hits")[0].GetProperty("words").GetString());
    }

    [TestMethod]
    public async Task A_failed_review_carries_the_inner_error()
    {
        var reply = await SharedEmulator.Client.ModerateAsync(SharedEmulator.Token, SyntheticModerationImages.Render(ModerationGroundTruth.Failed()));

        Assert.IsNull(reply.ErrorCode, "the call itself succeeded");
        var item = reply.Body.GetProperty("data")[0];
        Assert.AreEqual(282000, item.GetProperty("error_code").GetInt32());
        Assert.AreEqual("internal error", item.GetProperty("error_msg").GetString());
    }

    [TestMethod]
    public async Task Token_rules_are_the_OCR_APIs()
    {
        var form = new KeyValuePair<string, string>[] { new("image", Convert.ToBase64String(SyntheticModerationImages.Render(null))) };

        var missing = await SharedEmulator.Client.PostAsync(EmulatorClient.ModerationPath, form);
        var unknown = await SharedEmulator.Client.PostAsync($"{EmulatorClient.ModerationPath}?access_token=24.unknown", form);

        AssertError(missing, 100, "Invalid parameter");
        AssertError(unknown, 110, "Access token invalid or no longer valid");
    }

    [TestMethod]
    [DataRow("imgUrl", "https://example.invalid/upload.jpg", 216101, "not enough param", DisplayName = "an imgUrl alone")]
    [DataRow("image", "", 216200, "empty image", DisplayName = "an empty image")]
    [DataRow("image", "not base64!", 216201, "image format error", DisplayName = "not Base64")]
    public async Task Bad_input_gets_Baidus_input_errors(string field, string value, int code, string message)
    {
        // Past the 5 KB least, so that the format is what is wrong.
        value = value == "not base64!" ? string.Concat(Enumerable.Repeat(value, 600)) : value;

        var reply = await SharedEmulator.Client.PostAsync($"{EmulatorClient.ModerationPath}?access_token={SharedEmulator.Token}", [new(field, value)]);

        AssertError(reply, code, message);
    }

    [TestMethod]
    public async Task An_image_type_other_than_zero_or_one_is_invalid_and_a_GIF_type_is_refused_for_a_still_picture()
    {
        var image = SyntheticModerationImages.Render(null);

        var unknown = await SharedEmulator.Client.ModerateAsync(SharedEmulator.Token, image, ("imgType", "2"));
        var gif = await SharedEmulator.Client.ModerateAsync(SharedEmulator.Token, image, ("imgType", "1"));
        var still = await SharedEmulator.Client.ModerateAsync(SharedEmulator.Token, image, ("imgType", "0"));

        AssertError(unknown, 216100, "invalid param");
        AssertError(gif, 216201, "image format error");
        Assert.AreEqual(1, still.ConclusionType, still.Text);
    }

    [TestMethod]
    public async Task Pictures_under_5_KB_or_under_128_pixels_are_image_size_errors()
    {
        var tiny = SyntheticCardImages.RenderPlainPicture(100, 100);
        var small = SyntheticCardImages.RenderPlainPicture(200, 200);
        Assert.IsLessThan(5 * 1024, Convert.ToBase64String(small).Length, "a plain 200 px picture compresses below 5 KB");

        AssertError(await SharedEmulator.Client.ModerateAsync(SharedEmulator.Token, tiny), 216202, "image size error");
        AssertError(await SharedEmulator.Client.ModerateAsync(SharedEmulator.Token, small), 216202, "image size error");
    }

    private static void AssertError(BaiduReply reply, int code, string message)
    {
        Assert.AreEqual(HttpStatusCode.OK, reply.Status);
        Assert.AreEqual(code, reply.ErrorCode, reply.Text);
        Assert.AreEqual(message, reply.ErrorMessage);
        Assert.IsFalse(reply.Body.TryGetProperty("conclusion", out _));
        Assert.AreEqual(JsonValueKind.Number, reply.Body.GetProperty("log_id").ValueKind);
    }
}
