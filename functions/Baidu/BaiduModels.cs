using System.Buffers.Text;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Shiming.Baidu;

/// <summary>The <c>idcard</c> answer: a recognised card, or <c>error_code</c>/<c>error_msg</c> inside an HTTP 200.</summary>
public sealed class BaiduIdCardResponse : BaiduAnswer
{
    [JsonPropertyName("image_status")]
    public string? ImageStatus { get; init; }

    [JsonPropertyName("risk_type")]
    public string? RiskType { get; init; }

    [JsonPropertyName("idcard_number_type")]
    public int? IdCardNumberType { get; init; }

    [JsonPropertyName("words_result")]
    public Dictionary<string, BaiduWords>? WordsResult { get; init; }

    [JsonPropertyName("words_result_num")]
    public int? WordsResultNum { get; init; }

    public string? Field(string key) =>
        WordsResult is not null && WordsResult.TryGetValue(key, out var words) && !string.IsNullOrWhiteSpace(words.Words)
            ? words.Words.Trim()
            : null;
}

public sealed class BaiduWords
{
    [JsonPropertyName("words")]
    public string? Words { get; init; }
}

/// <summary>The token endpoint's answer: a token, or an OAuth error body (with HTTP 401).</summary>
public sealed class BaiduTokenResponse
{
    [JsonPropertyName("access_token")]
    public string? AccessToken { get; init; }

    [JsonPropertyName("expires_in")]
    public long? ExpiresIn { get; init; }

    [JsonPropertyName("error")]
    public string? Error { get; init; }

    [JsonPropertyName("error_description")]
    public string? ErrorDescription { get; init; }
}

/// <summary>
/// <c>log_id</c> is a uint64 that Baidu sends as a number or a string; it must never pass through a double.
/// </summary>
public sealed class BaiduLogIdConverter : JsonConverter<ulong?>
{
    public override ulong? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) => reader.TokenType switch
    {
        JsonTokenType.Number when reader.TryGetUInt64(out var number) => number,
        JsonTokenType.String when Utf8Parser.TryParse(reader.ValueSpan, out ulong parsed, out _) => parsed,
        _ => null,
    };

    public override void Write(Utf8JsonWriter writer, ulong? value, JsonSerializerOptions options)
    {
        if (value is { } v)
        {
            writer.WriteNumberValue(v);
        }
        else
        {
            writer.WriteNullValue();
        }
    }
}

/// <summary>Baidu answered with an <c>error_code</c>. The message is Baidu's own, never the caller's data.</summary>
public sealed class BaiduApiException(int errorCode, string? errorMessage)
    : Exception($"Baidu OCR error {errorCode}: {errorMessage}")
{
    public int ErrorCode { get; } = errorCode;

    public string? ErrorMessage { get; } = errorMessage;
}
