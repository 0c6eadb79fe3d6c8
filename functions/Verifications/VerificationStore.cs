using System.Security.Cryptography;
using System.Text;
using Azure;
using Microsoft.Extensions.Options;
using Shiming.IdCards;
using Shiming.Privacy;
using Shiming.Storage;

namespace Shiming.Verifications;

/// <summary>
/// Jobs across the three stores: the image in a private blob container, a message in the job queue,
/// the record in a table. A job is accepted only once all three are written.
/// </summary>
public sealed class VerificationStore
{
    /// <summary>A job message never expires by itself (the queue's default is seven days): an accepted job is never lost.</summary>
    private static readonly TimeSpan MessageTimeToLive = Timeout.InfiniteTimeSpan;

    /// <summary>
    /// How long a key row claimed for a job that does not exist yet means "being accepted right now". Accepting
    /// takes well under a second; a claim left by a process that died meanwhile is taken over after this.
    /// </summary>
    private static readonly TimeSpan ClaimLifetime = TimeSpan.FromSeconds(30);

    /// <summary>How long a repeated request waits for the job of the same submission to appear, and how often it looks.</summary>
    private static readonly TimeSpan ClaimWait = TimeSpan.FromSeconds(3);

    private static readonly TimeSpan ClaimPollInterval = TimeSpan.FromMilliseconds(100);

    private readonly BlobContainerClient _images;
    private readonly QueueClient _queue;
    private readonly QueueClient _poison;
    private readonly TableClient _jobs;
    private readonly TableClient _keys;
    private readonly TimeProvider _time;
    private readonly FieldProtector _protector;
    private readonly Backlog _backlog;
    private readonly CreateOnce _creation;

    public VerificationStore(StorageAccount account, IOptions<VerificationOptions> options, TimeProvider time, FieldProtector protector, Backlog backlog)
    {
        _protector = protector;
        _backlog = backlog;
        _images = account.GetBlobContainerClient(options.Value.ImageContainer);
        _queue = account.GetQueueClient(options.Value.JobQueue);
        _poison = account.GetQueueClient(options.Value.JobQueue + "-poison");
        _jobs = account.GetTableClient(options.Value.JobTable);
        _keys = account.GetTableClient(options.Value.KeyTable);
        _time = time;
        _creation = new CreateOnce(cancellationToken => Task.WhenAll(
            _images.CreateIfNotExistsAsync(cancellationToken),
            _queue.CreateIfNotExistsAsync(cancellationToken),
            _poison.CreateIfNotExistsAsync(cancellationToken),
            _jobs.CreateIfNotExistsAsync(cancellationToken),
            _keys.CreateIfNotExistsAsync(cancellationToken)));
    }

    /// <summary>Creates the container, queues and tables once per process, on first use.</summary>
    public ValueTask EnsureCreatedAsync(CancellationToken cancellationToken) => _creation.EnsureAsync(cancellationToken);

