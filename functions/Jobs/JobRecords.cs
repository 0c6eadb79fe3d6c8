using Azure;
using Azure.Data.Tables;
using Shiming.Privacy;

namespace Shiming.Jobs;

/// <summary>
/// Job records: one table row per job, keyed by account and job id, its output encrypted. Every change is written
/// under the ETag it was read with, so two drains, or a drain and a terminate, never both win.
/// </summary>
public sealed class JobRecords(JobStorage storage, JobKinds kinds, FieldProtector protector, TimeProvider time)
{
    /// <summary>Job ids are 32 lowercase hex digits (a GUID without dashes).</summary>
    public static bool IsWellFormedId(string id) => id.Length == 32 && id.All(char.IsAsciiHexDigitLower);

    /// <summary>The account's job of this kind (a job of another kind is not found here).</summary>
    public async Task<Job?> FindAsync(string accountKey, string id, CancellationToken cancellationToken)
    {
        if (!IsWellFormedId(id))
        {
            return null; // not one of ours, whatever it holds: no storage call for it
        }

        await storage.EnsureCreatedAsync(cancellationToken);
        var entity = await storage.Records.GetEntityIfExistsAsync<TableEntity>(accountKey, id, cancellationToken: cancellationToken);
        return entity.HasValue && IsOfThisKind(entity.Value!) ? Job.FromEntity(storage.Kind, entity.Value!, protector) : null;
    }

    /// <summary>
    /// Writes a new job's record; the job comes back with the record's ETag. With <paramref name="tolerateExisting"/>,
    /// a record already written under the same id (a follow-up written again after a crash) is kept and returned.
    /// </summary>
    public async Task<Job> AddAsync(Job job, bool tolerateExisting, CancellationToken cancellationToken)
    {
        try
        {
            var response = await storage.Records.AddEntityAsync(job.ToEntity(protector), cancellationToken);
            return job with { ETag = response.Headers.ETag ?? default };
        }
        catch (RequestFailedException ex) when (ex.Status == 409 && tolerateExisting)
        {
            return await FindAsync(job.AccountKey, job.Id, cancellationToken) ?? job;
        }
    }

    /// <summary>Writes a new state of the job if nobody changed it since it was read; null when somebody did.</summary>
    public async Task<Job?> TryUpdateAsync(Job job, CancellationToken cancellationToken)
    {
        var updated = job with { LastUpdatedTime = time.GetUtcNow() };
        try
        {
            var response = await storage.Records.UpdateEntityAsync(updated.ToEntity(protector), job.ETag, TableUpdateMode.Replace, cancellationToken);
            return updated with { ETag = response.Headers.ETag ?? default };
        }
        catch (RequestFailedException ex) when (ex.Status is 412 or 404)
        {
            return null;
        }
    }

    /// <summary>Removes the record, whatever its state; false when there was none.</summary>
    public async Task<bool> DeleteAsync(string accountKey, string id, CancellationToken cancellationToken)
    {
        using var response = await storage.Records.DeleteEntityAsync(accountKey, id, ETag.All, cancellationToken);
        return response.Status != 404;
    }

    /// <summary>
    /// How many of the account's jobs of this kind are waiting or running. The kind is compared here, not in the
    /// query, because the unmarked kind's records have no <c>Kind</c> and a filter cannot ask for a missing property.
    /// </summary>
    public async Task<int> CountLiveAsync(string accountKey, CancellationToken cancellationToken)
    {
        var filter = TableClient.CreateQueryFilter(
            $"PartitionKey eq {accountKey} and (Status eq {nameof(RuntimeStatus.Pending)} or Status eq {nameof(RuntimeStatus.Running)})");
        var count = 0;
        await foreach (var entity in storage.Records.QueryAsync<TableEntity>(filter, select: ["RowKey", "Kind"], cancellationToken: cancellationToken))
        {
            count += IsOfThisKind(entity) ? 1 : 0;
        }

        return count;
    }

    /// <summary>Account and id of every job of this kind not changed since <paramref name="cutoff"/>.</summary>
    public async Task<IReadOnlyList<(string AccountKey, string Id)>> NotUpdatedSinceAsync(DateTimeOffset cutoff, CancellationToken cancellationToken)
    {
        await storage.EnsureCreatedAsync(cancellationToken);
        var expired = new List<(string, string)>();
        await foreach (var entity in storage.Records.QueryAsync<TableEntity>(
            TableClient.CreateQueryFilter($"LastUpdatedTime lt {cutoff}"), select: ["PartitionKey", "RowKey", "Kind"], cancellationToken: cancellationToken))
        {
            if (IsOfThisKind(entity))
            {
                expired.Add((entity.PartitionKey, entity.RowKey));
            }
        }

        return expired;
    }

    private bool IsOfThisKind(TableEntity entity) => kinds.OfRecord(Job.StoredKind(entity)) == storage.Kind;
}
