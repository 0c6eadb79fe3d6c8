using Microsoft.Azure.Functions.Worker;

namespace Shiming.Jobs;

/// <summary>Runs the kinds' drains (each kind's timer function calls <see cref="RunAsync"/>) and the daily retention.</summary>
public sealed class JobDrains(JobLines lines, IServiceProvider services)
{
    /// <summary>
    /// One drain run of <paramref name="kind"/>. Each kind has a timer function of its own, every second: the host runs
    /// one invocation of a function at a time across all instances (its listener lock), so one drain paces each kind,
    /// a long run of one kind never holds another's back, and each can be disabled (<c>AzureWebJobs.{name}.Disabled</c>).
    /// </summary>
    public Task RunAsync(JobKind kind, CancellationToken cancellationToken) =>
        ActivatorUtilities.CreateInstance<JobDrain>(services, lines[kind]).RunAsync(cancellationToken);
}

/// <summary>The engine's own timer function.</summary>
public sealed class JobTimers(JobRetention retention)
{
    /// <summary>Daily at 03:30 UTC: purge jobs past their retention period.</summary>
    [Function(nameof(PurgeExpiredVerifications))]
    public Task PurgeExpiredVerifications([TimerTrigger("0 30 3 * * *")] TimerInfo timer, CancellationToken cancellationToken) =>
        retention.RunAsync(cancellationToken);
}
