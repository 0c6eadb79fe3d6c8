using System.Security.Cryptography;
using System.Text;
using Azure;
using Azure.Data.Tables;

namespace Shiming.Jobs;

/// <summary>
/// Idempotency claims: a row per account and submission (its <c>Idempotency-Key</c>, or its image and side) that
/// points at the job made for it. A request claims its rows before anything else is written, so two identical
/// submissions at the same moment make one job.
/// </summary>
public sealed class SubmissionClaims(JobStorage storage, JobRecords records, TimeProvider time)
{
    private const string IdempotencyKeyPrefix = "k-";

    /// <summary>
    /// How long a key row claimed for a job that does not exist yet means "being accepted right now". Accepting
    /// takes well under a second; a claim left by a process that died meanwhile is taken over after this.
    /// </summary>
    private static readonly TimeSpan ClaimLifetime = TimeSpan.FromSeconds(30);

    /// <summary>How long a repeated request waits for the job of the same submission to appear, and how often it looks.</summary>
    private static readonly TimeSpan ClaimWait = TimeSpan.FromSeconds(3);

    private static readonly TimeSpan ClaimPollInterval = TimeSpan.FromMilliseconds(100);

    /// <summary>
    /// The rows a submission claims: its idempotency key if it has one, then its image and variant, each named by the
    /// kind (<see cref="JobKind.ClaimPrefix"/>) so that an image or a key used for one kind never answers for another.
    /// </summary>
    public static IReadOnlyList<string> RowsFor(JobKind kind, JobInput input, string? idempotencyKey)
    {
        var rows = new List<string>(2);
        if (idempotencyKey is not null)
        {
            rows.Add($"{IdempotencyKeyPrefix}{kind.ClaimPrefix}{Sha256Hex(Encoding.UTF8.GetBytes(idempotencyKey))}");
        }

        // Typed-in details are personal data, and a hash of a name and ID number is no secret: only images are claimed by content.
        if (!input.IsDetails)
        {
            rows.Add($"i-{kind.ClaimPrefix}{input.Variant ?? "default"}-{Sha256Hex(input.Image.ToMemory().Span)}");
        }
        return rows;
    }

    /// <summary>
    /// Points a key row at <paramref name="newJobId"/>, or finds the job it already points at when that job should be
    /// reused: any job for an idempotency key, a live one for an image. A row claimed moments ago whose job does not
    /// exist yet belongs to a request that is accepting the same submission right now: its job is awaited for a few
    /// seconds, and if it still has not appeared the claim is reported as in progress. A row whose job is gone
    /// (purged, or never created) is taken over.
    /// </summary>
    public async Task<Claim> ClaimAsync(string accountKey, string rowKey, string newJobId, CancellationToken cancellationToken)
    {
        var returnFinished = rowKey.StartsWith(IdempotencyKeyPrefix, StringComparison.Ordinal);
        var conflicts = 0;
        var waited = TimeSpan.Zero;
        var mayBeFree = true; // false while waiting on a claim seen to exist: then only the row is read again
        while (conflicts < 5)
        {
            if (mayBeFree)
            {
                try
                {
                    var added = await storage.Keys.AddEntityAsync(NewClaimRow(accountKey, rowKey, newJobId), cancellationToken);
                    return new Claim(added.Headers.ETag ?? default, null);
                }
                catch (RequestFailedException ex) when (ex.Status == 409)
                {
                }
            }

            var read = await storage.Keys.GetEntityIfExistsAsync<TableEntity>(accountKey, rowKey, cancellationToken: cancellationToken);
            if (!read.HasValue)
            {
                conflicts++;
                mayBeFree = true;
                continue;
            }

            var row = read.Value!;
            var job = row.GetString("JobId") is { } jobId ? await records.FindAsync(accountKey, jobId, cancellationToken) : null;
            if (job is not null && (returnFinished || !job.Status.IsTerminal()))
            {
                return new Claim(null, job);
            }

            if (job is null && row.GetDateTimeOffset("ClaimedAt") is { } claimedAt && time.GetUtcNow() - claimedAt < ClaimLifetime)
            {
                if (waited >= ClaimWait)
                {
                    return new Claim(null, null);
                }

                await Task.Delay(ClaimPollInterval, time, cancellationToken);
                waited += ClaimPollInterval;
                mayBeFree = false;
                continue;
            }

            try
            {
                var replaced = await storage.Keys.UpdateEntityAsync(NewClaimRow(accountKey, rowKey, newJobId), row.ETag, TableUpdateMode.Replace, cancellationToken);
                return new Claim(replaced.Headers.ETag ?? default, null);
            }
            catch (RequestFailedException ex) when (ex.Status is 404 or 412)
            {
                // Changed meanwhile by a concurrent submission: look again.
                conflicts++;
                mayBeFree = true;
            }
        }

        return new Claim(null, null);
    }

    /// <summary>Gives up a claim that led to no job, so the same request need not wait for one that never comes.</summary>
    public async Task ReleaseAsync(string accountKey, string rowKey, ETag etag)
    {
        try
        {
            await storage.Keys.DeleteEntityAsync(accountKey, rowKey, etag, CancellationToken.None);
        }
        catch (RequestFailedException)
        {
            // Taken over meanwhile (412), or storage failed: the claim then expires by itself (ClaimLifetime).
        }
    }

    /// <summary>Removes the job's rows that still point at it (a row taken over by a later job stays).</summary>
    public async Task ForgetAsync(Job job, CancellationToken cancellationToken)
    {
        foreach (var rowKey in job.KeyRows)
        {
            var row = await storage.Keys.GetEntityIfExistsAsync<TableEntity>(job.AccountKey, rowKey, cancellationToken: cancellationToken);
            if (row.HasValue && row.Value!.GetString("JobId") == job.Id)
            {
                try
                {
                    await storage.Keys.DeleteEntityAsync(job.AccountKey, rowKey, row.Value.ETag, cancellationToken);
                }
                catch (RequestFailedException ex) when (ex.Status == 412)
                {
                    // Taken over by another job meanwhile: it is that job's row now.
                }
            }
        }
    }

    private TableEntity NewClaimRow(string accountKey, string rowKey, string jobId) =>
        new(accountKey, rowKey) { ["JobId"] = jobId, ["ClaimedAt"] = time.GetUtcNow() };

    private static string Sha256Hex(ReadOnlySpan<byte> bytes) => Convert.ToHexStringLower(SHA256.HashData(bytes));
}

/// <summary>A key row claimed (<see cref="Taken"/>), the job to reuse (<see cref="Existing"/>), or neither: the same submission is being accepted elsewhere.</summary>
public readonly record struct Claim(ETag? Taken, Job? Existing);
