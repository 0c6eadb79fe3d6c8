using System.Net;
using System.Text.Json;
using Shiming.BaiduEmulator;
using Shiming.Tests.Infrastructure;

namespace Shiming.Tests.Jobs;

/// <summary>
/// Each class of Baidu's answers, played by the emulator against the real app: what the caller sees through the
/// HTTP API, and what reached Baidu. Faults the drain retries are in <see cref="BaiduTransientFaultTests"/>.
/// </summary>
[TestClass]
public sealed class BaiduOutcomeTests
{
    private static readonly TimeSpan BeijingOffset = TimeSpan.FromHours(8);

    [TestMethod]
    public async Task An_error_18_burst_puts_the_job_back_without_counting_an_attempt_and_it_completes_after()
    {
        var emulator = new EmulatorOptions { QpsBurstRate = 1 };
        await using var app = await ShimingTestApp.StartDrainedAsync(emulator, maxAttempts: 1);
        var (id, statusUri) = await app.SubmitJobAsync(Front(3001));

        await app.DrainOnceAsync();
        await app.DrainOnceAsync();
        var (during, duringBody) = await app.GetStatusAsync(statusUri);
        var refused = app.Calls.Count;
        emulator.QpsBurstRate = 0;
        var status = await app.DrainUntilFinishedAsync(statusUri);

        Assert.AreEqual(HttpStatusCode.Accepted, during, duringBody.ToString());
        Assert.AreEqual("Pending", duringBody.GetProperty("runtimeStatus").GetString());
        Assert.IsGreaterThanOrEqualTo(2, refused);
        Assert.AreEqual("Completed", status.GetProperty("runtimeStatus").GetString(), status.ToString());
        Assert.AreEqual(1, await app.AttemptsAsync(id), "refusals with error 18 are not attempts");
        var calls = app.Calls;
        Assert.IsTrue(calls.Take(refused).All(call => call.ErrorCode == 18 && call.Fault == EmulatorFaults.QpsBurst));
        Assert.IsTrue(calls.Skip(refused).All(call => call.ErrorCode is null && call.Fault is null));
        Assert.IsEmpty(await app.PoisonedJobIdsAsync());
    }

    [TestMethod]
    public async Task The_daily_quota_pauses_every_job_until_midnight_in_Beijing_and_says_so()
    {
        await using var app = await ShimingTestApp.StartDrainedAsync(new EmulatorOptions { DailyQuota = 2 });
        var jobs = new List<(string Id, string StatusUri)>();
        for (var i = 0; i < 6; i++)
        {
            jobs.Add(await app.SubmitJobAsync(Front(3010 + i)));
        }

        await app.DrainOnceAsync();
        var callsWhenPaused = app.Calls.Count;
        await app.DrainOnceAsync();
        var statuses = new List<(HttpStatusCode Code, JsonElement Body)>();
        foreach (var (_, statusUri) in jobs)
        {
            statuses.Add(await app.GetStatusAsync(statusUri));
        }

        var midnight = NextBeijingMidnight(DateTimeOffset.UtcNow);
        Assert.AreEqual(2, statuses.Count(s => s.Code == HttpStatusCode.OK && s.Body.GetProperty("runtimeStatus").GetString() == "Completed"));
        var waiting = statuses.Where(s => s.Code == HttpStatusCode.Accepted).Select(s => s.Body).ToList();
        Assert.HasCount(4, waiting);
        foreach (var body in waiting)
        {
            Assert.AreEqual("Pending", body.GetProperty("runtimeStatus").GetString());
            var custom = body.GetProperty("customStatus");
            StringAssert.Contains(custom.GetProperty("reason").GetString(), "daily quota");
            StringAssert.Contains(custom.GetProperty("reason").GetString(), "midnight Beijing time");
            var start = custom.GetProperty("estimatedStartTime").GetDateTimeOffset();
            Assert.IsGreaterThanOrEqualTo(midnight, start);
            Assert.IsLessThan(midnight.AddMinutes(1), start);
        }

        // The six calls were lined up 0.1 s apart; the first 17 stops those still in line. A call whose start time
        // comes before the drain has recorded the pause may still go out, and is refused as well.
        var calls = app.Calls;
        Assert.IsTrue(calls.Take(2).All(call => call.ErrorCode is null), Describe(calls));
        Assert.IsTrue(calls.Skip(2).All(call => call.ErrorCode == 17 && call.Fault == EmulatorFaults.DailyQuota), Describe(calls));
        Assert.IsLessThan(6, calls.Count, "the calls still in line went out after the quota ran out: " + Describe(calls));
        Assert.AreEqual(callsWhenPaused, calls.Count, "nothing reaches Baidu while paused");
        foreach (var (id, _) in jobs)
        {
            Assert.IsLessThanOrEqualTo(1, await app.AttemptsAsync(id), "a quota refusal is not an attempt");
        }
    }

