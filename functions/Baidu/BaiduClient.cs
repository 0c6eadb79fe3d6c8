using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.Options;
using Polly.Timeout;

namespace Shiming.Baidu;

/// <summary>
/// Calls Baidu's vision APIs: ID-card OCR (<c>idcard</c>), general text OCR (<c>general_basic</c>,
/// <c>accurate_basic</c>, <c>general</c>, <c>accurate</c>) and image moderation (<c>img_censor/v2/user_defined</c>).
/// One call is one unit of a QPS budget: this client never retries a call by itself (the drain decides, within the
/// budget); it only renews a rejected token and resends once.
/// </summary>
public sealed class BaiduClient(HttpClient http, BaiduAccessTokenProvider tokens, BaiduConnections connections, IOptionsMonitor<BaiduOptions> options)
{
    /// <summary>The HTTP client (and so the connection pool) of the calls; <see cref="BaiduConnections"/> warms the same pool.</summary>
    public const string HttpClientName = "BaiduOcr";

    /// <summary>The ID-card OCR API's path.</summary>
    public const string IdCardPath = "rest/2.0/ocr/v1/idcard";

    /// <summary>The image moderation API's path.</summary>
    public const string ModerationPath = "rest/2.0/solution/v1/img_censor/v2/user_defined";

    /// <summary>The identity check's paths: name and number, and name, number and the card's validity dates.</summary>
    public const string IdMatchPath = "rest/2.0/face/v3/person/idmatch";

    public const string IdMatchDatePath = "rest/2.0/face/v4/idmatch_date";

    private static readonly MediaTypeHeaderValue FormContentType = new("application/x-www-form-urlencoded");
    private static readonly MediaTypeHeaderValue JsonContentType = new("application/json") { CharSet = "utf-8" };

