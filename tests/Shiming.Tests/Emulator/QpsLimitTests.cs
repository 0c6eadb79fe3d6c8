using Microsoft.Extensions.Time.Testing;
using Shiming.BaiduEmulator;

namespace Shiming.Tests.Emulator;

[TestClass]
public sealed class QpsLimitTests
{
    private static readonly byte[] Card = SyntheticCardImages.RenderFront(SyntheticIdentities.CreatePerson(new Random(41)));

    [TestMethod]
    public async Task TheLimitIsServedAndTheNextCallInTheSameSecondGetsError18()
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
    public async Task CallsSucceedAgainOnceTheWindowHasSlidPastThem()
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
    public async Task TheWindowSlidesRatherThanResettingOnSecondBoundaries()
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
    public async Task RejectedCallsDoNotCountAgainstTheLimit()
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
    public async Task AllTokensOfOneApplicationShareItsLimit()
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
    public async Task AConcurrentBurstGetsExactlyTheLimitThrough()
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
    public async Task ALimitOfZeroRejectsEveryCall()
    {
        await using var host = await BaiduEmulatorHost.StartAsync(new EmulatorOptions { QpsLimit = 0 });
        using var client = new EmulatorClient(host);

        var reply = await client.RecognizeAsync(await client.GetTokenAsync(), Card, "front");

        Assert.AreEqual(18, reply.ErrorCode);
    }

    [TestMethod]
    public async Task TheLimitCanBeChangedWhileRunning()
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
