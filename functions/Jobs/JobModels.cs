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

/// <summary>
/// What a job is made of: an image (kept in the images container until the job ends) or, for kinds that take typed-in
/// details, those details as JSON (kept encrypted in the job's record), and how the kind's API is to be called.
/// </summary>
public sealed record JobInput(BinaryData Image, string ContentType, string? Variant)
{
    /// <summary>Details rather than an image: nothing goes to the images container.</summary>
    public bool IsDetails => ContentType == DetailsContentType;

    public const string DetailsContentType = "application/json";

    public static JobInput Details(string json, string? variant = null) => new(BinaryData.FromString(json), DetailsContentType, variant);
}