    // Names go as UTF-8 text, as Baidu's own SDK sends them, not as \u escapes.
    private static readonly JsonSerializerOptions BodyJson = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.Create(System.Text.Unicode.UnicodeRanges.All) };

    /// <summary>The text OCR API's path: <c>rest/2.0/ocr/v1/{api}</c>, with <paramref name="api"/> one of the four.</summary>
    public static string TextPath(string api) => $"rest/2.0/ocr/v1/{api}";

    /// <summary><c>id_card_side=…&amp;detect_risk=true&amp;image=…</c> (see <see cref="BaiduForms"/>); the back is the national-emblem side.</summary>
    public static byte[] BuildIdCardForm(ReadOnlySpan<byte> image, bool back) => BaiduForms.WithImage(
        back ? "id_card_side=back&detect_risk=true&image="u8 : "id_card_side=front&detect_risk=true&image="u8,
        image);

    /// <summary>An ID-card call for one side.</summary>
    public Task<PreparedBaiduCall> PrepareIdCardAsync(ReadOnlyMemory<byte> image, bool back, CancellationToken cancellationToken) =>
        PrepareAsync(IdCardPath, BuildIdCardForm(image.Span, back), cancellationToken);

    /// <summary>A text OCR call: <c>image=…</c> (Baidu's defaults for the rest: <c>CHN_ENG</c>, no probabilities).</summary>
    public Task<PreparedBaiduCall> PrepareTextAsync(string api, ReadOnlyMemory<byte> image, CancellationToken cancellationToken) =>
        PrepareAsync(TextPath(api), BaiduForms.WithImage("image="u8, image.Span), cancellationToken);

    /// <summary>A moderation call for a still picture: <c>imgType=0&amp;image=…</c>.</summary>
    public Task<PreparedBaiduCall> PrepareModerationAsync(ReadOnlyMemory<byte> image, CancellationToken cancellationToken) =>
        PrepareAsync(ModerationPath, BaiduForms.WithImage("imgType=0&image="u8, image.Span), cancellationToken);

    /// <summary>
    /// An identity check with the authority: <c>idmatch</c> for a name and number, <c>idmatch_date</c> when the card's
    /// validity dates are known too (<c>yyyyMMdd</c>; a long-term card ends <c>00000000</c>). The name and number travel
    /// only in the JSON body.
    /// </summary>
    public Task<PreparedBaiduCall> PrepareIdMatchAsync(string name, string idNumber, string? startDate, string? endDate, CancellationToken cancellationToken) =>
        startDate is not null && endDate is not null
            ? PrepareAsync(IdMatchDatePath, JsonSerializer.SerializeToUtf8Bytes(new { name, id_card_number = idNumber, start_date = startDate, end_date = endDate }, BodyJson), cancellationToken, JsonContentType)
            : PrepareAsync(IdMatchPath, JsonSerializer.SerializeToUtf8Bytes(new { id_card_number = idNumber, name }, BodyJson), cancellationToken, JsonContentType);

    /// <summary>
    /// Makes a call ready before its start time: the form, a token (renewing it if due) and the request itself, so that
    /// sending is all that is left when the time comes. Callers waiting on a renewal would otherwise all send the
    /// moment it ends.
    /// </summary>
    public async Task<PreparedBaiduCall> PrepareAsync(string path, byte[] form, CancellationToken cancellationToken, MediaTypeHeaderValue? contentType = null)
    {
        var token = await tokens.GetTokenAsync(cancellationToken);
        var type = contentType ?? FormContentType;
        return new PreparedBaiduCall(path, form, token, type, BuildRequest(path, form, token, type));
    }

    /// <summary>Sends a prepared call; a rejected token (100, 110, 111) is renewed once and the call resent once.</summary>
    public async Task<TResponse> SendAsync<TResponse>(PreparedBaiduCall call, CancellationToken cancellationToken)
        where TResponse : BaiduAnswer
    {
        var response = await SendOnceAsync<TResponse>(call.TakeRequest() ?? BuildRequest(call.Path, call.Form, call.Token, call.ContentType), cancellationToken);
        if (response.ErrorCode is { } code && BaiduErrors.Classify(code) == BaiduErrorClass.Token)
        {
            tokens.Invalidate(call.Token);
            var token = await tokens.GetTokenAsync(cancellationToken);
            response = await SendOnceAsync<TResponse>(BuildRequest(call.Path, call.Form, token, call.ContentType), cancellationToken);
        }

        return response.ErrorCode is null or 0
            ? response
            : throw new BaiduApiException(response.ErrorCode.Value, response.ErrorMessage);
    }

    private HttpRequestMessage BuildRequest(string path, byte[] form, string token, MediaTypeHeaderValue contentType)
    {
        var uri = new Uri(options.CurrentValue.Endpoint, $"{path}?access_token={Uri.EscapeDataString(token)}");
        var request = new HttpRequestMessage(HttpMethod.Post, uri) { Content = new ByteArrayContent(form) };
        request.Content.Headers.ContentType = contentType;
        return request;
    }

    private async Task<TResponse> SendOnceAsync<TResponse>(HttpRequestMessage message, CancellationToken cancellationToken)
        where TResponse : BaiduAnswer
    {
        using var request = message;
        using var inFlight = connections.Track();
        try
        {
            // The whole answer is read inside the resilience handler's timeout (Baidu__RequestTimeout).
            using var response = await http.SendAsync(request, HttpCompletionOption.ResponseContentRead, cancellationToken);
            response.EnsureSuccessStatusCode();
            return await response.Content.ReadFromJsonAsync<TResponse>(cancellationToken)
                ?? throw new HttpRequestException("Baidu answered with an empty body.");
        }
        catch (TimeoutRejectedException ex)
        {
            throw new TimeoutException($"Baidu did not answer within {options.CurrentValue.RequestTimeout.TotalSeconds:0.#} s.", ex);
        }
    }
}

/// <summary>A call made ready to send: the API's path, the form body, the access token, and the request built from them, sent once.</summary>
public sealed class PreparedBaiduCall(string path, byte[] form, string token, MediaTypeHeaderValue contentType, HttpRequestMessage request) : IDisposable
{
    private HttpRequestMessage? _request = request;

    public string Path { get; } = path;

    public byte[] Form { get; } = form;

    public string Token { get; } = token;

    public MediaTypeHeaderValue ContentType { get; } = contentType;

    /// <summary>The request, the first time; null after, since a request is sent only once.</summary>
    internal HttpRequestMessage? TakeRequest() => Interlocked.Exchange(ref _request, null);

    public void Dispose() => TakeRequest()?.Dispose();
}
