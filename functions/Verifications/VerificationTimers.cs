using Microsoft.Azure.Functions.Worker;

namespace Shiming.Verifications;

/// <summary>
/// The timer functions. The host runs one invocation of each at a time across all instances (the schedule's lease
/// in storage), so one drain paces the whole app.
/// </summary>
public sealed class VerificationTimers(VerificationDrain drain, VerificationRetention retention)
{
    /// <summary>Every second: feed queued jobs to Baidu within the QPS budget.</summary>
    [Function(nameof(DrainVerifications))]
    public Task DrainVerifications([TimerTrigger("*/1 * * * * *")] TimerInfo timer, CancellationToken cancellationToken) =>
        drain.RunAsync(cancellationToken);

    /// <summary>Daily at 03:30 UTC: purge jobs past their retention period.</summary>
    [Function(nameof(PurgeExpiredVerifications))]
    public Task PurgeExpiredVerifications([TimerTrigger("0 30 3 * * *")] TimerInfo timer, CancellationToken cancellationToken) =>
        retention.RunAsync(cancellationToken);
}
