using System.Net;
using System.Text.Json;
using Shiming.BaiduEmulator;

namespace Shiming.Tests.Emulator;

/// <summary>The image moderation API: the verdict embedded in the image, compliant when there is none.</summary>
[TestClass]
public sealed class ImageModerationTests
{
    private static BaiduEmulatorHost s_host = null!;
    private static EmulatorClient s_client = null!;
    private static string s_token = null!;

    [ClassInitialize]
    public static async Task StartEmulatorAsync(TestContext context)
    {
        s_host = await BaiduEmulatorHost.StartAsync(new EmulatorOptions { Apis = { [EmulatorApis.UserDefined] = new EmulatorApiOptions { QpsLimit = 10_000 } } });
        s_client = new EmulatorClient(s_host);
        s_token = await s_client.GetTokenAsync();
    }

    [ClassCleanup]
    public static async Task StopEmulatorAsync()
    {
        s_client?.Dispose();
        if (s_host is not null)
        {
            await s_host.DisposeAsync();
        }
    }

    [TestMethod]
    public async Task AnImageWithoutAVerdictIsAnsweredAsCompliantWithNoData()
    {
        var reply = await s_client.ModerateAsync(s_token, SyntheticModerationImages.Render(null));

        Assert.IsNull(reply.ErrorCode, reply.Text);
        CollectionAssert.AreEquivalent(new[] { "log_id", "conclusion", "conclusionType" }, reply.Body.EnumerateObject().Select(property => property.Name).ToList());
        Assert.AreEqual("合规", reply.Body.GetProperty("conclusion").GetString());
        Assert.AreEqual(1, reply.ConclusionType);
        Assert.AreEqual(EmulatorApis.UserDefined, s_host.Calls[^1].Endpoint);
    }

    [TestMethod]
    public async Task ACardWhoseGroundTruthIsNoVerdictIsCompliant()
    {
        var card = await s_client.ModerateAsync(s_token, SyntheticCardImages.RenderFrontJpeg(SyntheticIdentities.CreatePerson(new Random(2))));

        Assert.AreEqual(1, card.ConclusionType, card.Text);
        Assert.IsFalse(card.Body.TryGetProperty("data", out _));
    }

    [TestMethod]
    [DataRow("compliant", 1, "合规")]
    [DataRow("non_compliant", 2, "不合规")]
    [DataRow("suspected", 3, "疑似")]
    [DataRow("failed", 4, "审核失败")]
    public async Task EachVerdictIsAnsweredWithItsConclusionAndConclusionType(string verdict, int conclusionType, string conclusion)
    {
        var truth = SyntheticModerationImages.ForVerdict(verdict)!;

        var reply = await s_client.ModerateAsync(s_token, SyntheticModerationImages.Render(truth));

        Assert.IsNull(reply.ErrorCode, reply.Text);
        Assert.AreEqual(conclusion, reply.Body.GetProperty("conclusion").GetString());
        Assert.AreEqual(conclusionType, reply.ConclusionType);
        Assert.AreEqual(conclusionType, s_host.Calls[^1].ConclusionType, "the call log records the verdict");
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
    public async Task ReasonsCarryTheirMessageProbabilityDatasetAndHits()
    {
        var truth = new ModerationGroundTruth(2,
        [
            new ModerationReason(4, 0, 2, "存在二维码内容", 0.94308),
            new ModerationReason(13, 0, 3, "疑似存在自定义文本黑名单不合规", 0.5, "示例词库", [new ModerationHit("示例词", 0.5, "示例词库")]),
        ]);

        var reply = await s_client.ModerateAsync(s_token, SyntheticModerationImages.Render(truth));

        var data = reply.Body.GetProperty("data");
        Assert.AreEqual("存在二维码内容", data[0].GetProperty("msg").GetString());
        Assert.AreEqual(0.94308, data[0].GetProperty("probability").GetDouble(), 1e-9);
        Assert.IsFalse(data[0].TryGetProperty("hits", out _));
        Assert.AreEqual("疑似", data[1].GetProperty("conclusion").GetString());
        Assert.AreEqual("示例词库", data[1].GetProperty("datasetName").GetString());
        Assert.AreEqual("示例词", data[1].GetProperty("hits")[0].GetProperty("words").GetString());
    }

    [TestMethod]
    public async Task AFailedReviewCarriesTheInnerError()
    {
        var reply = await s_client.ModerateAsync(s_token, SyntheticModerationImages.Render(ModerationGroundTruth.Failed()));

        Assert.IsNull(reply.ErrorCode, "the call itself succeeded");
        var item = reply.Body.GetProperty("data")[0];
        Assert.AreEqual(282000, item.GetProperty("error_code").GetInt32());
        Assert.AreEqual("internal error", item.GetProperty("error_msg").GetString());
    }

    [TestMethod]
    public async Task TokenRulesAreTheOcrApis()
    {
        var form = new KeyValuePair<string, string>[] { new("image", Convert.ToBase64String(SyntheticModerationImages.Render(null))) };

        var missing = await s_client.PostAsync(EmulatorClient.ModerationPath, form);
        var unknown = await s_client.PostAsync($"{EmulatorClient.ModerationPath}?access_token=24.unknown", form);

        AssertError(missing, 100, "Invalid parameter");
        AssertError(unknown, 110, "Access token invalid or no longer valid");
    }

    [TestMethod]
    [DataRow("imgUrl", "https://example.invalid/upload.jpg", 216101, "not enough param", DisplayName = "an imgUrl alone")]
    [DataRow("image", "", 216200, "empty image", DisplayName = "an empty image")]
    [DataRow("image", "not base64!", 216201, "image format error", DisplayName = "not Base64")]
    public async Task BadInputGetsBaidusInputErrors(string field, string value, int code, string message)
    {
        // Past the 5 KB least, so that the format is what is wrong.
        value = value == "not base64!" ? string.Concat(Enumerable.Repeat(value, 600)) : value;

        var reply = await s_client.PostAsync($"{EmulatorClient.ModerationPath}?access_token={s_token}", [new(field, value)]);

        AssertError(reply, code, message);
    }

    [TestMethod]
    public async Task AnImageTypeOtherThanZeroOrOneIsInvalidAndAGifTypeIsRefusedForAStillPicture()
    {
        var image = SyntheticModerationImages.Render(null);

        var unknown = await s_client.ModerateAsync(s_token, image, ("imgType", "2"));
        var gif = await s_client.ModerateAsync(s_token, image, ("imgType", "1"));
        var still = await s_client.ModerateAsync(s_token, image, ("imgType", "0"));

        AssertError(unknown, 216100, "invalid param");
        AssertError(gif, 216201, "image format error");
        Assert.AreEqual(1, still.ConclusionType, still.Text);
    }

    [TestMethod]
    public async Task PicturesUnder5KbOrUnder128PixelsAreImageSizeErrors()
    {
        var tiny = SyntheticCardImages.RenderPlainPicture(100, 100);
        var small = SyntheticCardImages.RenderPlainPicture(200, 200);
        Assert.IsLessThan(5 * 1024, Convert.ToBase64String(small).Length, "a plain 200 px picture compresses below 5 KB");

        AssertError(await s_client.ModerateAsync(s_token, tiny), 216202, "image size error");
        AssertError(await s_client.ModerateAsync(s_token, small), 216202, "image size error");
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