    /// <summary>
    /// Accepts a job, unless this account already has one for the same <c>Idempotency-Key</c> (any state) or
    /// for the same image and side while that job is live: then the existing job is returned and nothing is
    /// queued. A new job is refused when the account already has <paramref name="maxLiveJobs"/> live jobs.
    /// </summary>
    public async Task<SubmitResult> SubmitAsync(
        string accountKey, Upload upload, string? idempotencyKey, int maxLiveJobs, CancellationToken cancellationToken)
    {
        await EnsureCreatedAsync(cancellationToken);
        var id = Guid.NewGuid().ToString("N");
        var keyRows = new List<string>(2);
        if (idempotencyKey is not null)
        {
            keyRows.Add("k-" + Sha256Hex(Encoding.UTF8.GetBytes(idempotencyKey)));
        }

        keyRows.Add($"i-{upload.Side.ToWireName()}-{Sha256Hex(upload.Image.ToMemory().Span)}");
        var claimed = new List<(string RowKey, ETag ETag)>(keyRows.Count);
        var accepted = false;
        try
        {
            foreach (var row in keyRows)
            {
                var claim = await ClaimAsync(accountKey, row, id, returnFinished: row.StartsWith("k-", StringComparison.Ordinal), cancellationToken);
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
            if (await CountLiveAsync(accountKey, cancellationToken) >= maxLiveJobs)
            {
                return new SubmitResult(SubmitOutcome.LimitReached, null);
            }

            var job = await AcceptAsync(accountKey, id, upload, keyRows);
            accepted = true;
            return new SubmitResult(SubmitOutcome.Created, job);
        }
        finally
        {
            if (!accepted)
            {
                // A claim that led to no job would make the same request wait for one that never comes.
                await Task.WhenAll(claimed.Select(c => ReleaseClaimAsync(accountKey, c.RowKey, c.ETag)));
            }
        }
    }

    /// <summary>
    /// Writes the image, the record, the place in line and the message. Once the image is being written the
    /// caller's cancellation no longer applies: a job is either accepted whole or leaves nothing behind that a
    /// drain or a status poll could find.
    /// </summary>
    private async Task<VerificationJob> AcceptAsync(string accountKey, string id, Upload upload, IReadOnlyList<string> keyRows)
    {
        var now = _time.GetUtcNow();
        var job = new VerificationJob(accountKey, id, upload.Side, RuntimeStatus.Pending, now, now, upload.Header.MediaType, 0, null, null, default)
        {
            KeyRows = keyRows,
        };

        // Image first, record and place in line next, message last: a message never points at nothing, and
        // the caller hears 202 only when all of them are durable.
        try
        {
            await _images.UploadAsync(job.Id, upload.Image, upload.Header.MediaType, CancellationToken.None);
            var etag = await _jobs.AddEntityAsync(job.ToEntity(_protector), CancellationToken.None);
            await _backlog.AddAsync(job, CancellationToken.None);
            await _queue.SendMessageAsync(new JobMessage(accountKey, job.Id).Serialize(), timeToLive: MessageTimeToLive, cancellationToken: CancellationToken.None);
            return job with { ETag = etag };
        }
        catch (RequestFailedException)
        {
            // Not accepted after all.
            await _jobs.DeleteEntityAsync(accountKey, job.Id, cancellationToken: CancellationToken.None);
            await _backlog.RemoveAsync(job, CancellationToken.None);
            await _images.DeleteIfExistsAsync(job.Id, CancellationToken.None);
            throw;
        }
    }

    /// <summary>
    /// Points a key row at <paramref name="newJobId"/>, or finds the job it already points at when that job
    /// should be reused. A row claimed moments ago whose job does not exist yet belongs to a request that is
    /// accepting the same submission right now: its job is awaited for a few seconds, and if it still has not
    /// appeared the claim is reported as in progress. A row whose job is gone (purged, or never created) is
    /// taken over.
    /// </summary>
    private async Task<Claim> ClaimAsync(string accountKey, string rowKey, string newJobId, bool returnFinished, CancellationToken cancellationToken)
    {
        var conflicts = 0;
        var waited = TimeSpan.Zero;
        var mayBeFree = true; // false while waiting on a claim seen to exist: then only the row is read again
        while (conflicts < 5)
        {
            if (mayBeFree)
            {
                try
                {
                    return new Claim(await _keys.AddEntityAsync(NewClaimRow(accountKey, rowKey, newJobId), cancellationToken), null);
                }
                catch (RequestFailedException ex) when (ex.Status == 409)
                {
                }
            }

            var row = await _keys.GetEntityAsync(accountKey, rowKey, cancellationToken);
            if (row is null)
            {
                conflicts++;
                mayBeFree = true;
                continue;
            }

            var job = row.GetString("JobId") is { } jobId ? await FindAsync(accountKey, jobId, cancellationToken) : null;
            if (job is not null && (returnFinished || !job.Status.IsTerminal()))
            {
                return new Claim(null, job);
            }

            if (job is null && row.GetDateTimeOffset("ClaimedAt") is { } claimedAt && _time.GetUtcNow() - claimedAt < ClaimLifetime)
            {
                if (waited >= ClaimWait)
                {
                    return new Claim(null, null);
                }

                await Task.Delay(ClaimPollInterval, _time, cancellationToken);
                waited += ClaimPollInterval;
                mayBeFree = false;
                continue;
            }

            try
            {
                return new Claim(await _keys.UpdateEntityAsync(NewClaimRow(accountKey, rowKey, newJobId), row.ETag, TableUpdateMode.Replace, cancellationToken), null);
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

    private TableEntity NewClaimRow(string accountKey, string rowKey, string jobId) =>
        new(accountKey, rowKey) { ["JobId"] = jobId, ["ClaimedAt"] = _time.GetUtcNow() };

    private async Task ReleaseClaimAsync(string accountKey, string rowKey, ETag etag)
    {
        try
        {
            await _keys.DeleteEntityAsync(accountKey, rowKey, etag, CancellationToken.None);
        }
        catch (RequestFailedException)
        {
            // Taken over meanwhile (412), or storage failed: the claim then expires by itself (ClaimLifetime).
        }
    }

    /// <summary>A key row claimed (<see cref="Taken"/>), the job to reuse (<see cref="Existing"/>), or neither: the same submission is being accepted elsewhere.</summary>
    private readonly record struct Claim(ETag? Taken, VerificationJob? Existing);

    public async Task<int> CountLiveAsync(string accountKey, CancellationToken cancellationToken)
    {
        var filter = TableClient.CreateQueryFilter(
            $"PartitionKey eq {accountKey} and (Status eq {nameof(RuntimeStatus.Pending)} or Status eq {nameof(RuntimeStatus.Running)})");
        var count = 0;
        await foreach (var _ in _jobs.QueryAsync(filter, select: ["RowKey"], cancellationToken: cancellationToken))
        {
            count++;
        }

        return count;
    }

    /// <summary>Stops a job that has not finished: it is never sent to Baidu afterwards, and its image goes at once.</summary>
    public async Task<TerminateOutcome> TerminateAsync(string accountKey, string id, CancellationToken cancellationToken)
    {
        for (var attempt = 0; attempt < 5; attempt++)
        {
            var job = await FindAsync(accountKey, id, cancellationToken);
            if (job is null)
            {
                return TerminateOutcome.NotFound;
            }

            if (job.Status.IsTerminal())
            {
                return TerminateOutcome.AlreadyFinished;
            }

            if (await TryUpdateAsync(job with { Status = RuntimeStatus.Terminated }, cancellationToken) is not null)
            {
                await _backlog.RemoveAsync(job, cancellationToken);
                await DeleteImageAsync(id, cancellationToken);
                return TerminateOutcome.Terminated;
            }
        }

        throw new RequestFailedException(409, "The verification kept changing while it was being terminated.");
    }

    /// <summary>Removes the image, the record and the keys that point at the job.</summary>
    public async Task<bool> PurgeAsync(string accountKey, string id, CancellationToken cancellationToken)
    {
        var job = await FindAsync(accountKey, id, cancellationToken);
        if (job is null)
        {
            return false;
        }

        await DeleteImageAsync(id, cancellationToken);
        await _backlog.RemoveAsync(job, cancellationToken);
        foreach (var row in job.KeyRows)
        {
            var key = await _keys.GetEntityAsync(accountKey, row, cancellationToken);
            if (key?.GetString("JobId") == id)
            {
                await _keys.DeleteEntityAsync(accountKey, row, key.ETag, cancellationToken);
            }
        }

        return await _jobs.DeleteEntityAsync(accountKey, id, cancellationToken: cancellationToken);
    }

    /// <summary>Purges every job not updated since <paramref name="cutoff"/>: image, record and keys. Returns how many.</summary>
    public async Task<int> PurgeNotUpdatedSinceAsync(DateTimeOffset cutoff, CancellationToken cancellationToken)
    {
        await EnsureCreatedAsync(cancellationToken);
        var expired = new List<(string Account, string Id)>();
        await foreach (var entity in _jobs.QueryAsync(TableClient.CreateQueryFilter($"LastUpdatedTime lt {cutoff}"), select: ["PartitionKey", "RowKey"], cancellationToken: cancellationToken))
        {
            expired.Add((entity.PartitionKey, entity.RowKey));
        }

        var purged = 0;
        foreach (var (account, id) in expired)
        {
            purged += await PurgeAsync(account, id, cancellationToken) ? 1 : 0;
        }

        return purged;
    }

    /// <summary>Job ids are 32 lowercase hex digits (a GUID without dashes).</summary>
    public static bool IsWellFormedId(string id) => id.Length == 32 && id.All(char.IsAsciiHexDigitLower);

    private static string Sha256Hex(ReadOnlySpan<byte> bytes) => Convert.ToHexStringLower(SHA256.HashData(bytes));

    public async Task<VerificationJob?> FindAsync(string accountKey, string id, CancellationToken cancellationToken)
    {
        if (!IsWellFormedId(id))
        {
            return null; // not one of ours, whatever it holds: no storage call for it
        }

        await EnsureCreatedAsync(cancellationToken);
        var entity = await _jobs.GetEntityAsync(accountKey, id, cancellationToken);
        return entity is null ? null : VerificationJob.FromEntity(entity, _protector);
    }

    /// <summary>Writes a new state of the job if nobody changed it since it was read; null when somebody did.</summary>
    public async Task<VerificationJob?> TryUpdateAsync(VerificationJob job, CancellationToken cancellationToken)
    {
        var updated = job with { LastUpdatedTime = _time.GetUtcNow() };
        try
        {
            var etag = await _jobs.UpdateEntityAsync(updated.ToEntity(_protector), job.ETag, TableUpdateMode.Replace, cancellationToken);
            return updated with { ETag = etag };
        }
        catch (RequestFailedException ex) when (ex.Status is 412 or 404)
        {
            return null;
        }
    }

    public async Task<BinaryData?> GetImageAsync(string id, CancellationToken cancellationToken) =>
        (await _images.DownloadAsync(id, cancellationToken))?.Content;

    public Task DeleteImageAsync(string id, CancellationToken cancellationToken) => _images.DeleteIfExistsAsync(id, cancellationToken);

    public async Task<IReadOnlyList<QueueMessage>> TakeAsync(int maxJobs, TimeSpan lease, CancellationToken cancellationToken)
    {
        await EnsureCreatedAsync(cancellationToken);
        return await _queue.ReceiveMessagesAsync(Math.Clamp(maxJobs, 1, 32), lease, cancellationToken);
    }

    public Task CompleteMessageAsync(QueueMessage message, CancellationToken cancellationToken) =>
        _queue.DeleteMessageAsync(message.MessageId, message.PopReceipt, cancellationToken);

    /// <summary>A job that failed after every attempt: its message goes to the poison queue for a person to look at.</summary>
    private async Task MoveToPoisonAsync(QueueMessage message, CancellationToken cancellationToken)
    {
        await _poison.SendMessageAsync(message.MessageText, timeToLive: MessageTimeToLive, cancellationToken: cancellationToken);
        await _queue.DeleteMessageAsync(message.MessageId, message.PopReceipt, cancellationToken);
    }

    /// <summary>How many waiting jobs, of every account, are ahead of this one (see <see cref="Backlog"/>).</summary>
    public Task<int> CountAheadAsync(VerificationJob job, CancellationToken cancellationToken) => _backlog.CountAheadAsync(job, cancellationToken);

    /// <summary>How many jobs, of every account, are waiting (see <see cref="Backlog"/>).</summary>
    public Task<int> CountWaitingAsync(CancellationToken cancellationToken) => _backlog.CountAsync(cancellationToken);

    /// <summary>The job's call is starting: it is <c>Running</c>, and out of the line. Null when it was terminated or purged meanwhile.</summary>
    public async Task<VerificationJob?> StartAsync(VerificationJob job, CancellationToken cancellationToken)
    {
        // Both at once: the call to Baidu waits for these, and its start time is already reserved.
        var running = TryUpdateAsync(job with { Status = RuntimeStatus.Running, Attempts = job.Attempts + 1 }, cancellationToken);
        await Task.WhenAll(running, _backlog.RemoveAsync(job, cancellationToken));
        return await running;
    }

    /// <summary>Puts a taken job back in line, <c>Pending</c> at its old place, seen again by a drain after <paramref name="delay"/>.</summary>
    public async Task ReturnAsync(VerificationJob job, QueueMessage message, TimeSpan delay, CancellationToken cancellationToken)
    {
        if (await TryUpdateAsync(job with { Status = RuntimeStatus.Pending }, cancellationToken) is not null)
        {
            await _backlog.AddAsync(job, cancellationToken);
        }

        // A message stays invisible for at most seven days.
        var visibleIn = delay < TimeSpan.Zero ? TimeSpan.Zero : delay > TimeSpan.FromDays(7) ? TimeSpan.FromDays(7) : delay;
        await _queue.UpdateMessageAsync(message.MessageId, message.PopReceipt, visibleIn, cancellationToken: cancellationToken);
    }

    /// <summary>
    /// Writes the job's final state once, guarded by its ETag; then its place in line, its image and its message go
    /// (the message to the poison queue when <paramref name="poison"/>). False when the job changed meanwhile
    /// (terminated, purged, or finished by another drain), and then nothing else is touched.
    /// </summary>
    public async Task<bool> FinishAsync(VerificationJob finished, QueueMessage message, bool poison, CancellationToken cancellationToken)
    {
        if (await TryUpdateAsync(finished, cancellationToken) is null)
        {
            return false;
        }

        await ForgetAsync(finished, message, poison, cancellationToken);
        return true;
    }

    /// <summary>
    /// Clears what is left of a job that is already over (terminated or purged, or finished by a run that stopped
    /// before it could clean up) when its message comes back: its place in line, its image and the message.
    /// </summary>
    public async Task DiscardAsync(JobMessage pointer, VerificationJob? job, QueueMessage message, CancellationToken cancellationToken)
    {
        if (job is null)
        {
            await DeleteImageAsync(pointer.Id, cancellationToken);
            await CompleteMessageAsync(message, cancellationToken);
            return;
        }

        await ForgetAsync(job, message, poison: false, cancellationToken);
    }

    private async Task ForgetAsync(VerificationJob job, QueueMessage message, bool poison, CancellationToken cancellationToken)
    {
        await _backlog.RemoveAsync(job, cancellationToken);
        await DeleteImageAsync(job.Id, cancellationToken);
        if (poison)
        {
            await MoveToPoisonAsync(message, cancellationToken);
        }
        else
        {
            await CompleteMessageAsync(message, cancellationToken);
        }
    }
}

/// <summary>What became of a submission; <see cref="SubmitResult.Job"/> is set when it was created or already existed.</summary>
public sealed record SubmitResult(SubmitOutcome Outcome, VerificationJob? Job);

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

public enum TerminateOutcome
{
    Terminated,
    NotFound,
    AlreadyFinished,
}
