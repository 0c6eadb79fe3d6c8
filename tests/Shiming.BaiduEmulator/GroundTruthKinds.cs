using System.Text;
using System.Text.Json;

namespace Shiming.BaiduEmulator;

/// <summary>
/// What the ground truth embedded in an image describes. A card's JSON has no <c>kind</c> (it came first); a text
/// document's says <c>"kind":"document"</c> (<see cref="DocumentGroundTruth"/>) and a moderation sample's
/// <c>"kind":"moderation"</c> (<see cref="ModerationGroundTruth"/>). Every kind travels the same way, in the PNG
/// <c>tEXt</c> chunk or the JPEG comment described at <see cref="CardGroundTruth"/>.
/// </summary>
public static class GroundTruthKinds
{
    /// <summary>An ID card's side and fields.</summary>
    public const string Card = "card";

    /// <summary>A text document's lines.</summary>
    public const string Document = "document";

    /// <summary>A moderation verdict.</summary>
    public const string Moderation = "moderation";

    /// <summary>The kind the JSON names; JSON that is not an object with a string <c>kind</c> counts as a card, whose parser then judges it.</summary>
    public static string Of(string json)
    {
        ArgumentNullException.ThrowIfNull(json);
        try
        {
            using var document = JsonDocument.Parse(json);
            return document.RootElement.ValueKind == JsonValueKind.Object
                && document.RootElement.TryGetProperty("kind", out var kind)
                && kind.ValueKind == JsonValueKind.String
                ? kind.GetString()!
                : Card;
        }
        catch (JsonException)
        {
            return Card;
        }
    }

    /// <summary>Writes JSON the way it is embedded: ASCII only (non-ASCII as \uXXXX), so it fits a Latin-1 PNG <c>tEXt</c> chunk unchanged.</summary>
    internal static string WriteAscii(Action<Utf8JsonWriter> write)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            write(writer);
        }

        return Encoding.ASCII.GetString(buffer.GetBuffer(), 0, (int)buffer.Length);
    }

    /// <summary>Parses embedded JSON; a <see cref="FormatException"/> without the JSON in its message when it is not valid.</summary>
    internal static T Parse<T>(string json, Func<JsonElement, T> read)
    {
        ArgumentNullException.ThrowIfNull(json);
        try
        {
            using var document = JsonDocument.Parse(json);
            if (document.RootElement.ValueKind != JsonValueKind.Object)
            {
                throw new FormatException("Ground truth must be a JSON object.");
            }

            return read(document.RootElement);
        }
        catch (Exception exception) when (exception is JsonException or InvalidOperationException or KeyNotFoundException)
        {
            // The JSON itself is test data: keep it out of the message.
            throw new FormatException("Ground truth is not valid JSON of its kind.");
        }
    }
}

/// <summary>One line of a text document as the OCR should read it: its words and the box they are printed in.</summary>
/// <param name="Words">The line's text.</param>
/// <param name="Left">Left edge of the box, in image pixels.</param>
/// <param name="Top">Top edge of the box.</param>
/// <param name="Width">Width of the box.</param>
/// <param name="Height">Height of the box.</param>
public sealed record DocumentLine(string Words, int Left, int Top, int Width, int Height);

/// <summary>What a synthetic text document says about itself: its lines in reading order.</summary>
/// <param name="Lines">The lines, top to bottom.</param>
public sealed record DocumentGroundTruth(IReadOnlyList<DocumentLine> Lines)
{
    /// <summary>The JSON as it is embedded.</summary>
    public string ToJson() => GroundTruthKinds.WriteAscii(writer =>
    {
        writer.WriteStartObject();
        writer.WriteString("kind", GroundTruthKinds.Document);
        writer.WriteStartArray("lines");
        foreach (var line in Lines)
        {
            writer.WriteStartObject();
            writer.WriteString("words", line.Words);
            writer.WriteNumber("left", line.Left);
            writer.WriteNumber("top", line.Top);
            writer.WriteNumber("width", line.Width);
            writer.WriteNumber("height", line.Height);
            writer.WriteEndObject();
        }

        writer.WriteEndArray();
        writer.WriteEndObject();
    });

