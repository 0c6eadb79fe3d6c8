using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Shiming.BaiduEmulator;
using Shiming.Tests.Infrastructure;

namespace Shiming.Tests.Kinds;

/// <summary>
/// Text recognitions and image moderations through the real worker and the Baidu emulator: the same Durable-style
/// contract as verifications, on each kind's own routes.
/// </summary>
[TestClass]
public sealed class KindFlowTests
{
    private static ShimingTestApp s_app = null!;

    [ClassInitialize]
    public static async Task StartAsync(TestContext _) => s_app = await ShimingTestApp.StartDrainedAsync();

    [ClassCleanup]
    public static async Task StopAsync()
    {
        if (s_app is not null)
        {
            await s_app.DisposeAsync();
        }
    }

    [TestMethod]
    [DataRow("text", 101)]
    [DataRow("moderation", 102)]
    public async Task A_submission_is_accepted_at_once_with_its_status_URIs_and_waits_in_its_kinds_line(string name, int seed)
    {
        var kind = TestKind.Named(name);

        var (id, statusUri, accepted) = await s_app.SubmitAsync(kind, kind.Sample(seed));
        var (code, status) = await s_app.GetStatusAsync(statusUri);

        Assert.AreEqual(new Uri(s_app.BaseAddress, $"/api/{kind.Route}/{id}").ToString(), statusUri);
        Assert.AreEqual(statusUri, accepted.GetProperty("statusQueryGetUri").GetString());
        Assert.AreEqual(statusUri + "/terminate", accepted.GetProperty("terminatePostUri").GetString());
        Assert.AreEqual(statusUri, accepted.GetProperty("purgeHistoryDeleteUri").GetString());
        Assert.AreEqual("Pending", accepted.GetProperty("runtimeStatus").GetString());
        Assert.AreEqual(HttpStatusCode.Accepted, code, status.ToString());
        Assert.IsGreaterThanOrEqualTo(1, status.GetProperty("customStatus").GetProperty("queuePosition").GetInt32());
        await s_app.DrainUntilFinishedAsync(kind, statusUri);
    }

    [TestMethod]
    public async Task A_document_is_read_into_its_lines_in_reading_order()
    {
        var (png, truth) = SyntheticDocuments.Render(SyntheticDocuments.Create(new Random(111)));
        var (_, statusUri, _) = await s_app.SubmitAsync(TestKind.Text, png);

        var status = await s_app.DrainUntilFinishedAsync(TestKind.Text, statusUri);

        Assert.AreEqual("Completed", status.GetProperty("runtimeStatus").GetString(), status.ToString());
        Assert.AreEqual("TextRecognition", status.GetProperty("name").GetString());
        var output = status.GetProperty("output");
        Assert.AreEqual("accurate", output.GetProperty("accuracy").GetString());
        CollectionAssert.AreEqual(truth.Lines.Select(l => l.Words).ToArray(), output.GetProperty("lines").EnumerateArray().Select(l => l.GetProperty("words").GetString()).ToArray());
        Assert.IsFalse(output.GetProperty("lines")[0].TryGetProperty("location", out _), "no boxes unless asked for");
        Assert.AreEqual(EmulatorApis.AccurateBasic, s_app.Emulator.Calls.Last(c => c.Endpoint != EmulatorApis.UserDefined).Endpoint);
    }

    [TestMethod]
    public async Task Standard_accuracy_with_locations_calls_the_standard_edition_with_position_and_gives_each_lines_box()
    {
        var (png, truth) = SyntheticDocuments.Render(SyntheticDocuments.Create(new Random(112)));
        var (_, statusUri, _) = await s_app.SubmitAsync(TestKind.Text, png, "?accuracy=standard&locations=true");

        var status = await s_app.DrainUntilFinishedAsync(TestKind.Text, statusUri);

        var lines = status.GetProperty("output").GetProperty("lines");
        Assert.AreEqual(truth.Lines.Count, lines.GetArrayLength(), status.ToString());
        var first = lines[0].GetProperty("location");
        Assert.AreEqual(truth.Lines[0].Top, first.GetProperty("top").GetInt32());
        Assert.AreEqual(truth.Lines[0].Left, first.GetProperty("left").GetInt32());
        Assert.AreEqual("standard", status.GetProperty("output").GetProperty("accuracy").GetString());
        Assert.IsTrue(s_app.Emulator.Calls.Any(c => c.Endpoint == EmulatorApis.General));
    }

