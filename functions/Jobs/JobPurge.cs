namespace Shiming.Jobs;

/// <summary>
/// Removes jobs for good: image, place in line, idempotency claims and record, at a client's request or once
/// <c>Verifications__Retention</c> has passed since a job last changed.
/// </summary>
public sealed class JobPurge(JobStorage storage, JobRecords records, SubmissionClaims claims, Backlog backlog, FollowUps followUps)
{
    /// <summary>False when the account has no such job.</summary>
    public async Task<bool> PurgeAsync(string accountKey, string id, CancellationToken cancellationToken)
    {
        var job = await records.FindAsync(accountKey, id, cancellationToken);
        if (job is null)
        {
            return false;
        }

        await storage.Images.DeleteBlobIfExistsAsync(id, cancellationToken: cancellationToken);
        await backlog.RemoveAsync(job, cancellationToken);
        await claims.ForgetAsync(job, cancellationToken);
        await followUps.PurgeFollowUpAsync(job, cancellationToken);
        return await records.DeleteAsync(accountKey, id, cancellationToken);
    }

    /// <summary>Purges every job not updated since <paramref name="cutoff"/>. Returns how many.</summary>
    public async Task<int> PurgeNotUpdatedSinceAsync(DateTimeOffset cutoff, CancellationToken cancellationToken)
    {
        var purged = 0;
        foreach (var (account, id) in await records.NotUpdatedSinceAsync(cutoff, cancellationToken))
        {
            purged += await PurgeAsync(account, id, cancellationToken) ? 1 : 0;
        }

        return purged;
    }
}
