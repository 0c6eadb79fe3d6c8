using System.Net;
using System.Text.Json;
using Microsoft.Extensions.Time.Testing;

namespace Shiming.BaiduEmulator.Tests;

[TestClass]
public sealed class FaultInjectionTests
{
    private static readonly byte[] Card = SyntheticCardImages.RenderFront(SyntheticIdentities.CreatePerson(new Random(61)));

    [TestMethod]
    public async Task A_fixed_latency_delays_every_answer_by_at_least_the_median()
    {
        await using var host = await BaiduEmulatorHost.StartAsync(new EmulatorOptions { LatencyMedian = TimeSpan.FromMilliseconds(300) });
        using var client = new EmulatorClient(host);
        var token = await client.GetTokenAsync();

        var reply = await client.RecognizeAsync(token, Card, "front");
        var error = await client.RecognizeAsync(token, Card, "sideways");

        Assert.IsNull(reply.ErrorCode, reply.Text);
        Assert.AreEqual(216100, error.ErrorCode);
        foreach (var call in host.Calls)
        {
            Assert.IsNull(call.Fault, "latency is not a fault");
            Assert.IsGreaterThanOrEqualTo(TimeSpan.FromMilliseconds(300), call.AnsweredAt!.Value - call.ArrivedAt);
        }
    }

    [TestMethod]
    public void Latency_is_log_normal_with_the_configured_median_and_p99()
    {
        var options = new EmulatorOptions { LatencyMedian = TimeSpan.FromMilliseconds(200), LatencyP99 = TimeSpan.FromMilliseconds(1500), FaultSeed = 5 };
        var faults = new FaultInjector(options.FaultSeed);

        var draws = Enumerable.Range(0, 40_000).Select(_ => faults.DrawLatency(options).TotalMilliseconds).Order().ToArray();

        var median = draws[draws.Length / 2];
        var p99 = draws[(int)(draws.Length * 0.99)];
        Assert.IsLessThan(10, Math.Abs(median - 200), $"median {median} ms");
        Assert.IsLessThan(120, Math.Abs(p99 - 1500), $"p99 {p99} ms");
        Assert.IsGreaterThan(0, draws[0]);
    }

    [TestMethod]
    public void Latency_is_capped_however_long_the_tail()
    {
        var options = new EmulatorOptions { LatencyMedian = TimeSpan.FromSeconds(60), LatencyP99 = EmulatorOptions.MaxLatency, FaultSeed = 6 };
        var faults = new FaultInjector(options.FaultSeed);

        var draws = Enumerable.Range(0, 2_000).Select(_ => faults.DrawLatency(options)).ToList();

        Assert.IsTrue(draws.All(draw => draw <= EmulatorOptions.MaxLatency));
        Assert.IsTrue(draws.Any(draw => draw == EmulatorOptions.MaxLatency), "half the draws are above the median, some far enough to be capped");
    }

    [TestMethod]
    public async Task Server_errors_are_gateway_statuses_with_HTML_bodies_and_are_logged()
    {
        await using var host = await BaiduEmulatorHost.StartAsync(new EmulatorOptions { QpsLimit = 100, ServerErrorRate = 1, FaultSeed = 1 });
        using var client = new EmulatorClient(host);
        var token = await client.GetTokenAsync();

        var statuses = new HashSet<HttpStatusCode>();
        for (var i = 0; i < 12; i++)
        {
            using var response = await client.Http.PostAsync(
                $"{EmulatorClient.IdCardPath}?access_token={token}",
                EmulatorClient.Form([new("id_card_side", "front"), new("image", Convert.ToBase64String(Card))]));
            var text = await response.Content.ReadAsStringAsync();
            statuses.Add(response.StatusCode);
            Assert.AreEqual("text/html", response.Content.Headers.ContentType?.MediaType);
            StringAssert.StartsWith(text, "<html>");
            Assert.Throws<JsonException>(() => JsonDocument.Parse(text));
        }

        CollectionAssert.IsSubsetOf(statuses.ToList(), new[] { HttpStatusCode.InternalServerError, HttpStatusCode.BadGateway, HttpStatusCode.ServiceUnavailable });
        Assert.IsGreaterThan(1, statuses.Count, "the status is drawn among the three");
        Assert.IsTrue(host.Calls.All(call => call.Fault == EmulatorFaults.ServerError && call.ErrorCode is null && call.AnsweredAt is not null));
    }