    [TestMethod]
    public async Task The_total_quota_pauses_jobs_and_says_why()
    {
        await using var app = await ShimingTestApp.StartDrainedAsync(new EmulatorOptions { TotalQuota = 1 });
        var first = await app.SubmitJobAsync(Front(3020));
        var second = await app.SubmitJobAsync(Front(3021));

        await app.DrainOnceAsync();
        await app.DrainOnceAsync();
        var statuses = new[] { await app.GetStatusAsync(first.StatusUri), await app.GetStatusAsync(second.StatusUri) };

        Assert.AreEqual(1, statuses.Count(s => s.Code == HttpStatusCode.OK));
        var waiting = statuses.Single(s => s.Code == HttpStatusCode.Accepted).Body;
        StringAssert.Contains(waiting.GetProperty("customStatus").GetProperty("reason").GetString(), "total quota");
        Assert.IsGreaterThan(DateTimeOffset.UtcNow.AddMinutes(50), waiting.GetProperty("customStatus").GetProperty("estimatedStartTime").GetDateTimeOffset());
        var calls = app.Calls;
        Assert.HasCount(2, calls, Describe(calls));
        Assert.AreEqual(19, calls[1].ErrorCode);
        Assert.AreEqual(EmulatorFaults.TotalQuota, calls[1].Fault);
    }

    [TestMethod]
    public async Task Revoked_tokens_are_renewed_once_for_all_calls_in_flight_and_each_call_is_resent_once()
    {
        // Answers take a while, so several calls are on their way with the old token when the first 110 comes back.
        var emulator = new EmulatorOptions { LatencyMedian = TimeSpan.FromMilliseconds(400) };
        await using var app = await ShimingTestApp.StartDrainedAsync(emulator);
        var warmUp = await app.SubmitJobAsync(Front(3030));
        await app.DrainUntilFinishedAsync(warmUp.StatusUri);
        Assert.AreEqual(1, app.Emulator.TokensIssued);

        using (var http = new HttpClient { BaseAddress = app.Emulator.BaseAddress })
        using (var revoked = await http.DeleteAsync("emulator/tokens"))
        {
            Assert.AreEqual(HttpStatusCode.NoContent, revoked.StatusCode);
        }

        app.Emulator.ClearCalls();
        var jobs = new List<(string Id, string StatusUri)>();
        for (var i = 0; i < 4; i++)
        {
            jobs.Add(await app.SubmitJobAsync(Front(3031 + i)));
        }

        foreach (var (id, statusUri) in jobs)
        {
            var status = await app.DrainUntilFinishedAsync(statusUri);
            Assert.AreEqual("Completed", status.GetProperty("runtimeStatus").GetString(), status.ToString());
            Assert.AreEqual(1, await app.AttemptsAsync(id));
        }

        var calls = app.Calls;
        Assert.AreEqual(2, app.Emulator.TokensIssued, "one renewal for every call refused together");
        var refusals = calls.Count(call => call.ErrorCode == 110);
        Assert.IsGreaterThanOrEqualTo(1, refusals);
        Assert.AreEqual(4, calls.Count(call => call.ErrorCode is null), Describe(calls));
        Assert.HasCount(4 + refusals, calls, "each refused call is resent once: " + Describe(calls));
    }

