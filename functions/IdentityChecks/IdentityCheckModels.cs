using System.Text.Json;
using System.Text.Json.Serialization;
using Shiming.Api;

namespace Shiming.IdentityChecks;

/// <summary>What the authority said of an identity, in Shiming's words.</summary>
public static class IdentityResults
{
    /// <summary>The name and number belong together.</summary>
    public const string Matched = "matched";

    /// <summary>The authority's record differs, or it has no such number.</summary>
    public const string Mismatched = "mismatched";

    /// <summary>The authority could not answer after the retries: try again later, or check by hand.</summary>
    public const string Unavailable = "unavailable";

    /// <summary>No check was made: the number failed its checksum, or the check is off. No call was spent.</summary>
    public const string Skipped = "skipped";
}

/// <summary>The result attached to a card's output (<c>output.identityCheck</c>).</summary>
public sealed record IdentityCheckResult(string Result, [property: JsonConverter(typeof(UtcTimestampConverter))] DateTimeOffset CheckedAt);

/// <summary>A typed-in check's <c>output</c>.</summary>
public sealed record IdentityCheckOutput(string Result, [property: JsonConverter(typeof(UtcTimestampConverter))] DateTimeOffset CheckedAt, bool WithValidity);

/// <summary>
/// What a check is made of, kept encrypted in its job's record (never in a log, a queue message or a blob): the name
/// and number, and for <c>idmatch_date</c> the card's validity dates as Baidu takes them (<c>yyyyMMdd</c>, a long-term
/// card's end <c>00000000</c>).
/// </summary>
public sealed record IdentityDetails(string Name, string IdNumber, string? StartDate = null, string? EndDate = null)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull };

    public bool WithValidity => StartDate is not null && EndDate is not null;

    public string ToJson() => JsonSerializer.Serialize(this, Json);

    public static IdentityDetails? FromJson(string? json) => json is null ? null : JsonSerializer.Deserialize<IdentityDetails>(json, Json);
}

/// <summary>The body of <c>POST /api/identity-checks</c>.</summary>
public sealed record IdentityCheckRequest(string? Name, string? IdNumber, string? ValidFrom, string? ValidUntil);