    [TestMethod]
    public async Task A_timeout_holds_the_call_until_the_client_gives_up()
    {
        await using var host = await BaiduEmulatorHost.StartAsync(new EmulatorOptions { TimeoutRate = 1 });
        using var client = new EmulatorClient(host);
        var token = await client.GetTokenAsync();
        using var impatient = new HttpClient { BaseAddress = host.BaseAddress, Timeout = TimeSpan.FromMilliseconds(500) };

        await Assert.ThrowsAsync<TaskCanceledException>(() => impatient.PostAsync(
            $"{EmulatorClient.IdCardPath}?access_token={token}",
            EmulatorClient.Form([new("id_card_side", "front"), new("image", Convert.ToBase64String(Card))])));

        var call = await SingleCallAsync(host);
        Assert.AreEqual(EmulatorFaults.Timeout, call.Fault);
        Assert.IsNull(call.AnsweredAt, "nothing was ever sent");
        Assert.IsNull(call.ErrorCode);
    }

    [TestMethod]
    public async Task An_internal_error_is_error_282000()
    {
        await using var host = await BaiduEmulatorHost.StartAsync(new EmulatorOptions { InternalErrorRate = 1 });
        using var client = new EmulatorClient(host);

        var reply = await client.RecognizeAsync(await client.GetTokenAsync(), Card, "front");

        Assert.AreEqual(HttpStatusCode.OK, reply.Status);
        Assert.AreEqual(282000, reply.ErrorCode);
        Assert.AreEqual("internal error", reply.ErrorMessage);
        Assert.IsTrue(reply.Body.TryGetProperty("log_id", out _));
        var call = host.Calls.Single();
        Assert.AreEqual(EmulatorFaults.InternalError, call.Fault);
        Assert.AreEqual(282000, call.ErrorCode);
    }

    [TestMethod]
    public async Task A_connection_reset_aborts_the_connection_without_an_answer()
    {
        await using var host = await BaiduEmulatorHost.StartAsync(new EmulatorOptions { ConnectionResetRate = 1 });
        using var client = new EmulatorClient(host);
        var token = await client.GetTokenAsync();

        await Assert.ThrowsAsync<HttpRequestException>(() => client.RecognizeAsync(token, Card, "front"));

        var call = await SingleCallAsync(host);
        Assert.AreEqual(EmulatorFaults.ConnectionReset, call.Fault);
        Assert.IsNull(call.ErrorCode);
    }

    [TestMethod]
    public async Task A_burst_refuses_every_call_with_error_18_until_it_ends()
    {
        var clock = new FakeTimeProvider();
        var options = new EmulatorOptions { QpsLimit = 100, QpsBurstRate = 1, QpsBurstLength = TimeSpan.FromSeconds(2) };
        await using var host = await BaiduEmulatorHost.StartAsync(options, clock);
        using var client = new EmulatorClient(host);
        var token = await client.GetTokenAsync();

        var starting = await client.RecognizeAsync(token, Card, "front");
        options.QpsBurstRate = 0;
        clock.Advance(TimeSpan.FromMilliseconds(1999));
        var inside = await client.RecognizeAsync(token, Card, "front");
        clock.Advance(TimeSpan.FromMilliseconds(1));
        var after = await client.RecognizeAsync(token, Card, "front");

        Assert.AreEqual(18, starting.ErrorCode);
        Assert.AreEqual("Open api qps request limit reached", starting.ErrorMessage);
        Assert.AreEqual(18, inside.ErrorCode);
        Assert.IsNull(after.ErrorCode, after.Text);
        CollectionAssert.AreEqual(
            new[] { EmulatorFaults.QpsBurst, EmulatorFaults.QpsBurst, null },
            host.Calls.Select(call => call.Fault).ToList());
    }

    [TestMethod]
    public async Task Calls_refused_in_a_burst_do_not_use_the_QPS_window()
    {
        var clock = new FakeTimeProvider();
        var options = new EmulatorOptions { QpsLimit = 1, QpsBurstRate = 1, QpsBurstLength = TimeSpan.FromMilliseconds(100) };
        await using var host = await BaiduEmulatorHost.StartAsync(options, clock);
        using var client = new EmulatorClient(host);
        var token = await client.GetTokenAsync();

        var refused = await client.RecognizeAsync(token, Card, "front");
        options.QpsBurstRate = 0;
        clock.Advance(TimeSpan.FromMilliseconds(100));
        var next = await client.RecognizeAsync(token, Card, "front");

        Assert.AreEqual(18, refused.ErrorCode);
        Assert.IsNull(next.ErrorCode, "the refused call must not count against the limit of one per second");
    }

