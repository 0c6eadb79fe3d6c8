using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Time.Testing;

namespace Shiming.BaiduEmulator.Tests;

/// <summary>Each API's own QPS window, faults and quota, set emulator-wide or per API with <c>Emulator:Apis:{api}</c>.</summary>
[TestClass]
public sealed class PerApiSettingsTests
{
    private static readonly byte[] Card = SyntheticCardImages.RenderFront(SyntheticIdentities.CreatePerson(new Random(81)));
    private static readonly byte[] Document = SyntheticDocuments.Render(SyntheticDocuments.Create(new Random(81))).Png;
    private static readonly byte[] Picture = SyntheticModerationImages.Render(null);

    [TestMethod]
    public async Task Each_API_has_its_own_QPS_window_so_a_burst_of_one_leaves_the_others_alone()
    {
        var clock = new FakeTimeProvider();
        var options = new EmulatorOptions { QpsLimit = 2, Apis = { [EmulatorApis.UserDefined] = new EmulatorApiOptions { QpsLimit = 1 } } };
        await using var host = await BaiduEmulatorHost.StartAsync(options, clock);
        using var client = new EmulatorClient(host);
        var token = await client.GetTokenAsync();

        var cards = await CallAsync(3, () => client.RecognizeAsync(token, Card, "front"));
        var texts = await CallAsync(3, () => client.ReadTextAsync(token, Document, EmulatorApis.GeneralBasic));
        var accurate = await CallAsync(3, () => client.ReadTextAsync(token, Document, EmulatorApis.AccurateBasic));
        var moderations = await CallAsync(2, () => client.ModerateAsync(token, Picture));

        CollectionAssert.AreEqual(new int?[] { null, null, 18 }, cards);
        CollectionAssert.AreEqual(new int?[] { null, null, 18 }, texts);
        CollectionAssert.AreEqual(new int?[] { null, null, 18 }, accurate);
        CollectionAssert.AreEqual(new int?[] { null, 18 }, moderations);
    }

    [TestMethod]
    public async Task A_concurrent_burst_on_two_APIs_gets_each_APIs_limit_through()
    {
        var clock = new FakeTimeProvider();
        var options = new EmulatorOptions { QpsLimit = 10, Apis = { [EmulatorApis.UserDefined] = new EmulatorApiOptions { QpsLimit = 5 } } };
        await using var host = await BaiduEmulatorHost.StartAsync(options, clock);
        using var client = new EmulatorClient(host);
        var token = await client.GetTokenAsync();

        var replies = await Task.WhenAll(Enumerable.Range(0, 40).Select(i => i % 2 == 0
            ? client.ReadTextAsync(token, Document, EmulatorApis.AccurateBasic)
            : client.ModerateAsync(token, Picture)));

        var calls = host.Calls;
        Assert.AreEqual(10, calls.Count(call => call.Endpoint == EmulatorApis.AccurateBasic && call.ErrorCode is null));
        Assert.AreEqual(5, calls.Count(call => call.Endpoint == EmulatorApis.UserDefined && call.ErrorCode is null));
        Assert.AreEqual(25, replies.Count(reply => reply.ErrorCode == 18));
    }

    [TestMethod]
    public void Moderation_defaults_to_Baidus_paid_figure_of_50_whatever_the_emulator_wide_limit()
    {
        var options = new EmulatorOptions { QpsLimit = 2 };

        Assert.AreEqual(50, options.For(EmulatorApis.UserDefined).QpsLimit);
        Assert.AreEqual(2, options.For(EmulatorApis.GeneralBasic).QpsLimit);
        Assert.AreEqual(2, options.For(EmulatorApis.IdCard).QpsLimit);
    }

