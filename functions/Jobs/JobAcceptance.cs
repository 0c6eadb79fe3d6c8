using Azure;
using Azure.Storage.Blobs.Models;
using Shiming.Telemetry;

namespace Shiming.Jobs;

/// <summary>
/// Accepts submissions: claims, the per-account cap, then the image, the record, the place in line and the message,
/// all written or, on a storage failure, all taken back. A job is accepted only once every part is durable.
/// </summary>
public sealed class JobAcceptance(JobStorage storage, SubmissionClaims claims, JobRecords records, Backlog backlog, ShimingMetrics metrics, TimeProvider time)
{
    /// <summary>
    /// Accepts a job, unless this account already has one for the same <c>Idempotency-Key</c> (any state) or
    /// for the same image and side while that job is live: then the existing job is returned and nothing is
    /// queued. A new job is refused when the account already has <paramref name="maxLiveJobs"/> live jobs of this kind.
    /// </summary>
    public async Task<SubmitResult> SubmitAsync(
        string accountKey, JobInput input, string? idempotencyKey, int maxLiveJobs, CancellationToken cancellationToken)
    {
        await storage.EnsureCreatedAsync(cancellationToken);
        var id = Guid.NewGuid().ToString("N");
        var keyRows = SubmissionClaims.RowsFor(storage.Kind, input, idempotencyKey);
        var claimed = new List<(string RowKey, ETag ETag)>(keyRows.Count);
        var accepted = false;
        try
        {
            foreach (var row in keyRows)
            {
                var claim = await claims.ClaimAsync(accountKey, row, id, cancellationToken);
                if (claim.Existing is { } existing)
                {
                    return new SubmitResult(SubmitOutcome.Existing, existing);
                }

                if (claim.Taken is not { } etag)
                {
                    return new SubmitResult(SubmitOutcome.InProgress, null);
                }

                claimed.Add((row, etag));
            }

            // Counted after the claims, so that a repeated request is answered even when the account is at its cap.
            if (await records.CountLiveAsync(accountKey, cancellationToken) >= maxLiveJobs)
            {
                return new SubmitResult(SubmitOutcome.LimitReached, null);
            }

            var job = await AcceptAsync(accountKey, id, input, keyRows);
            accepted = true;
            return new SubmitResult(SubmitOutcome.Created, job);
        }
        finally
        {
            if (!accepted)
            {
                await Task.WhenAll(claimed.Select(c => claims.ReleaseAsync(accountKey, c.RowKey, c.ETag)));
            }
        }
    }

    /// <summary>
    /// Writes the image, the record, the place in line and the message. Once the image is being written the
    /// caller's cancellation no longer applies: a job is either accepted whole or leaves nothing behind that a
    /// drain or a status poll could find.
    /// </summary>
    private async Task<Job> AcceptAsync(string accountKey, string id, JobInput input, IReadOnlyList<string> keyRows)
    {
        var job = NewJob(accountKey, id, input) with { KeyRows = keyRows };
        using var span = ShimingTelemetry.StartSubmit(id, storage.Kind.Name, storage.Kind.VariantName, input.Variant);
        try
        {
            return await WriteAsync(job, input, ShimingTelemetry.TraceParentOf(span), followingUp: false);
        }
        catch (Exception ex) when (ex is RequestFailedException or AggregateException)
        {
            // Not accepted after all (a refusal, or the SDK's retries met only transport faults).
            await RollBackAsync(job);
            throw;
        }
    }

    /// <summary>
    /// Accepts the job another job starts once its own call succeeded (<see cref="FollowUps"/>), under an id the parent
    /// names. Writing it again after a crash is harmless: a record already there is kept, the place in line is
    /// written again, and a second message is discarded once the job is over.
    /// </summary>
    public async Task AcceptFollowUpAsync(string accountKey, string id, JobInput input, JobRef parent, string? traceParent, CancellationToken cancellationToken)
    {
        await storage.EnsureCreatedAsync(cancellationToken);
        await WriteAsync(NewJob(accountKey, id, input) with { Parent = parent }, input, traceParent, followingUp: true);
    }

    private Job NewJob(string accountKey, string id, JobInput input)
    {
        var now = time.GetUtcNow();
        return new Job(storage.Kind, accountKey, id, RuntimeStatus.Pending, now, now, input.ContentType, 0, null, null, default)
        {
            Variant = input.Variant,
            InputJson = input.IsDetails ? input.Image.ToString() : null,
        };
    }

    // Image first (details go in the record), record and place in line next, message last: a message never points
    // at nothing, and the caller hears 202 only when all of them are durable.
    private async Task<Job> WriteAsync(Job job, JobInput input, string? traceParent, bool followingUp)
    {
        if (!input.IsDetails)
        {
            await storage.Images.GetBlobClient(job.Id).UploadAsync(
                input.Image,
                new BlobUploadOptions { HttpHeaders = new BlobHttpHeaders { ContentType = input.ContentType } },
                CancellationToken.None);
        }

        var written = await records.AddAsync(job, tolerateExisting: followingUp, CancellationToken.None);
        await backlog.AddAsync(written, CancellationToken.None);
        await storage.Jobs.SendMessageAsync(
            new JobMessage(job.AccountKey, job.Id) { TraceParent = traceParent }.Serialize(), visibilityTimeout: null, timeToLive: JobStorage.MessageTimeToLive, CancellationToken.None);
        metrics.JobAccepted(storage.Kind.Name, storage.Kind.VariantName, input.Variant);
        return written;
    }

    private async Task RollBackAsync(Job job)
    {
        await records.DeleteAsync(job.AccountKey, job.Id, CancellationToken.None);
        await backlog.RemoveAsync(job, CancellationToken.None);
        await storage.Images.DeleteBlobIfExistsAsync(job.Id, cancellationToken: CancellationToken.None);
    }
}

/// <summary>What became of a submission; <see cref="SubmitResult.Job"/> is set when it was created or already existed.</summary>
public sealed record SubmitResult(SubmitOutcome Outcome, Job? Job);

public enum SubmitOutcome
{
    /// <summary>A new job was accepted.</summary>
    Created,

    /// <summary>The same submission already has a job, which is returned instead.</summary>
    Existing,

    /// <summary>The account has as many live jobs as it may.</summary>
    LimitReached,

    /// <summary>The same submission is being accepted by another request at this moment.</summary>
    InProgress,
}
