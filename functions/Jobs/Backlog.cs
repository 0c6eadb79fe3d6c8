using Azure;
using Azure.Data.Tables;
using Shiming.Telemetry;

namespace Shiming.Jobs;

/// <summary>
/// The jobs waiting for Baidu, in the order they were accepted: one row per waiting job in the state table's
/// <c>backlog</c> partition, keyed by acceptance time then id, so the table keeps them in order. A job's row is
/// written when it is accepted or put back, and removed when its call starts or it ends.
/// Status answers read positions from a snapshot of the partition that each instance refreshes at most once a
/// second, so a thousand clients polling cost one query a second, not a thousand.
/// </summary>
public sealed class Backlog : IBacklogReader
{
    /// <summary>A snapshot holds at most this many jobs; a job behind them is told it is at least that far back.</summary>
    public const int MaxTracked = 10_000;

    private static readonly TimeSpan MaxSnapshotAge = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan GaugeSnapshotAge = TimeSpan.FromSeconds(5);

    private readonly JobStorage _storage;
    private readonly TimeProvider _time;
    private readonly SemaphoreSlim _refresh = new(1, 1);
    private volatile Snapshot? _snapshot;

    /// <summary>Each kind's line is a partition of its own (<see cref="JobKind.BacklogPartition"/>), so positions are per kind.</summary>
    private string Partition => _storage.Kind.BacklogPartition;

    public Backlog(JobStorage storage, TimeProvider time)
    {
        _storage = storage;
        _time = time;
    }

    /// <summary>Puts the job in line, at the place its acceptance time gives it. Writing it twice is harmless.</summary>
    public async Task AddAsync(Job job, CancellationToken cancellationToken)
    {
        await _storage.EnsureCreatedAsync(cancellationToken);
        await _storage.State.UpsertEntityAsync(new TableEntity(Partition, KeyOf(job)), TableUpdateMode.Replace, cancellationToken);
    }

    /// <summary>Takes the job out of line; nothing happens when it is not in it.</summary>
    public async Task RemoveAsync(Job job, CancellationToken cancellationToken)
    {
        await _storage.EnsureCreatedAsync(cancellationToken);
        await _storage.State.DeleteEntityAsync(Partition, KeyOf(job), ETag.All, cancellationToken); // a missing row answers 404, not an error
    }

    /// <summary>
    /// How many waiting jobs were accepted before this one, from a snapshot at most a second old. A job accepted
    /// after the snapshot was read counts every job in it as ahead of it.
    /// </summary>
    public async Task<int> CountAheadAsync(Job job, CancellationToken cancellationToken)
    {
        var snapshot = await GetSnapshotAsync(cancellationToken);
        var index = Array.BinarySearch(snapshot.Keys, KeyOf(job), StringComparer.Ordinal);
        return index >= 0 ? index : ~index;
    }

    /// <summary>How many jobs are waiting, from the same snapshot (at most <see cref="MaxTracked"/>).</summary>
    public async Task<int> CountAsync(CancellationToken cancellationToken) => (await GetSnapshotAsync(cancellationToken)).Keys.Length;

    /// <summary>
    /// The last snapshot, for the backlog gauges: read without waiting, and refreshed in the background when it is
    /// older than a collection or two, so an export costs at most one query, and none while status polls keep it fresh.
    /// </summary>
    public BacklogReading? Read()
    {
        var current = _snapshot;
        if (current is null || _time.GetUtcNow() - current.ReadAt > GaugeSnapshotAge)
        {
            _ = RefreshQuietlyAsync();
        }

        if (current is null)
        {
            return null;
        }

        DateTimeOffset? oldest = current.Keys.Length == 0
            ? null
            : new DateTimeOffset(long.Parse(current.Keys[0].AsSpan(0, 19), System.Globalization.CultureInfo.InvariantCulture), TimeSpan.Zero);
        return new BacklogReading(current.Keys.Length, oldest);
    }

    private async Task RefreshQuietlyAsync()
    {
        try
        {
            await GetSnapshotAsync(CancellationToken.None);
        }
        catch (Exception ex) when (ex is RequestFailedException or AggregateException or OperationCanceledException)
        {
            // A gauge goes without a fresh reading this time; the next collection tries again.
        }
    }

    /// <summary>The key orders jobs by acceptance time (fixed-width ticks sort as text), then by id.</summary>
    internal static string KeyOf(Job job) => $"{job.CreatedTime.UtcTicks:D19}-{job.Id}";

    private async Task<Snapshot> GetSnapshotAsync(CancellationToken cancellationToken)
    {
        var current = _snapshot;
        if (current is not null && _time.GetUtcNow() - current.ReadAt < MaxSnapshotAge)
        {
            return current;
        }

        // One refresh at a time; while it runs, callers that have a snapshot use it rather than queue up.
        if (current is not null && !await _refresh.WaitAsync(TimeSpan.Zero, cancellationToken))
        {
            return current;
        }

        if (current is null)
        {
            await _refresh.WaitAsync(cancellationToken);
        }

        try
        {
            current = _snapshot;
            if (current is not null && _time.GetUtcNow() - current.ReadAt < MaxSnapshotAge)
            {
                return current;
            }

            var readAt = _time.GetUtcNow();
            await _storage.EnsureCreatedAsync(cancellationToken);
            var keys = new List<string>();
            await foreach (var row in _storage.State.QueryAsync<TableEntity>(
                TableClient.CreateQueryFilter($"PartitionKey eq {Partition}"), select: ["RowKey"], cancellationToken: cancellationToken))
            {
                keys.Add(row.RowKey);
                if (keys.Count == MaxTracked)
                {
                    break;
                }
            }

            // The service returns a partition in row key order; sorting again costs little and assumes nothing.
            var sorted = keys.ToArray();
            Array.Sort(sorted, StringComparer.Ordinal);
            _snapshot = current = new Snapshot(readAt, sorted);
            return current;
        }
        finally
        {
            _refresh.Release();
        }
    }

    private sealed record Snapshot(DateTimeOffset ReadAt, string[] Keys);
}