    [TestMethod]
    [DataRow("compliant", 0)]
    [DataRow("non_compliant", 1)]
    [DataRow("suspected", 1)]
    [DataRow("failed", 1)]
    public async Task A_moderation_completes_with_the_verdict_and_the_reasons_in_our_own_shape(string verdict, int reasons)
    {
        var image = SyntheticModerationImages.Render(SyntheticModerationImages.ForVerdict(verdict), seed: 120 + reasons + verdict.Length);
        var (_, statusUri, _) = await s_app.SubmitAsync(TestKind.Moderation, image);

        var status = await s_app.DrainUntilFinishedAsync(TestKind.Moderation, statusUri);

        Assert.AreEqual("Completed", status.GetProperty("runtimeStatus").GetString(), status.ToString());
        Assert.AreEqual("ImageModeration", status.GetProperty("name").GetString());
        var output = status.GetProperty("output");
        Assert.AreEqual(verdict, output.GetProperty("verdict").GetString());
        Assert.AreEqual(reasons, output.GetProperty("reasons").GetArrayLength());
        var text = output.ToString();
        foreach (var baidu in new[] { "conclusion", "conclusionType", "log_id", "data", "msg" })
        {
            Assert.DoesNotContain($"\"{baidu}\"", text);
        }
    }

    [TestMethod]
    [DataRow("text")]
    [DataRow("moderation")]
    public async Task Bad_input_is_refused_with_problem_details_and_nothing_is_queued(string name)
    {
        var kind = TestKind.Named(name);

        using var empty = await s_app.PostAsync(kind, []);
        using var notAnImage = await s_app.PostAsync(kind, "%PDF-1.7 not an image"u8.ToArray(), contentType: "image/png");
        using var badKey = await s_app.PostAsync(kind, kind.Sample(130), idempotencyKey: new string('k', 201));

        Assert.AreEqual(HttpStatusCode.BadRequest, empty.StatusCode);
        Assert.AreEqual("application/problem+json", empty.Content.Headers.ContentType?.MediaType);
        Assert.AreEqual(HttpStatusCode.UnsupportedMediaType, notAnImage.StatusCode);
        Assert.AreEqual(HttpStatusCode.BadRequest, badKey.StatusCode);
    }

    [TestMethod]
    public async Task Unknown_text_options_and_pictures_too_small_to_moderate_are_refused()
    {
        using var accuracy = await s_app.PostAsync(TestKind.Text, TestKind.Text.Sample(131), "?accuracy=fast");
        using var locations = await s_app.PostAsync(TestKind.Text, TestKind.Text.Sample(131), "?locations=yes");
        using var tiny = await s_app.PostAsync(TestKind.Moderation, TestImages.PngHeader(100, 100, extraBytes: 5000));
        using var small = await s_app.PostAsync(TestKind.Moderation, TestImages.PngHeader(300, 300, extraBytes: 100));

        Assert.AreEqual("unknown_accuracy", (await Problem(accuracy)).GetProperty("code").GetString());
        Assert.AreEqual("invalid_locations", (await Problem(locations)).GetProperty("code").GetString());
        Assert.AreEqual(HttpStatusCode.UnprocessableEntity, tiny.StatusCode);
        Assert.AreEqual(HttpStatusCode.UnprocessableEntity, small.StatusCode);
    }

