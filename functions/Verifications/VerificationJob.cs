using System.Text.Json;
using System.Text.Json.Serialization;
using Azure;
using Azure.Data.Tables;
using Shiming.IdCards;
using Shiming.Privacy;

namespace Shiming.Verifications;

/// <summary>A verification job as stored: one table row per job, keyed by account and job id.</summary>
public sealed record VerificationJob(
    string AccountKey,
    string Id,
    IdCardSide Side,
    RuntimeStatus Status,
    DateTimeOffset CreatedTime,
    DateTimeOffset LastUpdatedTime,
    string ImageContentType,
    int Attempts,
    string? OutputJson,
    VerificationError? Error,
    ETag ETag)
{
    /// <summary>Rows of the key table that point at this job (idempotency key, image hash), removed on purge.</summary>
    public IReadOnlyList<string> KeyRows { get; init; } = [];

    /// <summary>The kind of work; a record without one is a card's, as every record was before there were kinds.</summary>
    public JobKind Kind { get; init; } = JobKind.Verification;

    /// <summary>How the kind's API is to be called, for kinds that have a choice (text: <see cref="TextRequest"/>).</summary>
    public string? Variant { get; init; }

    /// <summary>The row; the output holds every recognised personal field, so it is stored encrypted.</summary>
    public TableEntity ToEntity(FieldProtector protector)
    {
        var entity = new TableEntity(AccountKey, Id)
        {
            ["Side"] = Side.ToWireName(),
            ["Status"] = Status.ToString(),
            ["CreatedTime"] = CreatedTime,
            ["LastUpdatedTime"] = LastUpdatedTime,
            ["ImageContentType"] = ImageContentType,
            ["Attempts"] = Attempts,
        };
        if (KeyRows.Count > 0)
        {
            entity["KeyRows"] = string.Join(' ', KeyRows);
        }

        if (Kind != JobKind.Verification)
        {
            entity["Kind"] = Kind.ToWireName();
        }

        if (Variant is not null)
        {
            entity["Variant"] = Variant;
        }

        if (OutputJson is not null)
        {
            entity["Output"] = protector.Protect(OutputJson, OutputPurpose(AccountKey, Id));
        }

        if (Error is not null)
        {
            entity["ErrorCode"] = Error.Code;
            entity["ErrorMessage"] = Error.Message;
        }

        entity.ETag = ETag;
        return entity;
    }

    public static VerificationJob FromEntity(TableEntity entity, FieldProtector protector)
    {
        _ = IdCardSides.TryParse(entity.GetString("Side"), out var side);
        var errorCode = entity.GetString("ErrorCode");
        return new VerificationJob(
            entity.PartitionKey,
            entity.RowKey,
            side,
            Enum.TryParse<RuntimeStatus>(entity.GetString("Status"), out var status) ? status : RuntimeStatus.Pending,
            entity.GetDateTimeOffset("CreatedTime") ?? DateTimeOffset.MinValue,
            entity.GetDateTimeOffset("LastUpdatedTime") ?? DateTimeOffset.MinValue,
            entity.GetString("ImageContentType") ?? "application/octet-stream",
            entity.GetInt32("Attempts") ?? 0,
            entity.GetString("Output") is { } output ? protector.Unprotect(output, OutputPurpose(entity.PartitionKey, entity.RowKey)) : null,
            errorCode is null ? null : new VerificationError(errorCode, entity.GetString("ErrorMessage") ?? ""),
            entity.ETag)
        {
            KeyRows = entity.GetString("KeyRows")?.Split(' ', StringSplitOptions.RemoveEmptyEntries) ?? [],
            Kind = KindOf(entity),
            Variant = entity.GetString("Variant"),
        };
    }

    /// <summary>The kind a row records: <see cref="JobKind.Verification"/> when it names none.</summary>
    public static JobKind KindOf(TableEntity entity) =>
        JobKinds.TryParse(entity.GetString("Kind"), out var kind) ? kind : JobKind.Verification;

    private static string OutputPurpose(string accountKey, string id) => $"VerificationJobs/Output/{accountKey}/{id}";

    public JsonElement? Output => OutputJson is null ? null : JsonDocument.Parse(OutputJson).RootElement.Clone();
}

/// <summary>The queue message for a job: where to find it, and nothing personal.</summary>
public sealed record JobMessage(string Account, string Id)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    /// <summary>The W3C <c>traceparent</c> of the submit's span, when telemetry is on; older messages have none.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? TraceParent { get; init; }

    public string Serialize() => JsonSerializer.Serialize(this, Json);

    public static JobMessage? TryParse(string text)
    {
        try
        {
            var message = JsonSerializer.Deserialize<JobMessage>(text, Json);
            return message is { Account.Length: > 0, Id.Length: > 0 } ? message : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
