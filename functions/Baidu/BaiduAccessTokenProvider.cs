using System.Net;
using System.Net.Http.Json;
using Microsoft.Extensions.Options;
using Polly.Timeout;

namespace Shiming.Baidu;

/// <summary>
/// Holds one access token for the application's keys, renews it well before it expires, and lets only
/// one renewal run at a time however many calls are waiting for it.
/// </summary>
public sealed class BaiduAccessTokenProvider : IDisposable
{
    public const string HttpClientName = "Baidu";

    // Renew once this share of the token's lifetime has passed (30 days → after 24), so a token is
    // never used near its expiry and a failed renewal still leaves days of a working token.
    private const double RenewAfterLifetimeShare = 0.8;

    private readonly IHttpClientFactory _httpClients;
    private readonly IOptionsMonitor<BaiduOptions> _options;
    private readonly TimeProvider _time;
    private readonly ILogger<BaiduAccessTokenProvider> _logger;
    private readonly SemaphoreSlim _renewal = new(1, 1);
    private CachedToken? _current;
    private long _renewals;

    public BaiduAccessTokenProvider(
        IHttpClientFactory httpClients, IOptionsMonitor<BaiduOptions> options, TimeProvider time, ILogger<BaiduAccessTokenProvider> logger)
    {
        _httpClients = httpClients;
        _options = options;
        _time = time;
        _logger = logger;
    }

    public async ValueTask<string> GetTokenAsync(CancellationToken cancellationToken)
    {
        if (_current is { } cached && cached.IsFresh(_time.GetUtcNow()))
        {
            return cached.Value;
        }

        await _renewal.WaitAsync(cancellationToken);
        try
        {
            if (_current is { } renewed && renewed.IsFresh(_time.GetUtcNow()))
            {
                return renewed.Value;
            }

            _current = await FetchAsync(cancellationToken);
            return _current.Value;
        }
        finally
        {
            _renewal.Release();
        }
    }

    /// <summary>
    /// Forgets <paramref name="rejected"/> after Baidu refused it (100/110/111), unless a newer token
    /// has already replaced it, so many calls failing together cause one renewal, not many.
    /// </summary>
    public void Invalidate(string rejected)
    {
        var current = _current;
        if (current?.Value == rejected)
        {
            Interlocked.CompareExchange(ref _current, null, current);
        }
    }

    private async Task<CachedToken> FetchAsync(CancellationToken cancellationToken)
    {
        var options = _options.CurrentValue;
        var http = _httpClients.CreateClient(HttpClientName);
        var tokenUri = new Uri(options.Endpoint, "oauth/2.0/token");

        // The keys go in a form body, not the query string, so they never appear in a logged URL. Transport faults and
        // 5xx answers are retried by the client's resilience handler (BaiduServiceCollectionExtensions).
        using var content = new FormUrlEncodedContent(
        [
            new("grant_type", "client_credentials"),
            new("client_id", options.ApiKey),
            new("client_secret", options.SecretKey),
        ]);
        BaiduTokenResponse? body;
        HttpStatusCode status;
        try
        {
            using var response = await http.PostAsync(tokenUri, content, cancellationToken);
            if ((int)response.StatusCode >= 500)
            {
                throw new HttpRequestException($"Baidu's token endpoint answered {(int)response.StatusCode}.", null, response.StatusCode);
            }

            status = response.StatusCode;
            body = await response.Content.ReadFromJsonAsync<BaiduTokenResponse>(cancellationToken);
        }
        catch (TimeoutRejectedException ex)
        {
            throw new TimeoutException("Baidu's token endpoint did not answer in time.", ex);
        }

        if (body?.AccessToken is not { Length: > 0 } token)
        {
            Log.TokenRefused(_logger, (int)status, body?.Error);
            throw new BaiduApiException(110, $"Baidu refused the application keys ({body?.Error ?? status.ToString()}): check Baidu__ApiKey and Baidu__SecretKey.");
        }

        var now = _time.GetUtcNow();
        var lifetime = TimeSpan.FromSeconds(Math.Max(60, body.ExpiresIn ?? 2_592_000));
        Log.TokenRenewed(_logger, now + lifetime);
        Interlocked.Increment(ref _renewals);
        return new CachedToken(token, RenewAt: now + lifetime * RenewAfterLifetimeShare);
    }

    /// <summary>How many tokens this instance has fetched since it started.</summary>
    public long Renewals => Interlocked.Read(ref _renewals);

    public void Dispose() => _renewal.Dispose();

    private sealed record CachedToken(string Value, DateTimeOffset RenewAt)
    {
        public bool IsFresh(DateTimeOffset now) => now < RenewAt;
    }
}