    [TestMethod]
    public async Task A_call_over_the_real_limit_is_a_genuine_18_even_while_bursts_are_drawn()
    {
        var clock = new FakeTimeProvider();
        var options = new EmulatorOptions { QpsLimit = 1 };
        await using var host = await BaiduEmulatorHost.StartAsync(options, clock);
        using var client = new EmulatorClient(host);
        var token = await client.GetTokenAsync();

        await client.RecognizeAsync(token, Card, "front");
        options.QpsBurstRate = 1;
        var over = await client.RecognizeAsync(token, Card, "front");

        Assert.AreEqual(18, over.ErrorCode);
        Assert.IsNull(host.Calls[1].Fault, "the limit is checked before any fault is drawn");
    }

    [TestMethod]
    public async Task The_daily_quota_refuses_with_error_17_until_midnight_in_Beijing()
    {
        // 15:00 UTC is 23:00 in Beijing.
        var clock = new FakeTimeProvider(new DateTimeOffset(2030, 1, 1, 15, 0, 0, TimeSpan.Zero));
        await using var host = await BaiduEmulatorHost.StartAsync(new EmulatorOptions { DailyQuota = 2 }, clock);
        using var client = new EmulatorClient(host);
        var token = await client.GetTokenAsync();

        var used = new[] { await client.RecognizeAsync(token, Card, "front"), await client.RecognizeAsync(token, Card, "front") };
        var over = await client.RecognizeAsync(token, Card, "front");
        clock.Advance(TimeSpan.FromMinutes(59));
        var lastMinute = await client.RecognizeAsync(token, Card, "front");
        clock.Advance(TimeSpan.FromMinutes(1));
        var nextDay = await client.RecognizeAsync(token, Card, "front");

        Assert.IsTrue(used.All(reply => reply.ErrorCode is null));
        Assert.AreEqual(17, over.ErrorCode);
        Assert.AreEqual("Open api daily request limit reached", over.ErrorMessage);
        Assert.AreEqual(17, lastMinute.ErrorCode);
        Assert.IsNull(nextDay.ErrorCode, nextDay.Text);
        Assert.AreEqual(EmulatorFaults.DailyQuota, host.Calls[2].Fault);
    }

    [TestMethod]
    public async Task Only_successful_calls_use_the_daily_quota()
    {
        var clock = new FakeTimeProvider();
        var options = new EmulatorOptions { DailyQuota = 1, InternalErrorRate = 1 };
        await using var host = await BaiduEmulatorHost.StartAsync(options, clock);
        using var client = new EmulatorClient(host);
        var token = await client.GetTokenAsync();

        var injected = await client.RecognizeAsync(token, Card, "front");
        options.InternalErrorRate = 0;
        var invalid = await client.RecognizeAsync(token, Card, "sideways");
        var billed = await client.RecognizeAsync(token, Card, "front");
        var over = await client.RecognizeAsync(token, Card, "front");

        CollectionAssert.AreEqual(new int?[] { 282000, 216100, null, 17 }, new[] { injected.ErrorCode, invalid.ErrorCode, billed.ErrorCode, over.ErrorCode });
    }

    [TestMethod]
    public async Task The_total_quota_refuses_with_error_19_and_does_not_reset_overnight()
    {
        var clock = new FakeTimeProvider();
        await using var host = await BaiduEmulatorHost.StartAsync(new EmulatorOptions { TotalQuota = 1 }, clock);
        using var client = new EmulatorClient(host);
        var token = await client.GetTokenAsync();

        var billed = await client.RecognizeAsync(token, Card, "front");
        var over = await client.RecognizeAsync(token, Card, "front");
        clock.Advance(TimeSpan.FromDays(1));
        var tomorrow = await client.RecognizeAsync(token, Card, "front");

        Assert.IsNull(billed.ErrorCode);
        Assert.AreEqual(19, over.ErrorCode);
        Assert.AreEqual("Open api total request limit reached", over.ErrorMessage);
        Assert.AreEqual(19, tomorrow.ErrorCode);
        Assert.AreEqual(EmulatorFaults.TotalQuota, host.Calls[1].Fault);
    }

    [TestMethod]
    public async Task The_same_seed_draws_the_same_faults()
    {
        var first = await DrawErrorCodesAsync(new EmulatorOptions { InternalErrorRate = 0.5, FaultSeed = 42 });
        var second = await DrawErrorCodesAsync(new EmulatorOptions { InternalErrorRate = 0.5, FaultSeed = 42 });
        var other = await DrawErrorCodesAsync(new EmulatorOptions { InternalErrorRate = 0.5, FaultSeed = 43 });

        CollectionAssert.AreEqual(first, second);
        CollectionAssert.AreNotEqual(first, other);
        CollectionAssert.Contains(first, 282000);
        CollectionAssert.Contains(first, null);
    }

