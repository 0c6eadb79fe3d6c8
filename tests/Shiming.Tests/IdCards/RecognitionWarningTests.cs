using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Shiming.BaiduEmulator;
using Shiming.Tests.Infrastructure;

namespace Shiming.Tests.IdCards;

/// <summary>
/// Baidu's quality and fraud signals (<c>image_status</c>, <c>risk_type</c>, <c>idcard_number_type</c>) as the
/// emulator answers them from a synthetic card's ground truth, through the real app to the status answer.
/// </summary>
[TestClass]
public sealed class RecognitionWarningTests
{
    private static ShimingTestApp s_app = null!;

    [ClassInitialize]
    public static async Task StartAsync(TestContext _) => s_app = await ShimingTestApp.GetSharedAsync(SharedApp.TimersRunning);

    [TestMethod]
    [DataRow(3200, "blurred", null, "blurred", "normal", "image_blurred")]
    [DataRow(3201, "over_exposure", "copy", "over_exposure", "copy", "image_glare card_photocopy")]
    [DataRow(3202, "over_dark", "scan", "over_dark", "scan", "image_dark card_scan")]
    [DataRow(3203, null, "temporary", "normal", "temporary", "card_temporary")]
    [DataRow(3204, null, "screenshot", "normal", "screen", "card_on_screen")]
    public async Task A_poor_or_suspicious_photo_completes_with_warnings(
        int seed, string? imageStatus, string? riskType, string expectedImageStatus, string expectedRiskType, string expectedWarnings)
    {
        var person = SyntheticIdentities.CreatePerson(new Random(seed));

        var status = await VerifyAsync(SyntheticCardImages.RenderFront(person, imageStatus, riskType), "front");

        Assert.AreEqual("Completed", status.GetProperty("runtimeStatus").GetString(), status.ToString());
        var output = status.GetProperty("output");
        Assert.AreEqual(person.IdNumber, output.GetProperty("idNumber").GetString());
        Assert.AreEqual(expectedImageStatus, output.GetProperty("imageStatus").GetString());
        Assert.AreEqual(expectedRiskType, output.GetProperty("riskType").GetString());
        CollectionAssert.AreEquivalent(expectedWarnings.Split(' '), WarningCodes(output));
    }

    [TestMethod]
    public async Task A_number_that_disagrees_with_the_printed_sex_completes_with_a_warning()
    {
        var person = SyntheticIdentities.CreatePerson(new Random(3210));
        var truth = CardGroundTruth.ForFront(person with { Gender = person.Gender == "男" ? "女" : "男" });

        var status = await VerifyAsync(SyntheticCardImages.Render(truth), "front");

        Assert.AreEqual("Completed", status.GetProperty("runtimeStatus").GetString(), status.ToString());
        var output = status.GetProperty("output");
        Assert.IsTrue(output.GetProperty("idNumberValid").GetBoolean(), "the number itself is valid");
        CollectionAssert.AreEqual(new[] { "id_number_inconsistent" }, WarningCodes(output));
    }

    [TestMethod]
    public async Task An_expired_card_completes_with_a_warning()
    {
        var random = new Random(3211);
        var back = SyntheticIdentities.CreateBack(random, SyntheticIdentities.CreatePerson(random)) with
        {
            ValidFrom = new DateOnly(2000, 1, 1),
            ValidUntil = "20100101",
        };

        var status = await VerifyAsync(SyntheticCardImages.RenderBack(back), "back");

        Assert.AreEqual("Completed", status.GetProperty("runtimeStatus").GetString(), status.ToString());
        var output = status.GetProperty("output");
        Assert.IsTrue(output.GetProperty("expired").GetBoolean());
        CollectionAssert.AreEqual(new[] { "card_expired" }, WarningCodes(output));
    }

    [TestMethod]
    public async Task The_other_side_of_the_card_fails_with_wrong_side()
    {
        var random = new Random(3212);
        var back = SyntheticIdentities.CreateBack(random, SyntheticIdentities.CreatePerson(random));

        var status = await VerifyAsync(SyntheticCardImages.RenderBack(back), "front");

        Assert.AreEqual("Failed", status.GetProperty("runtimeStatus").GetString(), status.ToString());
        Assert.AreEqual("wrong_side", status.GetProperty("error").GetProperty("code").GetString());
    }

    [TestMethod]
    public async Task Another_kind_of_card_fails_with_not_an_id_card()
    {
        var person = SyntheticIdentities.CreatePerson(new Random(3213));

        var status = await VerifyAsync(SyntheticCardImages.RenderFront(person, imageStatus: "other_type_card"), "front");

        Assert.AreEqual("Failed", status.GetProperty("runtimeStatus").GetString(), status.ToString());
        Assert.AreEqual("not_an_id_card", status.GetProperty("error").GetProperty("code").GetString());
    }

    private static async Task<JsonElement> VerifyAsync(byte[] image, string side)
    {
        using var response = await s_app.SubmitAsync(image, side);
        Assert.AreEqual(HttpStatusCode.Accepted, response.StatusCode, await response.Content.ReadAsStringAsync());
        _ = await response.Content.ReadFromJsonAsync<JsonElement>();
        return await s_app.WaitForTerminalAsync(response.Headers.Location!.ToString());
    }

    private static List<string> WarningCodes(JsonElement output) =>
        [.. output.GetProperty("warnings").EnumerateArray().Select(warning => warning.GetProperty("code").GetString()!)];
}
