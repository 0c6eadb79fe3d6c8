using System.Net;
using Shiming.BaiduEmulator;
using Shiming.Tests.Infrastructure;

namespace Shiming.Tests.Kinds;

/// <summary>
/// Each class of Baidu's answers for the text OCR and moderation APIs, played by the emulator's per-API settings
/// against the real app: handled as for ID cards, by class, and only on the kind that met it.
/// </summary>
[TestClass]
public sealed class KindOutcomeTests
{
    [TestMethod]
    [DataRow("text")]
    [DataRow("moderation")]
    public async Task An_error_18_burst_puts_the_job_back_without_counting_an_attempt_and_it_completes_after(string name)
    {
        var kind = TestKind.Named(name);
        var api = new EmulatorApiOptions { QpsBurstRate = 1 };
        await using var app = await ShimingTestApp.StartDrainedAsync(new EmulatorOptions { Apis = { [kind.Api] = api } }, maxAttempts: 1);
        var (id, statusUri, _) = await app.SubmitAsync(kind, kind.Sample(201));

        await app.DrainOnceAsync(kind);
        await app.DrainOnceAsync(kind);
        var (during, _) = await app.GetStatusAsync(statusUri);
        var refused = app.CallsTo(kind.Api).Count;
        api.QpsBurstRate = 0;
        var status = await app.DrainUntilFinishedAsync(kind, statusUri);

        Assert.AreEqual(HttpStatusCode.Accepted, during);
        Assert.IsGreaterThanOrEqualTo(2, refused);
        Assert.AreEqual("Completed", status.GetProperty("runtimeStatus").GetString(), status.ToString());
        Assert.AreEqual(1, await app.AttemptsAsync(id), "refusals with error 18 are not attempts");
        var calls = app.CallsTo(kind.Api);
        Assert.IsTrue(calls.Take(refused).All(call => call.ErrorCode == 18 && call.Fault == EmulatorFaults.QpsBurst));
        Assert.IsTrue(calls.Skip(refused).All(call => call.ErrorCode is null));
    }

    [TestMethod]
    [DataRow("text", "text recognition")]
    [DataRow("moderation", "image moderation")]
    public async Task The_daily_quota_pauses_the_kind_and_says_so_while_cards_go_on(string name, string description)
    {
        var kind = TestKind.Named(name);
        await using var app = await ShimingTestApp.StartDrainedAsync(new EmulatorOptions { Apis = { [kind.Api] = new EmulatorApiOptions { DailyQuota = 1 } } });
        var first = await app.SubmitAsync(kind, kind.Sample(211));
        var second = await app.SubmitAsync(kind, kind.Sample(212));

        await app.DrainOnceAsync(kind);
        await app.DrainOnceAsync(kind);
        var statuses = new[] { await app.GetStatusAsync(first.StatusUri), await app.GetStatusAsync(second.StatusUri) };
        var callsWhilePaused = app.CallsTo(kind.Api).Count;
        await app.DrainOnceAsync(kind);
        using var card = await app.SubmitAsync(SyntheticCardImages.RenderFront(SyntheticIdentities.CreatePerson(new Random(213))));
        await app.DrainOnceAsync();
        var (cardPoll, cardStatus) = await app.GetStatusAsync(card.Headers.Location!.ToString());

        Assert.AreEqual(1, statuses.Count(s => s.Code == HttpStatusCode.OK));
        var waiting = statuses.Single(s => s.Code == HttpStatusCode.Accepted).Body;
        var reason = waiting.GetProperty("customStatus").GetProperty("reason").GetString();
        StringAssert.Contains(reason, $"daily quota for {description}");
        Assert.AreEqual(callsWhilePaused, app.CallsTo(kind.Api).Count, "nothing reaches Baidu while paused");
        Assert.AreEqual(HttpStatusCode.OK, cardPoll, cardStatus.ToString());
        Assert.AreEqual("Completed", cardStatus.GetProperty("runtimeStatus").GetString(), "the card's line has its own quota");
    }

