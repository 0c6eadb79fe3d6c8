using System.Text.Json.Serialization;
using Shiming.IdentityChecks;

namespace Shiming.IdCards;

/// <summary>Something worth a second look in an otherwise completed result.</summary>
public sealed record CardWarning(string Code, string Message);

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
    IReadOnlyList<CardWarning> Warnings)
{
    /// <summary>What the authority said of the name and number (<see cref="Shiming.IdentityChecks"/>); set once checked or skipped.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public IdentityCheckResult? IdentityCheck { get; init; }
}

/// <summary>The recognised national-emblem side.</summary>
public sealed record IdCardBackOutput(
    string Side,
    string? IssuingAuthority,
    string? ValidFrom,
    string? ValidUntil,
    bool Expired,
    IReadOnlyList<CardWarning> Warnings);
