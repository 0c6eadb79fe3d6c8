using System.Net.Http.Headers;
using System.Net.Http.Json;
using Microsoft.Extensions.Options;
using Polly.Timeout;
using Shiming.IdCards;

namespace Shiming.Baidu;

/// <summary>
/// Calls Baidu's ID-card OCR. One call is one unit of the QPS budget: this client never retries an OCR
/// call by itself (the drain decides, within the budget); it only renews a rejected token and resends once.
/// </summary>
public sealed class BaiduOcrClient(HttpClient http, BaiduAccessTokenProvider tokens, BaiduConnections connections, IOptionsMonitor<BaiduOptions> options)
{
    /// <summary>The HTTP client (and so the connection pool) of OCR calls; <see cref="BaiduConnections"/> warms the same pool.</summary>
    public const string HttpClientName = "BaiduOcr";

    private static readonly MediaTypeHeaderValue FormContentType = new("application/x-www-form-urlencoded");

    public async Task<BaiduIdCardResponse> RecognizeIdCardAsync(ReadOnlyMemory<byte> image, IdCardSide side, CancellationToken cancellationToken)
    {
        using var call = await PrepareIdCardAsync(image, side, cancellationToken);
        return await RecognizeIdCardAsync(call, cancellationToken);
    }

    /// <summary>
    /// Makes a call ready before its start time: the form, a token (renewing it if due) and the request itself, so that
    /// sending is all that is left when the time comes. Callers waiting on a renewal would otherwise all send the
    /// moment it ends.
    /// </summary>
    public async Task<PreparedIdCardCall> PrepareIdCardAsync(ReadOnlyMemory<byte> image, IdCardSide side, CancellationToken cancellationToken)
    {
        var form = BuildIdCardForm(image.Span, side);
        var token = await tokens.GetTokenAsync(cancellationToken);
        return new PreparedIdCardCall(form, token, BuildRequest(form, token));
    }

    /// <summary>Sends a prepared call; a rejected token (100, 110, 111) is renewed once and the call resent once.</summary>
    public async Task<BaiduIdCardResponse> RecognizeIdCardAsync(PreparedIdCardCall call, CancellationToken cancellationToken)
    {
        var response = await SendAsync(call.TakeRequest() ?? BuildRequest(call.Form, call.Token), cancellationToken);
        if (response.ErrorCode is 100 or 110 or 111)
        {
            tokens.Invalidate(call.Token);
            var token = await tokens.GetTokenAsync(cancellationToken);
            response = await SendAsync(BuildRequest(call.Form, token), cancellationToken);
        }

        return response.ErrorCode is null or 0
            ? response
            : throw new BaiduApiException(response.ErrorCode.Value, response.ErrorMessage);
    }

    private HttpRequestMessage BuildRequest(byte[] form, string token)
    {
        var uri = new Uri(options.CurrentValue.Endpoint, $"rest/2.0/ocr/v1/idcard?access_token={Uri.EscapeDataString(token)}");
        var request = new HttpRequestMessage(HttpMethod.Post, uri) { Content = new ByteArrayContent(form) };
        request.Content.Headers.ContentType = FormContentType;
        return request;
    }

    private async Task<BaiduIdCardResponse> SendAsync(HttpRequestMessage message, CancellationToken cancellationToken)
    {
        using var request = message;
        using var inFlight = connections.Track();
        try
        {
            // The whole answer is read inside the resilience handler's timeout (Baidu__RequestTimeout).
            using var response = await http.SendAsync(request, HttpCompletionOption.ResponseContentRead, cancellationToken);
            response.EnsureSuccessStatusCode();
            return await response.Content.ReadFromJsonAsync<BaiduIdCardResponse>(cancellationToken)
                ?? throw new HttpRequestException("Baidu answered with an empty body.");
        }
        catch (TimeoutRejectedException ex)
        {
            throw new TimeoutException($"Baidu did not answer within {options.CurrentValue.RequestTimeout.TotalSeconds:0.#} s.", ex);
        }
    }

    /// <summary><c>id_card_side=…&amp;detect_risk=true&amp;image=…</c> (see <see cref="BaiduForms"/>).</summary>
    public static byte[] BuildIdCardForm(ReadOnlySpan<byte> image, IdCardSide side) => BaiduForms.WithImage(
        side == IdCardSide.Back ? "id_card_side=back&detect_risk=true&image="u8 : "id_card_side=front&detect_risk=true&image="u8,
        image);
}

/// <summary>An ID-card call made ready to send: the form body, the access token, and the request built from them, sent once.</summary>
public sealed class PreparedIdCardCall(byte[] form, string token, HttpRequestMessage request) : IDisposable
{
    private HttpRequestMessage? _request = request;

    public byte[] Form { get; } = form;

    public string Token { get; } = token;

    /// <summary>The request, the first time; null after, since a request is sent only once.</summary>
    internal HttpRequestMessage? TakeRequest() => Interlocked.Exchange(ref _request, null);

    public void Dispose() => TakeRequest()?.Dispose();
}