    [TestMethod]
    [DataRow("text")]
    [DataRow("moderation")]
    public async Task A_revoked_token_is_renewed_and_the_call_resent_once(string name)
    {
        var kind = TestKind.Named(name);
        await using var app = await ShimingTestApp.StartDrainedAsync();
        var warmUp = await app.SubmitAsync(kind, kind.Sample(221));
        await app.DrainUntilFinishedAsync(kind, warmUp.StatusUri);
        using (var http = new HttpClient { BaseAddress = app.Emulator.BaseAddress })
        using (var revoked = await http.DeleteAsync("emulator/tokens"))
        {
            Assert.IsTrue(revoked.IsSuccessStatusCode);
        }

        var (id, statusUri, _) = await app.SubmitAsync(kind, kind.Sample(222));
        var status = await app.DrainUntilFinishedAsync(kind, statusUri);

        Assert.AreEqual("Completed", status.GetProperty("runtimeStatus").GetString(), status.ToString());
        Assert.AreEqual(2, app.Emulator.TokensIssued);
        var calls = app.CallsTo(kind.Api);
        Assert.AreEqual(110, calls[^2].ErrorCode);
        Assert.IsNull(calls[^1].ErrorCode);
        Assert.AreEqual(1, await app.AttemptsAsync(id), "a renewed token is not another attempt");
    }

    [TestMethod]
    [DataRow("text")]
    [DataRow("moderation")]
    public async Task Transient_errors_are_retried_until_the_attempts_run_out_then_the_job_fails_and_goes_to_the_poison_queue(string name)
    {
        var kind = TestKind.Named(name);
        await using var app = await ShimingTestApp.StartDrainedAsync(new EmulatorOptions { Apis = { [kind.Api] = new EmulatorApiOptions { InternalErrorRate = 1 } } }, maxAttempts: 2);
        var (id, statusUri, _) = await app.SubmitAsync(kind, kind.Sample(231));

        var status = await app.DrainUntilFinishedAsync(kind, statusUri);

        Assert.AreEqual("Failed", status.GetProperty("runtimeStatus").GetString(), status.ToString());
        Assert.AreEqual("provider_unavailable", status.GetProperty("error").GetProperty("code").GetString());
        var calls = app.CallsTo(kind.Api);
        Assert.HasCount(2, calls);
        Assert.IsTrue(calls.All(call => call.ErrorCode == 282000));
        CollectionAssert.Contains((await app.PoisonedJobIdsAsync(kind)).ToList(), id);
    }

    [TestMethod]
    [DataRow("text")]
    [DataRow("moderation")]
    public async Task A_transient_error_is_retried_and_the_job_completes(string name)
    {
        var kind = TestKind.Named(name);
        var api = new EmulatorApiOptions { ServerErrorRate = 1 };
        await using var app = await ShimingTestApp.StartDrainedAsync(new EmulatorOptions { Apis = { [kind.Api] = api } }, maxAttempts: 3);
        var (id, statusUri, _) = await app.SubmitAsync(kind, kind.Sample(241));

        await app.DrainOnceAsync(kind);
        api.ServerErrorRate = 0;
        var status = await app.DrainUntilFinishedAsync(kind, statusUri);

        Assert.AreEqual("Completed", status.GetProperty("runtimeStatus").GetString(), status.ToString());
        Assert.AreEqual(2, await app.AttemptsAsync(id));
        Assert.AreEqual(EmulatorFaults.ServerError, app.CallsTo(kind.Api)[0].Fault);
    }

    [TestMethod]
    [DataRow("text")]
    [DataRow("moderation")]
    public async Task An_image_Baidu_refuses_fails_the_job_at_once_with_our_own_code(string name)
    {
        var kind = TestKind.Named(name);
        await using var app = await ShimingTestApp.StartDrainedAsync(new EmulatorOptions { Apis = { [kind.Api] = new EmulatorApiOptions { MaxImageSide = 200 } } });
        var (id, statusUri, _) = await app.SubmitAsync(kind, kind.Sample(251));

        var status = await app.DrainUntilFinishedAsync(kind, statusUri);

        Assert.AreEqual("Failed", status.GetProperty("runtimeStatus").GetString(), status.ToString());
        Assert.AreEqual("image_unreadable", status.GetProperty("error").GetProperty("code").GetString());
        Assert.AreEqual(216202, app.CallsTo(kind.Api).Single().ErrorCode);
        Assert.AreEqual(1, await app.AttemptsAsync(id));
        Assert.IsEmpty(await app.PoisonedJobIdsAsync(kind));
    }
}
