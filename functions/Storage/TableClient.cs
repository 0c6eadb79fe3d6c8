using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text.Json;
using System.Text.RegularExpressions;
using Azure;
using Azure.Core;
using Azure.Core.Pipeline;

namespace Shiming.Storage;

/// <summary>How an update treats properties the entity sent does not carry.</summary>
public enum TableUpdateMode
{
    /// <summary>Keep them (the service's Merge).</summary>
    Merge,

    /// <summary>Remove them: the stored entity becomes exactly the one sent.</summary>
    Replace,
}

/// <summary>One table: entity writes with optimistic concurrency, point reads, deletes and paged queries.</summary>
public sealed partial class TableClient
{
    /// <summary>The longest key the service accepts: 1 KiB of UTF-16.</summary>
    public const int MaxKeyLength = 512;

    private static readonly RequestMethod Patch = new("PATCH");

    private readonly HttpPipeline _pipeline;
    private readonly Uri _endpoint;

    internal TableClient(HttpPipeline pipeline, Uri endpoint, string tableName)
    {
        ArgumentNullException.ThrowIfNull(tableName);
        if (!TableNamePattern().IsMatch(tableName))
        {
            throw new ArgumentException(
                $"'{tableName}' is not a valid table name: 3-63 letters and digits, starting with a letter.",
                nameof(tableName));
        }

        _pipeline = pipeline;
        _endpoint = endpoint;
        Name = tableName;
    }

    public string Name { get; }

    /// <summary>Creates the table; an existing table is left as it is.</summary>
    public async Task CreateIfNotExistsAsync(CancellationToken cancellationToken = default)
    {
        using var message = CreateRequest(RequestMethod.Post, "Tables");
        message.Request.Headers.SetValue("Prefer", "return-no-content");
        message.Request.Headers.SetValue("Content-Type", "application/json");
        message.Request.Content = RequestContent.Create(JsonSerializer.SerializeToUtf8Bytes(new Dictionary<string, string> { ["TableName"] = Name }));
        var response = await StorageRequests.SendAsync(_pipeline, message, cancellationToken).ConfigureAwait(false);
        if (response.Status is 201 or 204 || (response.Status == 409 && StorageResponses.ErrorCode(response) == "TableAlreadyExists"))
        {
            return;
        }

        throw StorageResponses.Failure(response);
    }

