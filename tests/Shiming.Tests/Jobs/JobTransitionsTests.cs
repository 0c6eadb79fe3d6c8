using System.Security.Cryptography;
using Microsoft.Extensions.DependencyInjection;
using Shiming.IdCards;
using Shiming.Jobs;
using Shiming.Privacy;
using Shiming.Telemetry;
using Shiming.Tests.Infrastructure;

namespace Shiming.Tests.Jobs;

/// <summary>A job's steps on real storage (Azurite), where the order of the writes is what keeps a job once.</summary>
[TestClass]
public sealed class JobTransitionsTests
{
    [TestMethod]
    public async Task A_job_still_running_from_a_take_that_died_goes_back_pending_when_given_back_so_its_new_message_takes_it()
    {
        await using var services = await StartAsync();
        var transitions = services.GetRequiredService<JobTransitions>();
        var records = services.GetRequiredService<JobRecords>();
        var storage = services.GetRequiredService<JobStorage>();
        var now = DateTimeOffset.UtcNow;
        var job = await records.AddAsync(
            new Job(IdCardKind.Definition, "account", "0123456789abcdef0123456789abcdef", RuntimeStatus.Pending, now, now, "image/png", 0, null, null, default),
            tolerateExisting: false,
            CancellationToken.None);
        await storage.Jobs.SendMessageAsync(new JobMessage(job.AccountKey, job.Id).Serialize());

        // Taken and started through its message, as by a drain that then died; the same message taken again.
        var first = (await transitions.TakeAsync(1, TimeSpan.FromSeconds(10), CancellationToken.None)).Single();
        var running = await transitions.StartAsync(job, first, CancellationToken.None);
        Assert.IsNotNull(running);

        // The worker stops before this take starts it: the job is given back, its message moved to a new copy.
        await transitions.ReleaseAsync(running, first, CancellationToken.None);
        var copy = (await transitions.TakeAsync(1, TimeSpan.FromSeconds(10), CancellationToken.None)).Single();

        Assert.AreNotEqual(first.MessageId, copy.MessageId);
        var released = await records.FindAsync(job.AccountKey, job.Id, CancellationToken.None);
        Assert.AreEqual(RuntimeStatus.Pending, released!.Status);
        Assert.IsFalse(released.IsHeldThroughAnother(copy.MessageId), "the copy would be let go and the job left running for ever");
    }

    private static async Task<ServiceProvider> StartAsync()
    {
        var azurite = await Azurite.GetSharedAsync();
        var options = new JobOptions
        {
            ImageContainer = AzuriteStorage.UniqueName("images"),
            JobQueue = AzuriteStorage.UniqueName("jobs"),
            JobTable = AzuriteStorage.UniqueName("jobs"),
            KeyTable = AzuriteStorage.UniqueName("keys"),
            StateTable = AzuriteStorage.UniqueName("state"),
        };
        var storage = AzuriteStorage.Verifications(azurite, options);
        await storage.EnsureCreatedAsync(CancellationToken.None);
        return new ServiceCollection()
            .AddLogging()
            .AddMetrics()
            .AddSingleton(TimeProvider.System)
            .AddSingleton(storage)
            .AddSingleton(new JobKinds([IdCardKind.Definition]))
            .AddSingleton(new FieldProtector("k", new Dictionary<string, byte[]> { ["k"] = RandomNumberGenerator.GetBytes(32) }, RandomNumberGenerator.GetBytes(32)))
            .AddSingleton<ShimingMetrics>()
            .AddSingleton<JobRecords>()
            .AddSingleton<Backlog>()
            .AddSingleton<PoisonQueue>()
            .AddSingleton<FollowUps>()
            .AddSingleton<JobTransitions>()
            .BuildServiceProvider();
    }
}
