using System.Text.Json;
using System.Text.Json.Serialization;
using Azure;
using Azure.Data.Tables;
using Shiming.Privacy;

namespace Shiming.Jobs;

/// <summary>A job as stored: one table row per job, keyed by account and job id.</summary>
public sealed record Job(
    JobKind Kind,
    string AccountKey,
    string Id,
    RuntimeStatus Status,
    DateTimeOffset CreatedTime,
    DateTimeOffset LastUpdatedTime,
    string ImageContentType,
    int Attempts,
    string? OutputJson,
    JobError? Error,
    ETag ETag)
{
    /// <summary>Rows of the key table that point at this job (idempotency key, image hash), removed on purge.</summary>
    public IReadOnlyList<string> KeyRows { get; init; } = [];

    /// <summary>How the kind's API is to be called, for kinds that have a choice (a card's side, a text's accuracy).</summary>
    public string? Variant { get; init; }

    /// <summary>The details a job was submitted with, for kinds whose input is not an image; stored encrypted.</summary>
    public string? InputJson { get; init; }

    /// <summary>The job this one started once its own call succeeded; it ends when that one has (see <see cref="FollowUps"/>).</summary>
    public JobRef? FollowUp { get; init; }

    /// <summary>The job that started this one, and ends with it.</summary>
    public JobRef? Parent { get; init; }

    /// <summary>
    /// The queue message whose take marked the job <c>Running</c>. A queue may deliver a message twice, and a follow-up
    /// accepted again has a second message: one that finds the job held through another leaves it to that one, which
    /// finishes it, or comes back once its lease runs out if its drain died.
    /// </summary>
    public string? TakenBy { get; init; }

    /// <summary>Whether the job is <c>Running</c> through a message other than <paramref name="messageId"/>.</summary>
    public bool IsHeldThroughAnother(string messageId) =>
        Status == RuntimeStatus.Running && TakenBy is { } holder && holder != messageId;

    public JsonElement? Output => OutputJson is null ? null : JsonDocument.Parse(OutputJson).RootElement.Clone();

    /// <summary>
    /// The row; the output holds every recognised personal field, so it is stored encrypted. The unmarked kind's
    /// rows are written as they were before there were kinds: no <c>Kind</c>, and the variant in <c>Side</c>.
    /// </summary>
    public TableEntity ToEntity(FieldProtector protector)
    {
        var entity = new TableEntity(AccountKey, Id)
        {
            ["Status"] = Status.ToString(),
            ["CreatedTime"] = CreatedTime,
            ["LastUpdatedTime"] = LastUpdatedTime,
            ["ImageContentType"] = ImageContentType,
            ["Attempts"] = Attempts,
        };
        if (!Kind.HoldsUnmarkedRecords)
        {
            entity["Kind"] = Kind.Name;
        }

        if (Variant is not null)
        {
            entity[Kind.HoldsUnmarkedRecords ? "Side" : "Variant"] = Variant;
        }

        if (KeyRows.Count > 0)
        {
            entity["KeyRows"] = string.Join(' ', KeyRows);
        }

        if (OutputJson is not null)
        {
            entity["Output"] = protector.Protect(OutputJson, OutputPurpose(AccountKey, Id));
        }

        if (InputJson is not null)
        {
            entity["Input"] = protector.Protect(InputJson, $"VerificationJobs/Input/{AccountKey}/{Id}");
        }

        if (FollowUp is { } followUp)
        {
            entity["FollowUp"] = followUp.ToString();
        }

        if (Parent is { } parent)
        {
            entity["Parent"] = parent.ToString();
        }

        if (TakenBy is not null)
        {
            entity["TakenBy"] = TakenBy;
        }

        if (Error is not null)
        {
            entity["ErrorCode"] = Error.Code;
            entity["ErrorMessage"] = Error.Message;
        }

        entity.ETag = ETag;
        return entity;
    }

    public static Job FromEntity(JobKind kind, TableEntity entity, FieldProtector protector)
    {
        var errorCode = entity.GetString("ErrorCode");
        return new Job(
            kind,
            entity.PartitionKey,
            entity.RowKey,
            Enum.TryParse<RuntimeStatus>(entity.GetString("Status"), out var status) ? status : RuntimeStatus.Pending,
            entity.GetDateTimeOffset("CreatedTime") ?? DateTimeOffset.MinValue,
            entity.GetDateTimeOffset("LastUpdatedTime") ?? DateTimeOffset.MinValue,
            entity.GetString("ImageContentType") ?? "application/octet-stream",
            entity.GetInt32("Attempts") ?? 0,
            entity.GetString("Output") is { } output ? protector.Unprotect(output, OutputPurpose(entity.PartitionKey, entity.RowKey)) : null,
            errorCode is null ? null : new JobError(errorCode, entity.GetString("ErrorMessage") ?? ""),
            entity.ETag)
        {
            KeyRows = entity.GetString("KeyRows")?.Split(' ', StringSplitOptions.RemoveEmptyEntries) ?? [],
            Variant = entity.GetString(kind.HoldsUnmarkedRecords ? "Side" : "Variant"),
            InputJson = entity.GetString("Input") is { } input ? protector.Unprotect(input, $"VerificationJobs/Input/{entity.PartitionKey}/{entity.RowKey}") : null,
            FollowUp = JobRef.Parse(entity.GetString("FollowUp")),
            Parent = JobRef.Parse(entity.GetString("Parent")),
            TakenBy = entity.GetString("TakenBy"),
        };
    }

    /// <summary>The kind a row names (<c>Kind</c>), null for a row of the unmarked kind.</summary>
    public static string? StoredKind(TableEntity entity) => entity.GetString("Kind");

    private static string OutputPurpose(string accountKey, string id) => $"VerificationJobs/Output/{accountKey}/{id}";
}

/// <summary>A job of a kind, by the kind's name and the job's id (<c>identity:0f…</c> as stored).</summary>
public readonly record struct JobRef(string Kind, string Id)
{
    public override string ToString() => $"{Kind}:{Id}";

    public static JobRef? Parse(string? value) =>
        value?.Split(':') is [{ Length: > 0 } kind, { Length: > 0 } id] ? new JobRef(kind, id) : null;
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
