using System.Text.Json.Serialization;

namespace Shiming.ImageModerations;

/// <summary>
/// An image moderation's <c>output</c>: the <c>verdict</c> (<c>compliant</c>, <c>non_compliant</c>, <c>suspected</c>, or
/// <c>failed</c> when Baidu's review itself failed) and the reasons Baidu gave.
/// </summary>
public sealed record ImageModerationOutput(string Verdict, IReadOnlyList<ModerationReason> Reasons);

/// <summary>
/// One reason: the kind of finding (<c>category</c>, from Baidu's model <c>type</c>, which is kept too), this reason's own
/// verdict, Baidu's message, how sure the model is, the list or model it came from, and the text it found.
/// </summary>
public sealed record ModerationReason(
    string Category,
    int? Type,
    int? SubType,
    string Verdict,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Message,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] double? Probability,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Dataset,
    IReadOnlyList<ModerationHit> Hits,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] ModerationModelError? Error);

/// <summary>A piece of text a reason found in the image.</summary>
public sealed record ModerationHit(
    string Words,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] double? Probability,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Dataset);

/// <summary>A model of Baidu's that failed on this image, with its code and message.</summary>
public sealed record ModerationModelError(int Code, string? Message);
