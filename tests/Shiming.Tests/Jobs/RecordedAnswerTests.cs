using System.Net;
using Azure.Storage.Queues;
using Shiming.BaiduEmulator;
using Shiming.IdentityChecks;
using Shiming.Jobs;
using Shiming.Tests.Infrastructure;

namespace Shiming.Tests.Jobs;

/// <summary>
/// A job's message that comes back after Baidu's answer was recorded (a drain that died between recording and letting
/// the message go, or a queue delivering a message twice) is finished from what was recorded: Baidu is not called again.
/// </summary>
[TestClass]
[DoNotParallelize]
public sealed class RecordedAnswerTests
{
    [TestMethod]
    public async Task A_finished_job_whose_message_comes_back_is_not_sent_to_Baidu_again()
    {
        await using var app = await ShimingTestApp.StartAsync(runTimers: false);
        var (_, statusUri) = await app.SubmitJobAsync(SyntheticCardImages.RenderFront(SyntheticIdentities.CreatePerson(new Random(9700))));
        var message = await PeekOneAsync(app.Storage.Jobs);
        var finished = await app.DrainUntilFinishedAsync(statusUri);

        await app.Storage.Jobs.SendMessageAsync(message);
        await app.DrainOnceAsync();

        var (code, again) = await app.GetStatusAsync(statusUri);
        Assert.AreEqual(HttpStatusCode.OK, code);
        Assert.AreEqual(finished.ToString(), again.ToString(), "the recorded result changed");
        Assert.HasCount(1, app.CallsTo("idcard"), "Baidu was called again for an answer already recorded");
        Assert.IsEmpty((await app.Storage.Jobs.PeekMessagesAsync()).Value, "the message that came back was not let go");
    }

    [TestMethod]
    public async Task A_card_whose_message_comes_back_while_its_check_is_out_is_not_read_again_and_its_check_not_made_twice()
    {
        // Baidu answers in 3 s, so the check is still out when the card's message comes back.
        await using var app = await ShimingTestApp.StartAsync(
            settings => settings["IdentityCheck:Enabled"] = "true", new EmulatorOptions { LatencyMedian = TimeSpan.FromSeconds(3) }, runTimers: false);
        var (cardId, statusUri) = await app.SubmitJobAsync(SyntheticCardImages.RenderFront(SyntheticIdentities.CreatePerson(new Random(9710))));
        var message = await PeekOneAsync(app.Storage.Jobs);
        await app.DrainOnceAsync(); // read; its reading and its check's id recorded, the check accepted, the message gone
        var checkUri = $"/api/identity-checks/{FollowUps.FollowUpId(cardId, IdentityCheckKind.Definition)}";
        var checking = app.Host.RunFunctionAsync("DrainIdentityChecks");
        await WaitForStatusAsync(app, checkUri, "Running");

        // The card's message back, as a drain that died before letting it go leaves it: the card is not read again, and
        // its check, accepted again under the same id, has a second message, which finds the check held through the first.
        await app.Storage.Jobs.SendMessageAsync(message);
        await app.DrainOnceAsync();
        await app.RunFunctionAsync("DrainIdentityChecks");
        Assert.IsTrue((await checking).Succeeded);
        var done = await app.WaitForTerminalAsync(statusUri);

        Assert.AreEqual("Completed", done.GetProperty("runtimeStatus").GetString());
        Assert.AreEqual("matched", done.GetProperty("output").GetProperty("identityCheck").GetProperty("result").GetString());
        Assert.HasCount(1, app.CallsTo("idcard"), "the card was read again");
        Assert.HasCount(1, app.CallsTo(EmulatorApis.IdMatch), "the check was made twice");
        Assert.IsEmpty((await app.Storage.Jobs.PeekMessagesAsync()).Value, "the card's message that came back was not let go");
    }

    private static async Task WaitForStatusAsync(ShimingTestApp app, string statusUri, string status)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while ((await app.GetStatusAsync(statusUri)).Body.GetProperty("runtimeStatus").GetString() != status)
        {
            Assert.IsLessThan(deadline, DateTime.UtcNow, $"never {status}");
            await Task.Delay(50);
        }
    }

    private static async Task<string> PeekOneAsync(QueueClient queue)
    {
        var messages = (await queue.PeekMessagesAsync(maxMessages: 2)).Value;
        Assert.HasCount(1, messages);
        return messages[0].Body.ToString();
    }
}
