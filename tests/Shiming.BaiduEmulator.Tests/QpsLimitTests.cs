using Microsoft.Extensions.Time.Testing;

namespace Shiming.BaiduEmulator.Tests;

[TestClass]
public sealed class QpsLimitTests
{
    private static readonly byte[] Card = SyntheticCardImages.RenderFront(SyntheticIdentities.CreatePerson(new Random(41)));

    [TestMethod]
    public async Task The_limit_is_served_and_the_next_call_in_the_same_second_gets_error_18()
    {
        var clock = new FakeTimeProvider();
        await using var host = await BaiduEmulatorHost.StartAsync(new EmulatorOptions { QpsLimit = 5 }, clock);
        using var client = new EmulatorClient(host);
        var token = await client.GetTokenAsync();

        var accepted = await CallAsync(client, token, 5);
        var rejected = await client.RecognizeAsync(token, Card, "front");

        CollectionAssert.AreEqual(new int?[5], accepted);
        Assert.AreEqual(18, rejected.ErrorCode);
        Assert.AreEqual("Open api qps request limit reached", rejected.ErrorMessage);
    }

    [TestMethod]
    public async Task Calls_succeed_again_once_the_window_has_slid_past_them()
    {
        var clock = new FakeTimeProvider();
        await using var host = await BaiduEmulatorHost.StartAsync(new EmulatorOptions { QpsLimit = 5 }, clock);
        using var client = new EmulatorClient(host);
        var token = await client.GetTokenAsync();
        await CallAsync(client, token, 5);

        clock.Advance(TimeSpan.FromMilliseconds(999));
        var justBefore = await client.RecognizeAsync(token, Card, "front");
        clock.Advance(TimeSpan.FromMilliseconds(1));
        var after = await CallAsync(client, token, 5);

        Assert.AreEqual(18, justBefore.ErrorCode);
        CollectionAssert.AreEqual(new int?[5], after);
    }

    [TestMethod]
    public async Task The_window_slides_rather_than_resetting_on_second_boundaries()
    {
        var clock = new FakeTimeProvider();
        await using var host = await BaiduEmulatorHost.StartAsync(new EmulatorOptions { QpsLimit = 5 }, clock);
        using var client = new EmulatorClient(host);
        var token = await client.GetTokenAsync();

        await CallAsync(client, token, 3);
        clock.Advance(TimeSpan.FromMilliseconds(500));
        await CallAsync(client, token, 2);
        clock.Advance(TimeSpan.FromMilliseconds(500));

        // The three from the start have left the window; the two from half a second ago have not.
        var outcomes = await CallAsync(client, token, 4);

        CollectionAssert.AreEqual(new int?[] { null, null, null, 18 }, outcomes);
    }

    [TestMethod]
    public async Task Rejected_calls_do_not_count_against_the_limit()
    {
        var clock = new FakeTimeProvider();
        await using var host = await BaiduEmulatorHost.StartAsync(new EmulatorOptions { QpsLimit = 5 }, clock);
        using var client = new EmulatorClient(host);
        var token = await client.GetTokenAsync();
        await CallAsync(client, token, 5);

        clock.Advance(TimeSpan.FromMilliseconds(600));
        var rejected = await CallAsync(client, token, 5);
        clock.Advance(TimeSpan.FromMilliseconds(400));
        var accepted = await CallAsync(client, token, 5);

        CollectionAssert.AreEqual(Enumerable.Repeat<int?>(18, 5).ToList(), rejected);
        CollectionAssert.AreEqual(new int?[5], accepted);
    }

    [TestMethod]
    public async Task All_tokens_of_one_application_share_its_limit()
    {
        var clock = new FakeTimeProvider();
        await using var host = await BaiduEmulatorHost.StartAsync(new EmulatorOptions { QpsLimit = 4 }, clock);
        using var client = new EmulatorClient(host);
        var first = await client.GetTokenAsync();
        var second = await client.GetTokenAsync();

        await CallAsync(client, first, 2);
        await CallAsync(client, second, 2);
        var fifth = await client.RecognizeAsync(first, Card, "front");

        Assert.AreEqual(18, fifth.ErrorCode);
    }

    [TestMethod]
    public async Task A_concurrent_burst_gets_exactly_the_limit_through()
    {
        var clock = new FakeTimeProvider();
        await using var host = await BaiduEmulatorHost.StartAsync(new EmulatorOptions { QpsLimit = 10 }, clock);
        using var client = new EmulatorClient(host);
        var token = await client.GetTokenAsync();

        var replies = await Task.WhenAll(Enumerable.Range(0, 30).Select(_ => client.RecognizeAsync(token, Card, "front")));

        Assert.AreEqual(10, replies.Count(reply => reply.ErrorCode is null));
        Assert.AreEqual(20, replies.Count(reply => reply.ErrorCode == 18));
    }

    [TestMethod]
    public async Task A_limit_of_zero_rejects_every_call()
    {
        await using var host = await BaiduEmulatorHost.StartAsync(new EmulatorOptions { QpsLimit = 0 });
        using var client = new EmulatorClient(host);

        var reply = await client.RecognizeAsync(await client.GetTokenAsync(), Card, "front");

        Assert.AreEqual(18, reply.ErrorCode);
    }

    [TestMethod]
    public async Task The_limit_can_be_changed_while_running()
    {
        var clock = new FakeTimeProvider();
        await using var host = await BaiduEmulatorHost.StartAsync(new EmulatorOptions { QpsLimit = 2 }, clock);
        using var client = new EmulatorClient(host);
        var token = await client.GetTokenAsync();
        await CallAsync(client, token, 2);

        host.Options.QpsLimit = 3;
        var third = await client.RecognizeAsync(token, Card, "front");

        Assert.IsNull(third.ErrorCode, third.Text);
    }

    private static async Task<List<int?>> CallAsync(EmulatorClient client, string token, int count)
    {
        var codes = new List<int?>();
        for (var i = 0; i < count; i++)
        {
            codes.Add((await client.RecognizeAsync(token, Card, "front")).ErrorCode);
        }

        return codes;
    }
}
