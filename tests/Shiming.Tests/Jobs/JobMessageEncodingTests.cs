using Azure.Storage.Queues;
using Shiming.BaiduEmulator;
using Shiming.Tests.Infrastructure;

namespace Shiming.Tests.Jobs;

/// <summary>
/// Job messages are Base64, as the Functions queue trigger reads them. One that is not (written by some other tool)
/// goes to the poison queue at once, as the trigger would move it, and does not hold up the jobs around it.
/// </summary>
[TestClass]
public sealed class JobMessageEncodingTests
{
    [TestMethod]
    public async Task A_message_that_is_not_Base64_goes_to_the_poison_queue_and_the_jobs_around_it_finish()
    {
        await using var app = await ShimingTestApp.StartDrainedAsync(new EmulatorOptions());
        var (_, before) = await app.SubmitJobAsync(BaiduOutcomeTests.Front(3301));
        var plain = new QueueServiceClient(app.Azurite.ConnectionString).GetQueueClient(app.Storage.Jobs.Name);
        var strayId = Guid.NewGuid().ToString("N");
        await plain.SendMessageAsync($$"""{"account":"someone","id":"{{strayId}}"}""");
        var (_, after) = await app.SubmitJobAsync(BaiduOutcomeTests.Front(3302));

        var first = await app.DrainUntilFinishedAsync(before);
        var second = await app.DrainUntilFinishedAsync(after);

        Assert.AreEqual("Completed", first.GetProperty("runtimeStatus").GetString());
        Assert.AreEqual("Completed", second.GetProperty("runtimeStatus").GetString());
        CollectionAssert.AreEqual(new[] { strayId }, (await app.PoisonedJobIdsAsync()).ToArray());
        Assert.AreEqual(0, (await app.Storage.Jobs.GetPropertiesAsync()).Value.ApproximateMessagesCount);
    }

    [TestMethod]
    public async Task An_accepted_job_is_queued_as_Base64_JSON_that_names_only_the_account_and_the_job()
    {
        await using var app = await ShimingTestApp.StartDrainedAsync(new EmulatorOptions());
        var (id, _) = await app.SubmitJobAsync(BaiduOutcomeTests.Front(3303));

        var plain = new QueueServiceClient(app.Azurite.ConnectionString).GetQueueClient(app.Storage.Jobs.Name);
        var stored = (await plain.PeekMessagesAsync(1)).Value.Single().Body.ToString();

        var json = System.Text.Encoding.UTF8.GetString(Convert.FromBase64String(stored));
        using var message = System.Text.Json.JsonDocument.Parse(json);
        Assert.AreEqual(id, message.RootElement.GetProperty("id").GetString());
        CollectionAssert.AreEquivalent(new[] { "account", "id" }, message.RootElement.EnumerateObject().Select(p => p.Name).ToArray());
    }
}
