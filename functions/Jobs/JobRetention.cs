using Microsoft.Extensions.Options;

namespace Shiming.Jobs;

/// <summary>
/// The <c>PurgeExpiredVerifications</c> timer function: once a day, removes every job (record, keys, any
/// image left) that has not changed for <c>Verifications__Retention</c>. Personal data is kept no longer than that.
/// </summary>
public sealed class JobRetention(
    JobLines lines, IOptions<JobOptions> options, TimeProvider time, ILogger<JobRetention> logger)
{
    /// <summary>Every kind's jobs, each purged by its own line (which knows the kind's line of waiting jobs).</summary>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        var cutoff = time.GetUtcNow() - options.Value.Retention;
        var purged = 0;
        foreach (var line in lines.All)
        {
            purged += await line.Purge.PurgeNotUpdatedSinceAsync(cutoff, cancellationToken);
        }

        Log.RetentionPurged(logger, purged, cutoff);
    }
}
