using Azure;
using Microsoft.Extensions.Options;
using Shiming.IdCards;
using Shiming.Storage;

namespace Shiming.Verifications;

/// <summary>
/// Jobs across the three stores: the image in a private blob container, a message in the job queue,
/// the record in a table. A job is accepted only once all three are written.
/// </summary>
public sealed class VerificationStore
{
    private readonly BlobContainerClient _images;
    private readonly QueueClient _queue;
    private readonly TableClient _jobs;
    private readonly TimeProvider _time;
    private readonly SemaphoreSlim _creation = new(1, 1);
    private volatile bool _created;

    public VerificationStore(StorageAccount account, IOptions<VerificationOptions> options, TimeProvider time)
    {
        _images = account.GetBlobContainerClient(options.Value.ImageContainer);
        _queue = account.GetQueueClient(options.Value.JobQueue);
        _jobs = account.GetTableClient(options.Value.JobTable);
        _time = time;
    }

    /// <summary>Creates the container, queue and table once per process, on first use.</summary>
    public async ValueTask EnsureCreatedAsync(CancellationToken cancellationToken)
    {
        if (_created)
        {
            return;
        }

        await _creation.WaitAsync(cancellationToken);
        try
        {
            if (!_created)
            {
                await Task.WhenAll(
                    _images.CreateIfNotExistsAsync(cancellationToken),
                    _queue.CreateIfNotExistsAsync(cancellationToken),
                    _jobs.CreateIfNotExistsAsync(cancellationToken));
                _created = true;
            }
        }
        finally
        {
            _creation.Release();
        }
    }

    public async Task<VerificationJob> SubmitAsync(string accountKey, IdCardSide side, BinaryData image, string contentType, CancellationToken cancellationToken)
    {
        await EnsureCreatedAsync(cancellationToken);
        var now = _time.GetUtcNow();
        var job = new VerificationJob(accountKey, Guid.NewGuid().ToString("N"), side, RuntimeStatus.Pending, now, now, contentType, 0, null, null, default);

        // Image first, record second, message last: a message never points at nothing, and the
        // caller hears 202 only when all three are durable.
        await _images.UploadAsync(job.Id, image, contentType, cancellationToken);
        var etag = await _jobs.AddEntityAsync(job.ToEntity(), cancellationToken);
        await _queue.SendMessageAsync(new JobMessage(accountKey, job.Id).Serialize(), cancellationToken: cancellationToken);
        return job with { ETag = etag };
    }

    public async Task<VerificationJob?> FindAsync(string accountKey, string id, CancellationToken cancellationToken)
    {
        await EnsureCreatedAsync(cancellationToken);
        var entity = await _jobs.GetEntityAsync(accountKey, id, cancellationToken);
        return entity is null ? null : VerificationJob.FromEntity(entity);
    }

    /// <summary>Writes a new state of the job if nobody changed it since it was read; null when somebody did.</summary>
    public async Task<VerificationJob?> TryUpdateAsync(VerificationJob job, CancellationToken cancellationToken)
    {
        var updated = job with { LastUpdatedTime = _time.GetUtcNow() };
        try
        {
            var etag = await _jobs.UpdateEntityAsync(updated.ToEntity(), job.ETag, TableUpdateMode.Replace, cancellationToken);
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

    /// <summary>Puts a taken job back so it is seen again after <paramref name="delay"/>.</summary>
    public Task ReleaseMessageAsync(QueueMessage message, TimeSpan delay, CancellationToken cancellationToken) =>
        _queue.UpdateMessageAsync(message.MessageId, message.PopReceipt, delay, cancellationToken: cancellationToken);

    public async Task<int> GetBacklogAsync(CancellationToken cancellationToken)
    {
        await EnsureCreatedAsync(cancellationToken);
        return await _queue.GetApproximateMessageCountAsync(cancellationToken);
    }
}