    [TestMethod]
    public async Task An_expired_token_is_renewed_and_the_call_resent()
    {
        var emulator = new EmulatorOptions { TokenLifetime = TimeSpan.FromSeconds(1) };
        await using var app = await ShimingTestApp.StartDrainedAsync(emulator);
        var first = await app.SubmitJobAsync(Front(3040));
        await app.DrainUntilFinishedAsync(first.StatusUri);

        // The app was told the token lasts a second; it keeps it for at least a minute, so the emulator expires it first.
        emulator.TokenLifetime = TimeSpan.FromDays(30);
        await Task.Delay(TimeSpan.FromSeconds(1.2));
        var second = await app.SubmitJobAsync(Front(3041));
        var status = await app.DrainUntilFinishedAsync(second.StatusUri);

        Assert.AreEqual("Completed", status.GetProperty("runtimeStatus").GetString(), status.ToString());
        CollectionAssert.AreEqual(new int?[] { null, 111, null }, app.Calls.Select(call => call.ErrorCode).ToList());
        Assert.AreEqual(2, app.Emulator.TokensIssued);
        Assert.AreEqual(1, await app.AttemptsAsync(second.Id));
    }

    [TestMethod]
    public async Task An_image_over_Baidus_size_limit_fails_at_once_as_unreadable()
    {
        // Shiming checks the conservative limits itself; a Baidu stricter still answers 216202.
        await using var app = await ShimingTestApp.StartDrainedAsync(new EmulatorOptions { MaxImageSide = 100 }, maxAttempts: 3);
        var (id, statusUri) = await app.SubmitJobAsync(Front(3050));

        var status = await app.DrainUntilFinishedAsync(statusUri);

        Assert.AreEqual("Failed", status.GetProperty("runtimeStatus").GetString());
        Assert.AreEqual("image_unreadable", status.GetProperty("error").GetProperty("code").GetString());
        Assert.AreEqual(216202, app.Calls.Single().ErrorCode);
        Assert.AreEqual(1, await app.AttemptsAsync(id));
        Assert.IsEmpty(await app.PoisonedJobIdsAsync());
    }

    [TestMethod]
    public async Task Error_216633_fails_at_once_as_not_an_id_card()
    {
        await using var app = await ShimingTestApp.StartDrainedAsync(
            new EmulatorOptions { NonCardAnswer = NonCardAnswer.Error216633, Recognition = RecognitionMode.Off }, maxAttempts: 3);
        var (id, statusUri) = await app.SubmitJobAsync(SyntheticCardImages.RenderPlainPicture());

        var status = await app.DrainUntilFinishedAsync(statusUri);

        Assert.AreEqual("Failed", status.GetProperty("runtimeStatus").GetString());
        Assert.AreEqual("not_an_id_card", status.GetProperty("error").GetProperty("code").GetString());
        Assert.AreEqual(216633, app.Calls.Single().ErrorCode);
        Assert.AreEqual(1, await app.AttemptsAsync(id));
        Assert.IsEmpty(await app.PoisonedJobIdsAsync());
    }

    internal static byte[] Front(int seed) => SyntheticCardImages.RenderFront(SyntheticIdentities.CreatePerson(new Random(seed)));

    internal static string Describe(IEnumerable<EmulatorCall> calls) =>
        string.Join(", ", calls.Select(call => $"{call.ErrorCode?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "ok"}/{call.Fault ?? "-"}"));

    private static DateTimeOffset NextBeijingMidnight(DateTimeOffset now)
    {
        var beijing = now.ToOffset(BeijingOffset);
        return new DateTimeOffset(beijing.Date.AddDays(1), BeijingOffset);
    }
}