    [TestMethod]
    public void Per_API_settings_bind_from_configuration_and_leave_the_card_APIs_settings_as_they_were()
    {
        var configuration = new ConfigurationBuilder().AddCommandLine(
        [
            "--Emulator:QpsLimit=3",
            "--Emulator:DailyQuota=100",
            "--Emulator:Apis:general_basic:QpsLimit=1",
            "--Emulator:Apis:user_defined:InternalErrorRate=0.5",
            "--Emulator:Apis:accurate_basic:TotalQuota=7",
        ]).Build();
        var options = new EmulatorOptions();

        configuration.GetSection(EmulatorOptions.SectionName).Bind(options);

        Assert.AreEqual(3, options.For(EmulatorApis.IdCard).QpsLimit);
        Assert.AreEqual(100, options.For(EmulatorApis.IdCard).DailyQuota);
        Assert.AreEqual(1, options.For(EmulatorApis.GeneralBasic).QpsLimit);
        Assert.AreEqual(100, options.For(EmulatorApis.GeneralBasic).DailyQuota);
        Assert.AreEqual(0.5, options.For(EmulatorApis.UserDefined).InternalErrorRate);
        Assert.AreEqual(0, options.For(EmulatorApis.IdCard).InternalErrorRate);
        Assert.AreEqual(7, options.For(EmulatorApis.AccurateBasic).TotalQuota);
        Assert.IsNull(options.For(EmulatorApis.IdCard).TotalQuota);
    }

    [TestMethod]
    public async Task An_unknown_API_or_a_bad_per_API_setting_stops_the_start_and_says_which()
    {
        var unknown = new EmulatorOptions { Apis = { ["general_ocr"] = new EmulatorApiOptions { QpsLimit = 1 } } };
        var badRate = new EmulatorOptions { Apis = { [EmulatorApis.GeneralBasic] = new EmulatorApiOptions { ServerErrorRate = 2 } } };

        var unknownError = await Assert.ThrowsAsync<ArgumentException>(() => BaiduEmulatorHost.StartAsync(unknown));
        var rateError = await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => BaiduEmulatorHost.StartAsync(badRate));