    [TestMethod]
    public async Task Revoking_tokens_over_HTTP_makes_old_tokens_answer_110()
    {
        await using var host = await BaiduEmulatorHost.StartAsync();
        using var client = new EmulatorClient(host);
        var old = await client.GetTokenAsync();

        using var revoked = await client.Http.DeleteAsync("emulator/tokens");
        var refused = await client.RecognizeAsync(old, Card, "front");
        var renewed = await client.RecognizeAsync(await client.GetTokenAsync(), Card, "front");
        using var counts = JsonDocument.Parse(await client.Http.GetStringAsync("emulator/tokens"));

        Assert.AreEqual(HttpStatusCode.NoContent, revoked.StatusCode);
        Assert.AreEqual(110, refused.ErrorCode);
        Assert.AreEqual("Access token invalid or no longer valid", refused.ErrorMessage);
        Assert.IsNull(renewed.ErrorCode, renewed.Text);
        Assert.AreEqual(2, counts.RootElement.GetProperty("issued").GetInt64());
        Assert.AreEqual(2, host.TokensIssued);
    }

    [TestMethod]
    public async Task A_short_token_lifetime_makes_the_token_answer_111_once_expired()
    {
        var clock = new FakeTimeProvider();
        await using var host = await BaiduEmulatorHost.StartAsync(new EmulatorOptions { TokenLifetime = TimeSpan.FromSeconds(2) }, clock);
        using var client = new EmulatorClient(host);
        var token = await client.GetTokenAsync();

        var fresh = await client.RecognizeAsync(token, Card, "front");
        clock.Advance(TimeSpan.FromSeconds(2));
        var expired = await client.RecognizeAsync(token, Card, "front");

        Assert.IsNull(fresh.ErrorCode);
        Assert.AreEqual(111, expired.ErrorCode);
    }

    [TestMethod]
    [DataRow(nameof(EmulatorOptions.ServerErrorRate), 1.5)]
    [DataRow(nameof(EmulatorOptions.TimeoutRate), -0.1)]
    [DataRow(nameof(EmulatorOptions.InternalErrorRate), double.NaN)]
    [DataRow(nameof(EmulatorOptions.QpsBurstRate), 2.0)]
    [DataRow(nameof(EmulatorOptions.ConnectionResetRate), 1.01)]
    public async Task A_rate_outside_zero_to_one_is_refused_at_start(string name, double rate)
    {
        var options = new EmulatorOptions();
        typeof(EmulatorOptions).GetProperty(name)!.SetValue(options, rate);

        var error = await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => BaiduEmulatorHost.StartAsync(options));

        Assert.Contains($"Emulator:{name}", error.Message);
    }

    [TestMethod]
    public async Task Other_fault_settings_that_cannot_work_are_refused_at_start()
    {
        EmulatorOptions[] invalid =
        [
            new() { ServerErrorRate = 0.6, InternalErrorRate = 0.6 },
            new() { LatencyMedian = TimeSpan.FromSeconds(2), LatencyP99 = TimeSpan.FromSeconds(1) },
            new() { LatencyP99 = TimeSpan.FromSeconds(1) },
            new() { LatencyMedian = TimeSpan.FromMinutes(3) },
            new() { LatencyMedian = TimeSpan.FromMilliseconds(-1) },
            new() { QpsBurstLength = TimeSpan.Zero },
            new() { DailyQuota = -1 },
            new() { TotalQuota = -1 },
        ];

        foreach (var options in invalid)
        {
            await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => BaiduEmulatorHost.StartAsync(options));
        }
    }

    private static async Task<List<int?>> DrawErrorCodesAsync(EmulatorOptions options)
    {
        await using var host = await BaiduEmulatorHost.StartAsync(options);
        using var client = new EmulatorClient(host);
        var token = await client.GetTokenAsync();
        var codes = new List<int?>();
        for (var i = 0; i < 8; i++)
        {
            codes.Add((await client.RecognizeAsync(token, Card, "front")).ErrorCode);
        }

        return codes;
    }

    /// <summary>The one call logged; a call the client gave up on is logged when the emulator notices, a moment later.</summary>
    private static async Task<EmulatorCall> SingleCallAsync(BaiduEmulatorHost host)
    {
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        while (host.Calls.Count == 0)
        {
            await Task.Delay(20, deadline.Token);
        }

        return host.Calls.Single();
    }
}
