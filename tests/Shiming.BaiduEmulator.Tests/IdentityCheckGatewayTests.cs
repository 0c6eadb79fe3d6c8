using Microsoft.Extensions.Time.Testing;

namespace Shiming.BaiduEmulator.Tests;

/// <summary>
/// What comes before an identity check's lookup: token, permission, each endpoint's own QPS window and quota, faults;
/// each test on an emulator of its own, under a clock it moves.
/// </summary>
[TestClass]
public sealed class IdentityCheckGatewayTests
{
    private static readonly SyntheticPerson Person = SyntheticIdentities.CreatePerson(new Random(61));

    [TestMethod]
    public async Task Each_check_has_a_window_of_its_own_of_2_calls_a_second_by_default()
    {
        await using var emulator = await StartAsync(new EmulatorOptions());
        var (host, client, token) = (emulator.Host, emulator.Client, emulator.Token);

        var nameOnly = await CallAsync(3, () => client.IdMatchAsync(token, Person.IdNumber, Person.Name));
        var withDates = await CallAsync(2, () => client.IdMatchDateAsync(token, Person.IdNumber, Person.Name, "20150304", "20350304"));
        var card = await client.RecognizeAsync(token, SyntheticCardImages.RenderFront(Person), "front");

        CollectionAssert.AreEqual(new int?[] { 0, 0, 18 }, nameOnly);
        CollectionAssert.AreEqual(new int?[] { 0, 0 }, withDates, "idmatch_date does not share idmatch's window");
        Assert.IsNull(card.ErrorCode, "nor does the ID-card API");
        Assert.AreEqual(18, host.Calls.Single(call => call.ErrorCode == 18).ErrorCode);
    }

    [TestMethod]
    public async Task The_window_slides_and_refused_calls_do_not_count()
    {
        var clock = new FakeTimeProvider();
        await using var emulator = await StartAsync(new EmulatorOptions(), clock);
        var (host, client, token) = (emulator.Host, emulator.Client, emulator.Token);

        await CallAsync(2, () => client.IdMatchAsync(token, Person.IdNumber, Person.Name));
        clock.Advance(TimeSpan.FromMilliseconds(500));
        var refused = await client.IdMatchAsync(token, Person.IdNumber, Person.Name);
        clock.Advance(TimeSpan.FromMilliseconds(500));
        var after = await CallAsync(3, () => client.IdMatchAsync(token, Person.IdNumber, Person.Name));

        Assert.AreEqual(18, refused.ErrorCode);
        Assert.AreEqual("Open api qps request limit reached", refused.ErrorMessage);
        CollectionAssert.AreEqual(new int?[] { 0, 0, 18 }, after);
    }

    [TestMethod]
    public async Task The_QPS_limit_is_set_per_check()
    {
        await using var emulator = await StartAsync(new EmulatorOptions { Apis = { [EmulatorApis.IdMatch] = new EmulatorApiOptions { QpsLimit = 4 } } });
        var (host, client, token) = (emulator.Host, emulator.Client, emulator.Token);

        var outcomes = await CallAsync(5, () => client.IdMatchAsync(token, Person.IdNumber, Person.Name));

        CollectionAssert.AreEqual(new int?[] { 0, 0, 0, 0, 18 }, outcomes);
    }

    [TestMethod]
    public async Task The_permission_is_checked_after_the_token_and_before_the_window_and_the_body()
    {
        await using var emulator = await StartAsync(new EmulatorOptions
        {
            Apis = { [EmulatorApis.IdMatch] = new EmulatorApiOptions { Enabled = false, QpsLimit = 0 } },
        });
        var (host, client, token) = (emulator.Host, emulator.Client, emulator.Token);

        var noToken = await client.PostJsonAsync(EmulatorClient.IdMatchPath, string.Empty, "not json");
        var badToken = await client.PostJsonAsync(EmulatorClient.IdMatchPath, "24.unknown", "not json");
        var notTicked = await client.PostJsonAsync(EmulatorClient.IdMatchPath, token, "not json");
        var otherCheck = await client.IdMatchDateAsync(token, Person.IdNumber, Person.Name, "20150304", "20350304");

        Assert.AreEqual(100, noToken.ErrorCode);
        Assert.AreEqual(110, badToken.ErrorCode);
        Assert.AreEqual(6, notTicked.ErrorCode);
        Assert.AreEqual("no permission to access data", notTicked.ErrorMessage);
        Assert.AreEqual(0, otherCheck.ErrorCode, "the permission is per API");
    }

    [TestMethod]
    public async Task The_token_is_checked_before_the_body()
    {
        await using var emulator = await StartAsync(new EmulatorOptions());
        var (host, client, _) = (emulator.Host, emulator.Client, emulator.Token);

        var reply = await client.PostJsonAsync(EmulatorClient.IdMatchPath, "24.unknown", "{}");

        Assert.AreEqual(110, reply.ErrorCode);
    }

