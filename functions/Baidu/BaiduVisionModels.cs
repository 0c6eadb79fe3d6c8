using System.Text.Json.Serialization;

namespace Shiming.Baidu;

/// <summary>What every Baidu answer may carry: <c>log_id</c>, and on failure <c>error_code</c>/<c>error_msg</c> inside an HTTP 200.</summary>
public abstract class BaiduAnswer
{
    [JsonPropertyName("log_id")]
    [JsonConverter(typeof(BaiduLogIdConverter))]
    public ulong? LogId { get; init; }

    [JsonPropertyName("error_code")]
    public int? ErrorCode { get; init; }

    [JsonPropertyName("error_msg")]
    public string? ErrorMessage { get; init; }
}

/// <summary>The general text OCR answer: the lines, with <c>location</c> on the editions with position.</summary>
public sealed class BaiduTextResponse : BaiduAnswer
{
    [JsonPropertyName("words_result_num")]
    public int? WordsResultNum { get; init; }

    [JsonPropertyName("words_result")]
    public IReadOnlyList<BaiduTextLine>? WordsResult { get; init; }
}

public sealed class BaiduTextLine
{
    [JsonPropertyName("words")]
    public string? Words { get; init; }

    [JsonPropertyName("location")]
    public BaiduLocation? Location { get; init; }
}

public sealed class BaiduLocation
{
    [JsonPropertyName("left")]
    public int Left { get; init; }

    [JsonPropertyName("top")]
    public int Top { get; init; }

    [JsonPropertyName("width")]
    public int Width { get; init; }

    [JsonPropertyName("height")]
    public int Height { get; init; }
}

/// <summary>The image moderation answer: <c>conclusion</c> and <c>conclusionType</c> (1–4), and the reasons in <c>data[]</c>.</summary>
public sealed class BaiduModerationResponse : BaiduAnswer
{
    [JsonPropertyName("conclusion")]
    public string? Conclusion { get; init; }

    [JsonPropertyName("conclusionType")]
    public int? ConclusionType { get; init; }

    [JsonPropertyName("data")]
    public IReadOnlyList<BaiduModerationItem>? Data { get; init; }
}

/// <summary>One entry of <c>data[]</c>: a model's finding, or its own failure (an inner <c>error_code</c>).</summary>
public sealed class BaiduModerationItem
{
    [JsonPropertyName("error_code")]
    public int? ErrorCode { get; init; }

    [JsonPropertyName("error_msg")]
    public string? ErrorMessage { get; init; }

    [JsonPropertyName("type")]
    public int? Type { get; init; }

    [JsonPropertyName("subType")]
    public int? SubType { get; init; }

    [JsonPropertyName("conclusion")]
    public string? Conclusion { get; init; }

    [JsonPropertyName("conclusionType")]
    public int? ConclusionType { get; init; }

    [JsonPropertyName("msg")]
    public string? Message { get; init; }

    [JsonPropertyName("probability")]
    public double? Probability { get; init; }

    [JsonPropertyName("datasetName")]
    public string? DatasetName { get; init; }

    [JsonPropertyName("hits")]
    public IReadOnlyList<BaiduModerationHit>? Hits { get; init; }
}

public sealed class BaiduModerationHit
{
    [JsonPropertyName("words")]
    public string? Words { get; init; }

    [JsonPropertyName("probability")]
    public double? Probability { get; init; }

    [JsonPropertyName("datasetName")]
    public string? DatasetName { get; init; }
}

/// <summary>
/// The identity check's answer. <c>idmatch</c> answers with its <c>error_code</c> alone (0: the name and number
/// belong together); <c>idmatch_date</c> answers <c>result.verify_status</c> 0 (verified) or 1 (not: a mismatch, no
/// such number, other dates, or a card reported lost, not told apart).
/// </summary>
public sealed class BaiduIdMatchResponse : BaiduAnswer
{
    [JsonPropertyName("result")]
    public BaiduIdMatchResult? Result { get; init; }

    /// <summary>True when the authority confirmed the identity.</summary>
    public bool Verified => Result?.VerifyStatus is null or 0;
}

public sealed class BaiduIdMatchResult
{
    [JsonPropertyName("verify_status")]
    public int? VerifyStatus { get; init; }
}