    [TestMethod]
    [DataRow("text", 140)]
    [DataRow("moderation", 141)]
    public async Task Another_account_cannot_see_terminate_or_purge_a_job_and_the_card_routes_do_not_know_it(string name, int seed)
    {
        var kind = TestKind.Named(name);
        var (id, statusUri, _) = await s_app.SubmitAsync(kind, kind.Sample(seed));

        var (other, otherBody) = await s_app.GetStatusAsync(statusUri, account: "someone-else");
        var (asCard, _) = await s_app.GetStatusAsync($"/api/verifications/{id}");
        var otherKind = kind == TestKind.Text ? TestKind.Moderation : TestKind.Text;
        var (asOtherKind, _) = await s_app.GetStatusAsync($"/api/{otherKind.Route}/{id}");
        using var terminate = new HttpRequestMessage(HttpMethod.Post, statusUri + "/terminate");
        terminate.Headers.Add("X-MS-CLIENT-PRINCIPAL-ID", "someone-else");
        using var terminated = await s_app.Client.SendAsync(terminate);
        using var purge = new HttpRequestMessage(HttpMethod.Delete, statusUri);
        purge.Headers.Add("X-MS-CLIENT-PRINCIPAL-ID", "someone-else");
        using var purged = await s_app.Client.SendAsync(purge);

        Assert.AreEqual(HttpStatusCode.NotFound, other);
        Assert.AreEqual(kind.NotFoundCode, otherBody.GetProperty("code").GetString());
        Assert.AreEqual(HttpStatusCode.NotFound, asCard);
        Assert.AreEqual(HttpStatusCode.NotFound, asOtherKind);
        Assert.AreEqual(HttpStatusCode.NotFound, terminated.StatusCode);
        Assert.AreEqual(HttpStatusCode.NotFound, purged.StatusCode);
        Assert.AreEqual(HttpStatusCode.Accepted, (await s_app.GetStatusAsync(statusUri)).Code, "the owner still sees it");
    }

    [TestMethod]
    [DataRow("text", 150)]
    [DataRow("moderation", 151)]
    public async Task A_repeated_key_or_image_returns_the_same_job_and_a_key_of_one_kind_means_nothing_to_another(string name, int seed)
    {
        var kind = TestKind.Named(name);
        var key = Guid.NewGuid().ToString();
        var first = await s_app.SubmitAsync(kind, kind.Sample(seed), idempotencyKey: key);

        var again = await s_app.SubmitAsync(kind, kind.Sample(seed + 1000), idempotencyKey: key);
        var sameImage = await s_app.SubmitAsync(kind, kind.Sample(seed));
        var otherKind = kind == TestKind.Text ? TestKind.Moderation : TestKind.Text;
        var otherKindSameKey = await s_app.SubmitAsync(otherKind, otherKind.Sample(seed), idempotencyKey: key);

        Assert.AreEqual(first.Id, again.Id);
        Assert.AreEqual(first.Id, sameImage.Id);
        Assert.AreNotEqual(first.Id, otherKindSameKey.Id);
        if (kind == TestKind.Text)
        {
            var withLocations = await s_app.SubmitAsync(kind, kind.Sample(seed), "?locations=true");
            Assert.AreNotEqual(first.Id, withLocations.Id, "the same image asked for differently is another job");
        }
    }

    [TestMethod]
    [DataRow("text", 160)]
    [DataRow("moderation", 161)]
    public async Task A_terminated_job_is_never_sent_to_Baidu_and_a_purged_one_is_gone(string name, int seed)
    {
        var kind = TestKind.Named(name);
        var (id, statusUri, _) = await s_app.SubmitAsync(kind, kind.Sample(seed));

        using var terminated = await s_app.Client.PostAsync(statusUri + "/terminate", null);
        using var again = await s_app.Client.PostAsync(statusUri + "/terminate", null);
        await s_app.DrainOnceAsync(kind);
        var attempts = await s_app.AttemptsAsync(id);
        var (code, status) = await s_app.GetStatusAsync(statusUri);
        using var purged = await s_app.Client.DeleteAsync(statusUri);
        var purgeBody = await purged.Content.ReadFromJsonAsync<JsonElement>();
        var (afterPurge, _) = await s_app.GetStatusAsync(statusUri);

        Assert.AreEqual(HttpStatusCode.Accepted, terminated.StatusCode);
        Assert.AreEqual(HttpStatusCode.Gone, again.StatusCode);
        Assert.AreEqual(HttpStatusCode.OK, code);
        Assert.AreEqual("Terminated", status.GetProperty("runtimeStatus").GetString());
        Assert.AreEqual(0, attempts, "nothing went to Baidu for it");
        Assert.IsFalse(await AzuriteStorage.ExistsAsync(s_app.Storage.Images, id), "its image is gone");
        Assert.AreEqual(HttpStatusCode.OK, purged.StatusCode);
        Assert.AreEqual(1, purgeBody.GetProperty("instancesDeleted").GetInt32());
        Assert.AreEqual(HttpStatusCode.NotFound, afterPurge);
    }

    private static async Task<JsonElement> Problem(HttpResponseMessage response)
    {
        Assert.AreEqual(HttpStatusCode.BadRequest, response.StatusCode);
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }
}
