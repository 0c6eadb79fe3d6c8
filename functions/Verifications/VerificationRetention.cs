using Microsoft.Extensions.Options;

namespace Shiming.Verifications;

/// <summary>
/// The <c>PurgeExpiredVerifications</c> timer function: once a day, removes every job (record, keys, any
/// image left) that has not changed for <c>Verifications__Retention</c>. Personal data is kept no longer than that.
/// </summary>
public sealed class VerificationRetention(
    VerificationPurge purge, IOptions<VerificationOptions> options, TimeProvider time, ILogger<VerificationRetention> logger)
{
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        var cutoff = time.GetUtcNow() - options.Value.Retention;
        var purged = await purge.PurgeNotUpdatedSinceAsync(cutoff, cancellationToken);
        Log.RetentionPurged(logger, purged, cutoff);
    }
}
