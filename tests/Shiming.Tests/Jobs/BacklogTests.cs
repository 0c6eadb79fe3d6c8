using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Shiming.IdCards;
using Shiming.Tests.Infrastructure;
using Shiming.Jobs;

namespace Shiming.Tests.Jobs;

/// <summary>The line of waiting jobs, against Azurite, with a clock the test moves to age the snapshot.</summary>
[TestClass]
public sealed class BacklogTests
{
    [TestMethod]
    public async Task Jobs_are_counted_ahead_in_the_order_they_were_accepted_whatever_the_order_of_writing()
    {
        var (clock, backlog, _) = await NewBacklogAsync();
        var jobs = Enumerable.Range(0, 5).Select(i => Job(clock.GetUtcNow().AddSeconds(i))).ToList();
        foreach (var job in jobs.AsEnumerable().Reverse())
        {
            await backlog.AddAsync(job, CancellationToken.None);
        }

        var ahead = await Task.WhenAll(jobs.Select(job => backlog.CountAheadAsync(job, CancellationToken.None)));

        CollectionAssert.AreEqual(new[] { 0, 1, 2, 3, 4 }, ahead);
        Assert.AreEqual(5, await backlog.CountAsync(CancellationToken.None));
    }

    [TestMethod]
    public async Task A_job_accepted_after_the_snapshot_counts_every_job_in_it_as_ahead()
    {
        var (clock, backlog, _) = await NewBacklogAsync();
        var first = Job(clock.GetUtcNow());
        await backlog.AddAsync(first, CancellationToken.None);
        Assert.AreEqual(0, await backlog.CountAheadAsync(first, CancellationToken.None));

        var later = Job(clock.GetUtcNow().AddMilliseconds(10));
        await backlog.AddAsync(later, CancellationToken.None);

        Assert.AreEqual(1, await backlog.CountAheadAsync(later, CancellationToken.None));
        Assert.AreEqual(1, await backlog.CountAsync(CancellationToken.None), "the snapshot is at most a second old, so it is read once a second");
    }

    [TestMethod]
    public async Task A_removed_job_no_longer_counts_once_the_snapshot_is_older_than_a_second()
    {
        var (clock, backlog, other) = await NewBacklogAsync();
        var jobs = await AddJobsAsync(backlog, clock, 3);

        Assert.AreEqual(2, await backlog.CountAheadAsync(jobs[2], CancellationToken.None));

        // Removed by another instance (its drain started the call), and removing twice is harmless.
        await other.RemoveAsync(jobs[0], CancellationToken.None);
        await other.RemoveAsync(jobs[0], CancellationToken.None);
        Assert.AreEqual(2, await backlog.CountAheadAsync(jobs[2], CancellationToken.None));
        clock.Advance(TimeSpan.FromSeconds(1));

        Assert.AreEqual(1, await backlog.CountAheadAsync(jobs[2], CancellationToken.None));
        Assert.AreEqual(0, await backlog.CountAheadAsync(jobs[1], CancellationToken.None));
    }

    [TestMethod]
    public async Task A_job_put_back_keeps_its_place_in_line()
    {
        var (clock, backlog, _) = await NewBacklogAsync();
        var jobs = await AddJobsAsync(backlog, clock, 3);

        await backlog.RemoveAsync(jobs[0], CancellationToken.None);
        await backlog.AddAsync(jobs[0] with { Attempts = 1, Status = RuntimeStatus.Pending }, CancellationToken.None);
        clock.Advance(TimeSpan.FromSeconds(2));

        Assert.AreEqual(0, await backlog.CountAheadAsync(jobs[0], CancellationToken.None));
        Assert.AreEqual(2, await backlog.CountAheadAsync(jobs[2], CancellationToken.None));
    }

    [TestMethod]
    public async Task Many_concurrent_polls_on_a_cold_instance_read_the_line_once_and_agree()
    {
        var (clock, backlog, cold) = await NewBacklogAsync();
        var jobs = Enumerable.Range(0, 40).Select(i => Job(clock.GetUtcNow().AddMilliseconds(i))).ToList();
        await Task.WhenAll(jobs.Select(job => backlog.AddAsync(job, CancellationToken.None)));

        var ahead = await Task.WhenAll(jobs.Select(job => cold.CountAheadAsync(job, CancellationToken.None)));

        CollectionAssert.AreEqual(Enumerable.Range(0, 40).ToArray(), ahead);
    }

    /// <summary>Puts <paramref name="count"/> jobs in line, accepted a second apart.</summary>
    private static async Task<List<Job>> AddJobsAsync(Backlog backlog, FakeTimeProvider clock, int count)
    {
        var jobs = Enumerable.Range(0, count).Select(i => Job(clock.GetUtcNow().AddSeconds(i))).ToList();
        foreach (var job in jobs)
        {
            await backlog.AddAsync(job, CancellationToken.None);
        }

        return jobs;
    }

    private static Job Job(DateTimeOffset created) =>
        new(IdCardKind.Definition, "account", Guid.NewGuid().ToString("N"), RuntimeStatus.Pending, created, created, "image/png", 0, null, null, default);

    /// <summary>Two backlogs on the same table, as two instances have.</summary>
    private static async Task<(FakeTimeProvider Clock, Backlog Backlog, Backlog Other)> NewBacklogAsync()
    {
        var azurite = await Azurite.GetSharedAsync();
        var clock = new FakeTimeProvider();
        var options = Options.Create(new JobOptions { StateTable = $"state{Guid.NewGuid():N}"[..30] });
        Backlog Create() => new(AzuriteStorage.Verifications(azurite, options.Value), clock);
        return (clock, Create(), Create());
    }
}
