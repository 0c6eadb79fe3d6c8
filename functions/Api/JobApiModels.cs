using System.Text.Json;
using System.Text.Json.Serialization;
using Shiming.Jobs;

namespace Shiming.Api;

/// <summary>The <c>202</c> body of a submission: the job's id and the URIs to manage it.</summary>
public sealed record JobAccepted(
    string Id,
    string StatusQueryGetUri,
    string TerminatePostUri,
    string PurgeHistoryDeleteUri,
    RuntimeStatus RuntimeStatus,
    DateTimeOffset CreatedTime,
    WaitingStatus? CustomStatus);

/// <summary>The status body, as the Durable Functions HTTP API shapes it.</summary>
public sealed record JobStatus(
    string Id,
    string Name,
    RuntimeStatus RuntimeStatus,
    DateTimeOffset CreatedTime,
    DateTimeOffset LastUpdatedTime,
    WaitingStatus? CustomStatus,
    JsonElement? Output,
    JobError? Error);

/// <summary>
/// What a waiting client is told: when its job should start, why it is paused if it is, and the stage it waits at when
/// its own call is done and it waits for the job it started (<c>identityCheck</c>).
/// </summary>
public sealed record WaitingStatus(
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] int? QueuePosition,
    DateTimeOffset EstimatedStartTime,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Reason)
{
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Stage { get; init; }
}

/// <summary>The purge answer, as the Durable Functions HTTP API shapes it.</summary>
public sealed record PurgeResult(int InstancesDeleted);
