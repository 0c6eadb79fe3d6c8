using System.Text.Json;
using System.Text.Json.Serialization;

namespace Shiming.Jobs;

/// <summary>Where a job stands; the names are those of the Durable Functions status API.</summary>
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

/// <summary>A failure, in Shiming's own codes (for example <c>not_an_id_card</c>), with advice a person can follow.</summary>
public sealed record JobError(string Code, string Message);

/// <summary>What a job is made of: the image, its media type, and how the kind's API is to be called (its variant).</summary>
public sealed record JobInput(BinaryData Image, string ContentType, string? Variant);
