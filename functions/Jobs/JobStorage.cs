using Azure.Data.Tables;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using Azure.Storage.Queues;
using Microsoft.Extensions.Options;
using Shiming.Storage;

namespace Shiming.Jobs;

/// <summary>
/// Where one kind's jobs live (<c>Verifications__*</c> names on the registered service clients): images in a
/// private container, job messages in a queue with its returned and poison queues, records, idempotency keys and the shared state
/// (budget, line) in tables. In Azure the templates create them; elsewhere (Azurite, a first run) they are created
/// once per process, on first use.
/// </summary>
public sealed class JobStorage
{
    private readonly CreateOnce _creation;

    /// <param name="kind">Whose queue and line this is: each kind has its own; records, keys and images are shared.</param>
    public JobStorage(JobKind kind, BlobServiceClient blobs, QueueServiceClient queues, TableServiceClient tables, IOptions<JobOptions> options)
    {
        var names = options.Value;
        Kind = kind;
        Images = blobs.GetBlobContainerClient(names.ImageContainer);
        Jobs = queues.GetQueueClient(kind.QueueName(names.JobQueue));
        Returned = queues.GetQueueClient(kind.QueueName(names.JobQueue) + "-returned");
        Poison = queues.GetQueueClient(kind.QueueName(names.JobQueue) + "-poison");
        Records = tables.GetTableClient(names.JobTable);
        Keys = tables.GetTableClient(names.KeyTable);
        State = tables.GetTableClient(names.StateTable);
        _creation = new CreateOnce(cancellationToken => Task.WhenAll(
            Images.CreateIfNotExistsAsync(PublicAccessType.None, cancellationToken: cancellationToken),
            Jobs.CreateIfNotExistsAsync(cancellationToken: cancellationToken),
            Returned.CreateIfNotExistsAsync(cancellationToken: cancellationToken),
            Poison.CreateIfNotExistsAsync(cancellationToken: cancellationToken),
            Records.CreateIfNotExistsAsync(cancellationToken),
            Keys.CreateIfNotExistsAsync(cancellationToken),
            State.CreateIfNotExistsAsync(cancellationToken)));
    }

    /// <summary>The kind of job whose queue and line these are.</summary>
    public JobKind Kind { get; }

    /// <summary>Images, named by job id; none outlives its job.</summary>
    public BlobContainerClient Images { get; }

    /// <summary>One message per accepted job, pointing at its record.</summary>
    public QueueClient Jobs { get; }

    /// <summary>
    /// <c>{queue}-returned</c>: messages of jobs a drain took and gave back (a graceful stop, Baidu's error 18, a retry
    /// after its backoff, a quota pause). Drains take from it before the line: a queue serves messages roughly in the order
    /// they became visible, so a job given back to the line itself would lose its place and wait behind the whole backlog.
    /// </summary>
    public QueueClient Returned { get; }

    /// <summary><c>{queue}-poison</c>: messages of jobs that failed after every attempt, for a person to look at.</summary>
    public QueueClient Poison { get; }

    /// <summary>Job records, partitioned by account.</summary>
    public TableClient Records { get; }

    /// <summary>Idempotency claims: an account's key or image hash pointing at its job.</summary>
    public TableClient Keys { get; }

    /// <summary>State every drain shares: the budget row and the line of waiting jobs.</summary>
    public TableClient State { get; }

    public ValueTask EnsureCreatedAsync(CancellationToken cancellationToken) => _creation.EnsureAsync(cancellationToken);

    /// <summary>A job message never expires by itself (the queue's default is seven days): an accepted job is never lost.</summary>
    public static readonly TimeSpan MessageTimeToLive = TimeSpan.FromSeconds(-1);
}
