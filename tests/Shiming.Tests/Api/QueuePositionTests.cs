using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Shiming.BaiduEmulator;
using Shiming.Tests.Infrastructure;

namespace Shiming.Tests.Api;

/// <summary>
/// <c>customStatus.queuePosition</c>, <c>estimatedStartTime</c> and <c>Retry-After</c> while jobs wait, through
/// the worker under the host emulator and Azurite. A test waits a second where it needs a fresh count of the line.
/// </summary>
[TestClass]
public sealed class QueuePositionTests
{
    private static int s_seed = 8100;

    [TestMethod]
    public async Task Waiting_jobs_of_every_account_are_told_their_place_in_line_and_a_start_time_from_the_budget()
    {
        await using var app = await StartAsync();
        var accounts = new[] { "line-a", "line-b", "line-c" };
        var statusUris = new List<(string Account, string Uri)>();
        foreach (var round in Enumerable.Range(0, 2))
        {
            foreach (var account in accounts)
            {
                using var submitted = await SubmitAsync(app, account);
                Assert.AreEqual(HttpStatusCode.Accepted, submitted.StatusCode);
                statusUris.Add((account, submitted.Headers.Location!.ToString()));
            }
        }

        await FreshSnapshotAsync();
        var statuses = new List<(int Position, DateTimeOffset Start, TimeSpan RetryAfter)>();
        foreach (var (account, uri) in statusUris)
        {
            using var status = await SendAsync(app, account, HttpMethod.Get, uri);
            Assert.AreEqual(HttpStatusCode.Accepted, status.StatusCode);
            var waiting = (await status.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("customStatus");
            statuses.Add((waiting.GetProperty("queuePosition").GetInt32(), waiting.GetProperty("estimatedStartTime").GetDateTimeOffset(), status.Headers.RetryAfter!.Delta!.Value));
        }

        CollectionAssert.AreEqual(Enumerable.Range(1, 6).ToArray(), statuses.Select(s => s.Position).ToArray());

        // Five jobs ahead at 10 calls a second (plus the 2% margin) start about half a second after the first.
        var interval = TimeSpan.FromSeconds(1.02 / 10);
        var spread = statuses[5].Start - statuses[0].Start;
        Assert.IsTrue(spread >= 5 * interval - TimeSpan.FromSeconds(1) && spread <= 5 * interval + TimeSpan.FromSeconds(1), $"spread {spread}");
        Assert.IsTrue(statuses.Zip(statuses.Skip(1)).All(p => p.First.Start <= p.Second.Start + TimeSpan.FromSeconds(1)));
        Assert.IsTrue(statuses.All(s => s.RetryAfter >= TimeSpan.FromSeconds(1) && s.RetryAfter <= TimeSpan.FromSeconds(60)));
    }

    [TestMethod]
    public async Task A_terminated_job_leaves_the_line_and_the_jobs_behind_it_move_up()
    {
        await using var app = await StartAsync();
        var uris = new List<string>();
        for (var i = 0; i < 3; i++)
        {
            using var submitted = await SubmitAsync(app, "move-up");
            uris.Add(submitted.Headers.Location!.ToString());
        }

        using var terminated = await SendAsync(app, "move-up", HttpMethod.Post, $"{uris[0]}/terminate");
        Assert.AreEqual(HttpStatusCode.Accepted, terminated.StatusCode);
        await FreshSnapshotAsync();

        Assert.AreEqual(1, await PositionAsync(app, "move-up", uris[1]));
        Assert.AreEqual(2, await PositionAsync(app, "move-up", uris[2]));
    }

    [TestMethod]
    public async Task Jobs_a_drain_has_finished_leave_the_line()
    {
        await using var app = await StartAsync();
        using var first = await SubmitAsync(app, "drained");
        await app.DrainOnceAsync();
        using var second = await SubmitAsync(app, "drained");
        using var third = await SubmitAsync(app, "drained");
        await FreshSnapshotAsync();

        Assert.AreEqual(1, await PositionAsync(app, "drained", second.Headers.Location!.ToString()));
        Assert.AreEqual(2, await PositionAsync(app, "drained", third.Headers.Location!.ToString()));
        using var done = await SendAsync(app, "drained", HttpMethod.Get, first.Headers.Location!.ToString());
        var body = await done.Content.ReadFromJsonAsync<JsonElement>();
        Assert.AreEqual(HttpStatusCode.OK, done.StatusCode);
        Assert.AreEqual(JsonValueKind.Null, body.GetProperty("customStatus").ValueKind);
    }

    [TestMethod]
    public async Task The_submit_answer_already_places_the_new_job_behind_the_waiting_ones()
    {
        await using var app = await StartAsync();
        using (await SubmitAsync(app, "submit-a"))
        using (await SubmitAsync(app, "submit-b"))
        {
        }

        await FreshSnapshotAsync();
        using var third = await SubmitAsync(app, "submit-c");

        var accepted = await third.Content.ReadFromJsonAsync<JsonElement>();
        Assert.AreEqual(3, accepted.GetProperty("customStatus").GetProperty("queuePosition").GetInt32());
        Assert.IsNotNull(third.Headers.RetryAfter?.Delta);
    }

    private static Task<ShimingTestApp> StartAsync() =>
        ShimingTestApp.StartAsync(s => s["Verifications:MaxLiveJobsPerAccount"] = "10", runTimers: false);

    /// <summary>The app counts the line at most once a second; wait for its next count.</summary>
    private static Task FreshSnapshotAsync() => Task.Delay(TimeSpan.FromSeconds(1.1));

    private static async Task<int> PositionAsync(ShimingTestApp app, string account, string uri)
    {
        using var status = await SendAsync(app, account, HttpMethod.Get, uri);
        Assert.AreEqual(HttpStatusCode.Accepted, status.StatusCode);
        return (await status.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("customStatus").GetProperty("queuePosition").GetInt32();
    }

    private static Task<HttpResponseMessage> SubmitAsync(ShimingTestApp app, string account)
    {
        var content = new ByteArrayContent(SyntheticCardImages.RenderFront(SyntheticIdentities.CreatePerson(new Random(Interlocked.Increment(ref s_seed)))));
        content.Headers.ContentType = new MediaTypeHeaderValue("image/png");
        return SendAsync(app, account, HttpMethod.Post, "/api/verifications?side=front", content);
    }

    private static async Task<HttpResponseMessage> SendAsync(ShimingTestApp app, string account, HttpMethod method, string uri, HttpContent? content = null)
    {
        using var request = new HttpRequestMessage(method, uri) { Content = content };
        request.Headers.Remove("X-MS-CLIENT-PRINCIPAL-ID");
        request.Headers.Add("X-MS-CLIENT-PRINCIPAL-ID", account);
        return await app.Client.SendAsync(request);
    }
}