    /// <summary>Reads the JSON; throws <see cref="FormatException"/> when it is not the documented shape.</summary>
    public static DocumentGroundTruth Parse(string json) => GroundTruthKinds.Parse(json, root =>
        new DocumentGroundTruth(root.GetProperty("lines").EnumerateArray()
            .Select(line => new DocumentLine(
                line.GetProperty("words").GetString() ?? throw new FormatException("A line's words must be a string."),
                line.GetProperty("left").GetInt32(),
                line.GetProperty("top").GetInt32(),
                line.GetProperty("width").GetInt32(),
                line.GetProperty("height").GetInt32()))
            .ToList()));
}

/// <summary>A text a moderation reason found in the picture, as Baidu lists it in <c>hits</c>.</summary>
/// <param name="Words">The text found.</param>
/// <param name="Probability">How sure the model is, 0–1; left out when null.</param>
/// <param name="DatasetName">The word list it was found in; left out when null.</param>
public sealed record ModerationHit(string Words, double? Probability = null, string? DatasetName = null);

/// <summary>One reason Baidu gives in <c>data[]</c> for a verdict other than compliant.</summary>
/// <param name="Type">The model that found it: 1 pornography, 2 terrorism, 3 disgusting, 4 advertising, 5 politics, 6 quality, 11 and 12 text, and so on.</param>
/// <param name="SubType">The kind within <paramref name="Type"/>.</param>
/// <param name="ConclusionType">This reason's own verdict: 2 non-compliant, 3 suspected (4 failed for a model that failed).</param>
/// <param name="Message">Baidu's <c>msg</c>, such as <c>存在水印码内容</c>.</param>
/// <param name="Probability">How sure the model is, 0–1; left out when null.</param>
/// <param name="DatasetName">The list or model the reason came from; left out when null.</param>
/// <param name="Hits">Text found, for text reasons; left out when null.</param>
/// <param name="ErrorCode">An inner <c>error_code</c>, for a model that failed; left out when null.</param>
/// <param name="ErrorMessage">The inner <c>error_msg</c>; left out when null.</param>
public sealed record ModerationReason(
    int Type,
    int SubType,
    int ConclusionType,
    string? Message = null,
    double? Probability = null,
    string? DatasetName = null,
    IReadOnlyList<ModerationHit>? Hits = null,
    int? ErrorCode = null,
    string? ErrorMessage = null);

/// <summary>
/// The verdict a moderation sample is to get. There is no honest local moderation model (nothing that runs here would
/// judge pictures the way Baidu's does), so the emulator gives only verdicts an image carries; an image without one is
/// answered as compliant.
/// </summary>
/// <param name="ConclusionType">1 合规 compliant, 2 不合规 non-compliant, 3 疑似 suspected, 4 审核失败 failed.</param>
/// <param name="Reasons">What Baidu lists in <c>data[]</c>; empty for a compliant image.</param>
public sealed record ModerationGroundTruth(int ConclusionType, IReadOnlyList<ModerationReason> Reasons)
{
    /// <summary>Baidu's <c>conclusion</c> text for a <c>conclusionType</c>.</summary>
    public static string Conclusion(int conclusionType) => conclusionType switch
    {
        1 => "合规",
        2 => "不合规",
        3 => "疑似",
        4 => "审核失败",
        _ => throw new ArgumentOutOfRangeException(nameof(conclusionType), conclusionType, "A conclusionType is 1, 2, 3 or 4."),
    };

    /// <summary>A compliant image: nothing found.</summary>
    public static ModerationGroundTruth Compliant() => new(1, []);

    /// <summary>A non-compliant image, with one advertising reason of the kind Baidu's samples show.</summary>
    public static ModerationGroundTruth NonCompliant() =>
        new(2, [new ModerationReason(4, 0, 2, "存在二维码内容", 0.94308)]);

