using System.Text.Json;
using System.Text.Json.Serialization;

namespace Shiming.Verifications;

/// <summary>Where a verification stands; the names are those of the Durable Functions status API.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<RuntimeStatus>))]
public enum RuntimeStatus
{
    Pending,
    Running,
    Completed,
    Failed,
    Terminated,
}

public static class RuntimeStatuses
{
    public static bool IsTerminal(this RuntimeStatus status) => status is RuntimeStatus.Completed or RuntimeStatus.Failed or RuntimeStatus.Terminated;
}

/// <summary>The <c>202</c> body of a submission: the job's id and the URIs to manage it.</summary>
public sealed record VerificationAccepted(
    string Id,
    string StatusQueryGetUri,
    string TerminatePostUri,
    string PurgeHistoryDeleteUri,
    RuntimeStatus RuntimeStatus,
    DateTimeOffset CreatedTime,
    WaitingStatus? CustomStatus);

/// <summary>The status body, as the Durable Functions HTTP API shapes it.</summary>
public sealed record VerificationStatus(
    string Id,
    string Name,
    RuntimeStatus RuntimeStatus,
    DateTimeOffset CreatedTime,
    DateTimeOffset LastUpdatedTime,
    WaitingStatus? CustomStatus,
    JsonElement? Output,
    VerificationError? Error)
{
    public const string OrchestrationName = "IdCardVerification";
}

/// <summary>What a waiting client is told: when its job should start, and why it is paused if it is.</summary>
public sealed record WaitingStatus(
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] int? QueuePosition,
    DateTimeOffset EstimatedStartTime,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Reason);

/// <summary>A failure, in Shiming's own codes (for example <c>not_an_id_card</c>), with advice a person can follow.</summary>
public sealed record VerificationError(string Code, string Message);

/// <summary>Something worth a second look in an otherwise completed result.</summary>
public sealed record VerificationWarning(string Code, string Message);

/// <summary>The recognised portrait side.</summary>
public sealed record IdCardFrontOutput(
    string Side,
    string? Name,
    string? Gender,
    string? Ethnicity,
    string? BirthDate,
    string? Address,
    string? IdNumber,
    string? IdNumberMasked,
    bool IdNumberValid,
    string ImageStatus,
    string RiskType,
    IReadOnlyList<VerificationWarning> Warnings);

/// <summary>The recognised national-emblem side.</summary>
public sealed record IdCardBackOutput(
    string Side,
    string? IssuingAuthority,
    string? ValidFrom,
    string? ValidUntil,
    bool Expired,
    IReadOnlyList<VerificationWarning> Warnings);