    [TestMethod]
    public async Task The_daily_quota_counts_billed_answers_only_then_refuses_with_17()
    {
        await using var emulator = await StartAsync(new EmulatorOptions
        {
            Apis = { [EmulatorApis.IdMatch] = new EmulatorApiOptions { QpsLimit = 100, DailyQuota = 2 } },
        });
        var (host, client, token) = (emulator.Host, emulator.Client, emulator.Token);
        var stranger = SyntheticIdentities.CreatePerson(new Random(62));

        var malformed = await client.IdMatchAsync(token, "99010119900101001", Person.Name);
        var matched = await client.IdMatchAsync(token, Person.IdNumber, Person.Name);
        var mismatched = await client.IdMatchAsync(token, stranger.IdNumber, stranger.Name);
        var overQuota = await client.IdMatchAsync(token, Person.IdNumber, Person.Name);

        Assert.AreEqual(222022, malformed.ErrorCode, "a format error is not billed");
        Assert.AreEqual(0, matched.ErrorCode);
        Assert.AreEqual(222351, mismatched.ErrorCode, "a mismatch is billed");
        Assert.AreEqual(17, overQuota.ErrorCode);
        Assert.AreEqual("daily_quota", host.Calls[^1].Fault);
    }

    [TestMethod]
    public async Task The_total_quota_refuses_with_19_each_check_on_its_own()
    {
        await using var emulator = await StartAsync(new EmulatorOptions
        {
            Apis = { [EmulatorApis.IdMatchDate] = new EmulatorApiOptions { QpsLimit = 100, TotalQuota = 1 } },
        });
        var (host, client, token) = (emulator.Host, emulator.Client, emulator.Token);

        var first = await client.IdMatchDateAsync(token, Person.IdNumber, Person.Name, "20150304", "20350304");
        var second = await client.IdMatchDateAsync(token, Person.IdNumber, Person.Name, "20150304", "20350304");
        var nameOnly = await client.IdMatchAsync(token, Person.IdNumber, Person.Name);

        Assert.AreEqual(0, first.ErrorCode);
        Assert.AreEqual(19, second.ErrorCode);
        Assert.AreEqual(0, nameOnly.ErrorCode);
    }

    [TestMethod]
    public async Task Faults_and_latency_are_set_per_check_as_for_the_other_APIs()
    {
        var clock = new FakeTimeProvider();
        await using var emulator = await StartAsync(new EmulatorOptions
        {
            FaultSeed = 1,
            Apis =
            {
                [EmulatorApis.IdMatch] = new EmulatorApiOptions { InternalErrorRate = 1 },
                [EmulatorApis.IdMatchDate] = new EmulatorApiOptions { LatencyMedian = TimeSpan.FromSeconds(2) },
            },
        }, clock);
        var (host, client, token) = (emulator.Host, emulator.Client, emulator.Token);

        var faulted = await client.IdMatchAsync(token, Person.IdNumber, Person.Name);
        var delayed = client.IdMatchDateAsync(token, Person.IdNumber, Person.Name, "20150304", "20350304");
        while (host.Calls.Count(call => call.Endpoint == EmulatorApis.IdMatchDate) == 0 && !delayed.IsCompleted)
        {
            await Task.Delay(10);
            clock.Advance(TimeSpan.FromMilliseconds(500));
        }

        var answer = await delayed;

        Assert.AreEqual(282000, faulted.ErrorCode);
        Assert.AreEqual("internal_error", host.Calls[0].Fault);
        Assert.AreEqual(0, answer.VerifyStatus);
        var call = host.Calls.Single(call => call.Endpoint == EmulatorApis.IdMatchDate);
        Assert.IsGreaterThanOrEqualTo(TimeSpan.FromSeconds(2), call.AnsweredAt!.Value - call.ArrivedAt, "answered after the latency, by the emulator's clock");
    }

    /// <summary>An emulator whose authority knows <see cref="Person"/> with the dates 2015-03-04 to 2035-03-04.</summary>
    private static async Task<Emulator> StartAsync(EmulatorOptions options, TimeProvider? clock = null)
    {
        var host = await BaiduEmulatorHost.StartAsync(options, clock);
        host.RegisterPerson(new RegisteredPerson(Person.IdNumber, Person.Name, "20150304", "20350304"));
        var client = new EmulatorClient(host);
        return new Emulator(host, client, await client.GetTokenAsync());
    }

    private static async Task<List<int?>> CallAsync(int count, Func<Task<BaiduReply>> call)
    {
        var outcomes = new List<int?>();
        for (var i = 0; i < count; i++)
        {
            outcomes.Add((await call()).ErrorCode);
        }

        return outcomes;
    }

    private sealed record Emulator(BaiduEmulatorHost Host, EmulatorClient Client, string Token) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            Client.Dispose();
            await Host.DisposeAsync();
        }
    }
}
