using System.Text.Json;
using Shiming.Baidu;
using Shiming.Jobs;

namespace Shiming.ImageModerations;

/// <summary>Turns Baidu's image moderation answer into what Shiming's clients read.</summary>
public static class ImageModerationMapper
{
    /// <summary>
    /// The verdict and its reasons. A review that failed (审核失败, <c>conclusionType</c> 4) is a completed job with the
    /// verdict <c>failed</c>, not a failed job: Baidu did answer, and said it could not judge this image, which the
    /// client must decide about (show it to a person, or refuse it), as it would a suspected one. An answer without a
    /// <c>conclusionType</c> is not an answer at all, and is retried like a garbled one.
    /// </summary>
    public static RecognitionOutcome Map(BaiduModerationResponse response)
    {
        var verdict = Verdict(response.ConclusionType)
            ?? throw new JsonException("Baidu's moderation answer has no conclusionType from 1 to 4.");
        var reasons = (response.Data ?? []).Select(item => new ModerationReason(
            Category(item.Type),
            item.Type,
            item.SubType,
            Verdict(item.ConclusionType) ?? (item.ErrorCode is > 0 ? "failed" : verdict),
            string.IsNullOrWhiteSpace(item.Message) ? null : item.Message,
            item.Probability,
            string.IsNullOrWhiteSpace(item.DatasetName) ? null : item.DatasetName,
            [.. (item.Hits ?? []).Where(hit => !string.IsNullOrWhiteSpace(hit.Words))
                .Select(hit => new ModerationHit(hit.Words!, hit.Probability, string.IsNullOrWhiteSpace(hit.DatasetName) ? null : hit.DatasetName))],
            item.ErrorCode is { } code and not 0 ? new ModerationModelError(code, item.ErrorMessage) : null)).ToList();
        return new RecognitionOutcome.Recognized(new ImageModerationOutput(verdict, reasons));
    }

    /// <summary><c>conclusionType</c> 1–4 in Shiming's words.</summary>
    public static string? Verdict(int? conclusionType) => conclusionType switch
    {
        1 => "compliant",
        2 => "non_compliant",
        3 => "suspected",
        4 => "failed",
        _ => null,
    };

    /// <summary>Baidu's model <c>type</c> as a name; <c>other</c> for the types Baidu adds from time to time.</summary>
    public static string Category(int? type) => type switch
    {
        0 => "banned_image_library",
        1 => "pornography",
        2 => "terrorism",
        3 => "disgusting",
        4 => "advertising",
        5 => "public_figure",
        6 => "image_quality",
        7 => "custom_blacklist",
        8 => "custom_whitelist",
        10 => "avatar",
        11 or 12 or 13 or 14 => "text",
        15 => "custom_model",
        16 => "flags_and_maps",
        21 => "banned",
        24 => "live_stream",
        _ => "other",
    };

    /// <summary>The errors an image moderation can end with, in Shiming's own codes.</summary>
    public static readonly JobErrors Errors = JobErrors.Phrased(
        "moderation", "Submit the picture again", "moderation", "a JPEG, PNG or BMP picture between 128 and 4096 pixels on each side");
}