    /// <summary>A suspected image, with one text reason whose hit is made-up advertising text.</summary>
    public static ModerationGroundTruth Suspected() =>
        new(3, [new ModerationReason(12, 0, 3, "疑似存在图文广告不合规", 0.61, "示例文本库", [new ModerationHit("示例广告语", 0.61, "示例文本库")])]);

    /// <summary>An image whose review failed: one model answered with an inner error.</summary>
    public static ModerationGroundTruth Failed() =>
        new(4, [new ModerationReason(1, 0, 4, ErrorCode: 282000, ErrorMessage: "internal error")]);

    /// <summary>The JSON as it is embedded.</summary>
    public string ToJson() => GroundTruthKinds.WriteAscii(writer =>
    {
        writer.WriteStartObject();
        writer.WriteString("kind", GroundTruthKinds.Moderation);
        writer.WriteNumber("conclusionType", ConclusionType);
        writer.WriteStartArray("reasons");
        foreach (var reason in Reasons)
        {
            writer.WriteStartObject();
            writer.WriteNumber("type", reason.Type);
            writer.WriteNumber("subType", reason.SubType);
            writer.WriteNumber("conclusionType", reason.ConclusionType);
            WriteOptional(writer, "msg", reason.Message);
            WriteOptional(writer, "probability", reason.Probability);
            WriteOptional(writer, "datasetName", reason.DatasetName);
            WriteOptional(writer, "errorCode", reason.ErrorCode);
            WriteOptional(writer, "errorMsg", reason.ErrorMessage);
            if (reason.Hits is not null)
            {
                writer.WriteStartArray("hits");
                foreach (var hit in reason.Hits)
                {
                    writer.WriteStartObject();
                    writer.WriteString("words", hit.Words);
                    WriteOptional(writer, "probability", hit.Probability);
                    WriteOptional(writer, "datasetName", hit.DatasetName);
                    writer.WriteEndObject();
                }

                writer.WriteEndArray();
            }

            writer.WriteEndObject();
        }

        writer.WriteEndArray();
        writer.WriteEndObject();
    });

    /// <summary>Reads the JSON; throws <see cref="FormatException"/> when it is not the documented shape.</summary>
    public static ModerationGroundTruth Parse(string json) => GroundTruthKinds.Parse(json, root =>
    {
        var conclusionType = root.GetProperty("conclusionType").GetInt32();
        if (conclusionType is < 1 or > 4)
        {
            throw new FormatException("Ground truth conclusionType must be 1, 2, 3 or 4.");
        }

        var reasons = root.TryGetProperty("reasons", out var list)
            ? list.EnumerateArray().Select(reason => new ModerationReason(
                reason.GetProperty("type").GetInt32(),
                reason.GetProperty("subType").GetInt32(),
                reason.TryGetProperty("conclusionType", out var own) ? own.GetInt32() : conclusionType,
                OptionalString(reason, "msg"),
                reason.TryGetProperty("probability", out var probability) ? probability.GetDouble() : null,
                OptionalString(reason, "datasetName"),
                reason.TryGetProperty("hits", out var hits)
                    ? hits.EnumerateArray().Select(hit => new ModerationHit(
                        hit.GetProperty("words").GetString()!,
                        hit.TryGetProperty("probability", out var p) ? p.GetDouble() : null,
                        OptionalString(hit, "datasetName"))).ToList()
                    : null,
                reason.TryGetProperty("errorCode", out var code) ? code.GetInt32() : null,
                OptionalString(reason, "errorMsg"))).ToList()
            : [];
        return new ModerationGroundTruth(conclusionType, reasons);
    });

    private static string? OptionalString(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    private static void WriteOptional(Utf8JsonWriter writer, string name, string? value)
    {
        if (value is not null)
        {
            writer.WriteString(name, value);
        }
    }

    private static void WriteOptional(Utf8JsonWriter writer, string name, double? value)
    {
        if (value is { } number)
        {
            writer.WriteNumber(name, number);
        }
    }

    private static void WriteOptional(Utf8JsonWriter writer, string name, int? value)
    {
        if (value is { } number)
        {
            writer.WriteNumber(name, number);
        }
    }
}