    /// <summary>Inserts a new entity.</summary>
    /// <exception cref="RequestFailedException">Status 409 (EntityAlreadyExists) when the keys are taken.</exception>
    public async Task<ETag> AddEntityAsync(TableEntity entity, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(entity);
        ValidateKeys(entity.PartitionKey, entity.RowKey);
        using var message = CreateRequest(RequestMethod.Post, Name);
        message.Request.Headers.SetValue("Prefer", "return-no-content");
        SetBody(message, entity);
        return await SendForETagAsync(message, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Inserts the entity, or replaces or merges into the stored one whatever its ETag.</summary>
    public async Task<ETag> UpsertEntityAsync(TableEntity entity, TableUpdateMode mode = TableUpdateMode.Replace, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(entity);
        // No If-Match makes PUT and PATCH an insert-or-replace / insert-or-merge.
        using var message = CreateRequest(MethodFor(mode), EntityPath(entity.PartitionKey, entity.RowKey));
        SetBody(message, entity);
        return await SendForETagAsync(message, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Replaces or merges into a stored entity, if its ETag still is <paramref name="ifMatch"/> (<c>default</c> or <see cref="ETag.All"/>: any).</summary>
    /// <exception cref="RequestFailedException">Status 412 when the stored entity changed since; 404 when there is none.</exception>
    public async Task<ETag> UpdateEntityAsync(TableEntity entity, ETag ifMatch, TableUpdateMode mode = TableUpdateMode.Replace, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(entity);
        using var message = CreateRequest(MethodFor(mode), EntityPath(entity.PartitionKey, entity.RowKey));
        message.Request.Headers.SetValue("If-Match", StorageResponses.IfMatchValue(ifMatch));
        SetBody(message, entity);
        return await SendForETagAsync(message, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Writes <paramref name="entity"/> if the stored row is still the one read: inserts it when <paramref name="etag"/>
    /// is null (nothing was read), replaces it otherwise. False when another writer got there first (409, 412, or
    /// 404 when the row was deleted meanwhile), so the caller reads again and retries.
    /// </summary>
    public async Task<bool> TryWriteAsync(TableEntity entity, ETag? etag, CancellationToken cancellationToken = default)
    {
        try
        {
            if (etag is { } current)
            {
                await UpdateEntityAsync(entity, current, TableUpdateMode.Replace, cancellationToken).ConfigureAwait(false);
            }
            else
            {
                await AddEntityAsync(entity, cancellationToken).ConfigureAwait(false);
            }

            return true;
        }
        catch (RequestFailedException ex) when (ex.Status is 409 or 412 or 404)
        {
            return false;
        }
    }

    /// <summary>Reads one entity; null when it does not exist.</summary>
    public async Task<TableEntity?> GetEntityAsync(string partitionKey, string rowKey, CancellationToken cancellationToken = default)
    {
        using var message = CreateRequest(RequestMethod.Get, EntityPath(partitionKey, rowKey));
        var response = await StorageRequests.SendAsync(_pipeline, message, cancellationToken).ConfigureAwait(false);
        if (response.Status == 404 && StorageResponses.ErrorCode(response) is "ResourceNotFound" or "EntityNotFound")
        {
            return null;
        }

        if (response.Status != 200)
        {
            throw StorageResponses.Failure(response);
        }

        using var document = JsonDocument.Parse(response.Content);
        return TableEntityJson.Deserialize(document.RootElement, StorageResponses.ETagOf(response));
    }

    /// <summary>Deletes an entity if its ETag still is <paramref name="ifMatch"/> (<c>default</c>: any); false when it does not exist.</summary>
    /// <exception cref="RequestFailedException">Status 412 when the stored entity changed since.</exception>
    public async Task<bool> DeleteEntityAsync(string partitionKey, string rowKey, ETag ifMatch = default, CancellationToken cancellationToken = default)
    {
        using var message = CreateRequest(RequestMethod.Delete, EntityPath(partitionKey, rowKey));
        message.Request.Headers.SetValue("If-Match", StorageResponses.IfMatchValue(ifMatch));
        var response = await StorageRequests.SendAsync(_pipeline, message, cancellationToken).ConfigureAwait(false);
        if (response.Status == 204)
        {
            return true;
        }

        if (response.Status == 404 && StorageResponses.ErrorCode(response) is "ResourceNotFound" or "EntityNotFound")
        {
            return false;
        }

        throw StorageResponses.Failure(response);
    }

    /// <summary>
    /// Queries the table, following continuation tokens until the service has no more (a page may be empty and
    /// still continue). Build <paramref name="filter"/> with <see cref="CreateQueryFilter"/>.
    /// </summary>
    /// <param name="maxPerPage">Entities per request (1-1000); the service's default is 1000.</param>
    /// <param name="select">Properties to return; include PartitionKey and RowKey if they are needed.</param>
    public async IAsyncEnumerable<TableEntity> QueryAsync(
        string? filter = null,
        int? maxPerPage = null,
        IEnumerable<string>? select = null,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        if (maxPerPage is not null)
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(maxPerPage.Value, 1, nameof(maxPerPage));
            ArgumentOutOfRangeException.ThrowIfGreaterThan(maxPerPage.Value, 1000, nameof(maxPerPage));
        }

        var selected = select is null ? null : string.Join(',', select);
        string? nextPartitionKey = null;
        string? nextRowKey = null;
        do
        {
            List<TableEntity> page;
            using (var message = CreateRequest(RequestMethod.Get, Name + "()"))
            {
                var uri = message.Request.Uri;
                if (!string.IsNullOrEmpty(filter))
                {
                    uri.AppendQuery("$filter", filter);
                }

                if (maxPerPage is not null)
                {
                    uri.AppendQuery("$top", maxPerPage.Value.ToString(CultureInfo.InvariantCulture));
                }

                if (!string.IsNullOrEmpty(selected))
                {
                    uri.AppendQuery("$select", selected);
                }

                // The two tokens are independent: NextRowKey can be absent while NextPartitionKey is present.
                if (nextPartitionKey is not null)
                {
                    uri.AppendQuery("NextPartitionKey", nextPartitionKey);
                }

                if (nextRowKey is not null)
                {
                    uri.AppendQuery("NextRowKey", nextRowKey);
                }

                var response = await StorageRequests.SendAsync(_pipeline, message, cancellationToken).ConfigureAwait(false);
                if (response.Status != 200)
                {
                    throw StorageResponses.Failure(response);
                }

                using var document = JsonDocument.Parse(response.Content);
                page = document.RootElement.TryGetProperty("value", out var values)
                    ? values.EnumerateArray().Select(e => TableEntityJson.Deserialize(e)).ToList()
                    : [];
                nextPartitionKey = response.Headers.TryGetValue("x-ms-continuation-NextPartitionKey", out var pk) && pk.Length > 0 ? pk : null;
                nextRowKey = response.Headers.TryGetValue("x-ms-continuation-NextRowKey", out var rk) && rk.Length > 0 ? rk : null;
            }

            foreach (var entity in page)
            {
                yield return entity;
            }
        }
        while (nextPartitionKey is not null || nextRowKey is not null);
    }

    /// <summary>
    /// Formats a filter, turning each interpolated value into an OData literal: strings quoted with quotes doubled,
    /// <see cref="long"/> with an <c>L</c> suffix, <see cref="double"/> with a decimal point, dates as
    /// <c>datetime'…'</c> in UTC, <c>guid'…'</c>, <c>true</c>/<c>false</c> and binary as <c>X'…'</c>.
    /// </summary>
    /// <example><c>TableClient.CreateQueryFilter($"PartitionKey eq {pk} and Count ge {10L}")</c></example>
    public static string CreateQueryFilter(FormattableString filter)
    {
        ArgumentNullException.ThrowIfNull(filter);
        var literals = filter.GetArguments().Select(ToODataLiteral).ToArray<object?>();
        return string.Format(CultureInfo.InvariantCulture, filter.Format, literals);
    }

    internal static string ToODataLiteral(object? value) => value switch
    {
        null => "null",
        string s => "'" + s.Replace("'", "''", StringComparison.Ordinal) + "'",
        char c => "'" + (c == '\'' ? "''" : c.ToString()) + "'",
        bool b => b ? "true" : "false",
        int or short or byte or sbyte or ushort => Convert.ToString(value, CultureInfo.InvariantCulture)!,
        long l => l.ToString(CultureInfo.InvariantCulture) + "L",
        double d => DoubleLiteral(d),
        DateTimeOffset dto => DateTimeLiteral(dto),
        DateTime dt => DateTimeLiteral(TableEntity.ToUtc(dt)),
        Guid g => "guid'" + g.ToString("D") + "'",
        byte[] bytes => "X'" + Convert.ToHexString(bytes) + "'",
        BinaryData data => "X'" + Convert.ToHexString(data.ToMemory().Span) + "'",
        _ => throw new ArgumentException($"A {value.GetType().Name} has no OData literal form for a Table filter.", nameof(value)),
    };

    /// <summary>Rejects keys the service would refuse, before anything is sent.</summary>
    internal static void ValidateKeys(string partitionKey, string rowKey)
    {
        ValidateKey(partitionKey, nameof(partitionKey));
        ValidateKey(rowKey, nameof(rowKey));
    }

    /// <summary>
    /// The entity address. Quotes are doubled (the OData string-literal rule) and then the whole key is
    /// percent-encoded: percent-encoding alone leaves a quote that the service decodes and then chokes on.
    /// </summary>
    internal string EntityPath(string partitionKey, string rowKey)
    {
        ValidateKeys(partitionKey, rowKey);
        return $"{Name}(PartitionKey='{EscapeKey(partitionKey)}',RowKey='{EscapeKey(rowKey)}')";
    }

    private static string EscapeKey(string key) => Uri.EscapeDataString(key.Replace("'", "''", StringComparison.Ordinal));

    private static void ValidateKey(string key, string parameterName)
    {
        ArgumentNullException.ThrowIfNull(key, parameterName);
        if (key.Length > MaxKeyLength)
        {
            throw new ArgumentException($"A table key is at most {MaxKeyLength} characters; this one has {key.Length}.", parameterName);
        }

        foreach (var c in key)
        {
            if (c is '/' or '\\' or '#' or '?' || char.IsControl(c))
            {
                throw new ArgumentException(
                    $"A table key may not contain '/', '\\', '#', '?' or control characters; this one has U+{(int)c:X4}.",
                    parameterName);
            }
        }

        // A lone surrogate has no UTF-8 form, so it could not be percent-encoded into the address.
        if (!IsWellFormed(key))
        {
            throw new ArgumentException("A table key must be well-formed UTF-16 (it has a lone surrogate).", parameterName);
        }
    }

    private static bool IsWellFormed(string value)
    {
        for (var i = 0; i < value.Length; i++)
        {
            if (char.IsHighSurrogate(value[i]) && i + 1 < value.Length && char.IsLowSurrogate(value[i + 1]))
            {
                i++;
            }
            else if (char.IsSurrogate(value[i]))
            {
                return false;
            }
        }

        return true;
    }

    private static string DoubleLiteral(double value)
    {
        if (!double.IsFinite(value))
        {
            throw new ArgumentException("NaN and infinities have no OData literal form.", nameof(value));
        }

        // Without a '.' the service parses the literal as Int32, and an Int32 does not compare equal to a Double property.
        var text = value.ToString("R", CultureInfo.InvariantCulture);
        return text.Contains('.', StringComparison.Ordinal) || text.Contains('E', StringComparison.Ordinal) ? text : text + ".0";
    }

    private static string DateTimeLiteral(DateTimeOffset value) =>
        "datetime'" + value.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'", CultureInfo.InvariantCulture) + "'";

    private static RequestMethod MethodFor(TableUpdateMode mode) => mode switch
    {
        TableUpdateMode.Replace => RequestMethod.Put,
        // PATCH rather than MERGE: the service treats them alike, and proxies know PATCH.
        TableUpdateMode.Merge => Patch,
        _ => throw new ArgumentOutOfRangeException(nameof(mode), mode, null),
    };

    private HttpMessage CreateRequest(RequestMethod method, string encodedPath)
    {
        var message = StorageRequests.Create(_pipeline, method, _endpoint, encodedPath);
        var headers = message.Request.Headers;
        // Without Accept the service answers in Atom, which it no longer supports.
        headers.SetValue("Accept", "application/json;odata=minimalmetadata");
        headers.SetValue("DataServiceVersion", "3.0;NetFx");
        headers.SetValue("MaxDataServiceVersion", "3.0;NetFx");
        return message;
    }

    private static void SetBody(HttpMessage message, TableEntity entity)
    {
        message.Request.Headers.SetValue("Content-Type", "application/json");
        message.Request.Content = RequestContent.Create(TableEntityJson.Serialize(entity));
    }

    // Every entity write asks for (or, being an update, gets) 204 No Content with the new ETag in a header.
    private async Task<ETag> SendForETagAsync(HttpMessage message, CancellationToken cancellationToken)
    {
        var response = await StorageRequests.SendAsync(_pipeline, message, cancellationToken).ConfigureAwait(false);
        if (response.Status != 204)
        {
            throw StorageResponses.Failure(response);
        }

        return StorageResponses.ETagOf(response);
    }

    [GeneratedRegex("^[A-Za-z][A-Za-z0-9]{2,62}$", RegexOptions.CultureInvariant)]
    private static partial Regex TableNamePattern();
}
