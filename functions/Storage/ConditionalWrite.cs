using Azure;
using Azure.Data.Tables;

namespace Shiming.Storage;

/// <summary>Optimistic concurrency on one table row: write only what was read, or insert only what was not there.</summary>
public static class ConditionalWrite
{
    /// <summary>
    /// Inserts <paramref name="entity"/> when <paramref name="etag"/> is null (nothing was read), replaces the row under
    /// that ETag otherwise. False when another writer got there first (409, 412, or 404 when the row was deleted
    /// meanwhile), so the caller reads again and decides again; a write whose answer was lost and whose retry was
    /// refused for that reason also reads false, so callers look for their own write in what they read next.
    /// </summary>
    public static async Task<bool> TryAsync(TableClient table, TableEntity entity, ETag? etag, CancellationToken cancellationToken) =>
        await TryWriteAsync(table, entity, etag, cancellationToken) is not null;

    /// <summary>As <see cref="TryAsync"/>, answering the write's response (the row's new ETag in its headers); null when it was not made.</summary>
    public static async Task<Response?> TryWriteAsync(TableClient table, TableEntity entity, ETag? etag, CancellationToken cancellationToken)
    {
        try
        {
            return etag is { } current
                ? await table.UpdateEntityAsync(entity, current, TableUpdateMode.Replace, cancellationToken)
                : await table.AddEntityAsync(entity, cancellationToken);
        }
        catch (RequestFailedException ex) when (ex.Status is 409 or 412 or 404)
        {
            return null;
        }
    }
}