        Assert.Contains("Emulator:Apis:general_ocr", unknownError.Message);
        Assert.Contains("Emulator:Apis:general_basic:ServerErrorRate must be between 0 and 1", rateError.Message);
    }

    [TestMethod]
    public async Task Faults_set_for_one_API_are_injected_into_that_API_alone()
    {
        var options = new EmulatorOptions { Apis = { [EmulatorApis.UserDefined] = new EmulatorApiOptions { InternalErrorRate = 1 } } };
        await using var host = await BaiduEmulatorHost.StartAsync(options);
        using var client = new EmulatorClient(host);
        var token = await client.GetTokenAsync();

        var moderation = await client.ModerateAsync(token, Picture);
        var text = await client.ReadTextAsync(token, Document);
        var card = await client.RecognizeAsync(token, Card, "front");

        Assert.AreEqual(282000, moderation.ErrorCode);
        Assert.IsNull(text.ErrorCode, text.Text);
        Assert.IsNull(card.ErrorCode, card.Text);
        CollectionAssert.AreEqual(
            new[] { EmulatorFaults.InternalError, null, null },
            host.Calls.Select(call => call.Fault).ToList());
    }

    [TestMethod]
    public async Task Emulator_wide_faults_reach_the_new_APIs_as_they_reach_the_card_API()
    {
        await using var host = await BaiduEmulatorHost.StartAsync(new EmulatorOptions { QpsLimit = 100, ServerErrorRate = 1 });
        using var client = new EmulatorClient(host);
        var token = await client.GetTokenAsync();

        using var text = await client.Http.PostAsync(
            $"{EmulatorClient.TextPath(EmulatorApis.AccurateBasic)}?access_token={token}", EmulatorClient.Form([new("image", Convert.ToBase64String(Document))]));
        using var moderation = await client.Http.PostAsync(
            $"{EmulatorClient.ModerationPath}?access_token={token}", EmulatorClient.Form([new("image", Convert.ToBase64String(Picture))]));

        Assert.AreEqual("text/html", text.Content.Headers.ContentType?.MediaType);
        Assert.AreEqual("text/html", moderation.Content.Headers.ContentType?.MediaType);
        Assert.IsTrue(host.Calls.All(call => call.Fault == EmulatorFaults.ServerError));
    }

    [TestMethod]
    public async Task A_latency_set_for_one_API_delays_that_APIs_answers()
    {
        var options = new EmulatorOptions { Apis = { [EmulatorApis.GeneralBasic] = new EmulatorApiOptions { LatencyMedian = TimeSpan.FromMilliseconds(300) } } };
        await using var host = await BaiduEmulatorHost.StartAsync(options);
        using var client = new EmulatorClient(host);
        var token = await client.GetTokenAsync();

        await client.ReadTextAsync(token, Document);

        var call = host.Calls.Single();
        Assert.IsGreaterThanOrEqualTo(TimeSpan.FromMilliseconds(300), call.AnsweredAt!.Value - call.ArrivedAt);
    }

    [TestMethod]
    public async Task The_daily_quota_is_counted_for_each_API_on_its_own()
    {
        var clock = new FakeTimeProvider(new DateTimeOffset(2031, 3, 4, 1, 0, 0, TimeSpan.Zero));
        await using var host = await BaiduEmulatorHost.StartAsync(new EmulatorOptions { DailyQuota = 1 }, clock);
        using var client = new EmulatorClient(host);
        var token = await client.GetTokenAsync();

        var texts = await CallAsync(2, () => client.ReadTextAsync(token, Document, EmulatorApis.GeneralBasic));
        var moderations = await CallAsync(2, () => client.ModerateAsync(token, Picture));
        var card = await client.RecognizeAsync(token, Card, "front");

        CollectionAssert.AreEqual(new int?[] { null, 17 }, texts);
        CollectionAssert.AreEqual(new int?[] { null, 17 }, moderations);
        Assert.IsNull(card.ErrorCode, card.Text);
        Assert.AreEqual(EmulatorFaults.DailyQuota, host.Calls[1].Fault);
    }

    [TestMethod]
    public async Task A_total_quota_set_for_one_API_refuses_that_API_with_error_19()
    {
        var options = new EmulatorOptions { Apis = { [EmulatorApis.UserDefined] = new EmulatorApiOptions { TotalQuota = 1 } } };
        await using var host = await BaiduEmulatorHost.StartAsync(options);
        using var client = new EmulatorClient(host);
        var token = await client.GetTokenAsync();

        var moderations = await CallAsync(2, () => client.ModerateAsync(token, Picture));
        var text = await client.ReadTextAsync(token, Document, EmulatorApis.Accurate);

        CollectionAssert.AreEqual(new int?[] { null, 19 }, moderations);
        Assert.IsNull(text.ErrorCode, text.Text);
    }

    [TestMethod]
    public async Task The_call_log_names_the_API_of_every_call()
    {
        await using var host = await BaiduEmulatorHost.StartAsync();
        using var client = new EmulatorClient(host);
        var token = await client.GetTokenAsync();

        await client.RecognizeAsync(token, Card, "front");
        foreach (var api in (string[])[EmulatorApis.GeneralBasic, EmulatorApis.AccurateBasic, EmulatorApis.General, EmulatorApis.Accurate])
        {
            await client.ReadTextAsync(token, Document, api);
        }

        await client.ModerateAsync(token, Picture);
        var person = SyntheticIdentities.CreatePerson(new Random(82));
        host.RegisterPerson(new RegisteredPerson(person.IdNumber, person.Name, "20150304", "20350304"));
        await client.IdMatchAsync(token, person.IdNumber, person.Name);
        await client.IdMatchDateAsync(token, person.IdNumber, person.Name, "20150304", "20350304");

        CollectionAssert.AreEqual(EmulatorApis.All.ToList(), host.Calls.Select(call => call.Endpoint).ToList());
        Assert.IsTrue(host.Calls.Skip(1).All(call => call.Side is null && call.ErrorCode is null && call.ImageStatus is null));
    }

    private static async Task<List<int?>> CallAsync(int count, Func<Task<BaiduReply>> call)
    {
        var codes = new List<int?>();
        for (var i = 0; i < count; i++)
        {
            codes.Add((await call()).ErrorCode);
        }

        return codes;
    }
}
