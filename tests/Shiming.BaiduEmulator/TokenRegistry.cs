using System.Collections.Concurrent;
using System.Globalization;
using System.Security.Cryptography;

namespace Shiming.BaiduEmulator;

internal enum TokenState
{
    Valid,
    Unknown,
    Expired,
}

/// <summary>The access tokens the emulator has issued. Expired tokens are kept so that they answer 111, not 110.</summary>
internal sealed class TokenRegistry(TimeProvider timeProvider)
{
    // Baidu's token strings end in "282335-<app id>"; the app id is made up.
    private const string AppId = "282335-99000001";

    private readonly ConcurrentDictionary<string, IssuedToken> _tokens = new(StringComparer.Ordinal);
    private long _issued;

    /// <summary>How many tokens were issued, revoked ones included: one per successful token request.</summary>
    public long IssuedCount => Interlocked.Read(ref _issued);

    public IssuedToken Issue(string clientId, TimeSpan lifetime)
    {
        var now = timeProvider.GetUtcNow();
        var expiresAt = now + lifetime;
        var lifetimeSeconds = (long)lifetime.TotalSeconds;
        var access = string.Create(
            CultureInfo.InvariantCulture,
            $"24.{RandomHex()}.{lifetimeSeconds}.{expiresAt.ToUnixTimeSeconds()}.{AppId}");
        var refresh = string.Create(
            CultureInfo.InvariantCulture,
            $"25.{RandomHex()}.315360000.{(now + TimeSpan.FromSeconds(315360000)).ToUnixTimeSeconds()}.{AppId}");
        var token = new IssuedToken(access, refresh, clientId, expiresAt, lifetimeSeconds);
        _tokens[access] = token;
        Interlocked.Increment(ref _issued);
        return token;
    }

    public TokenState Check(string accessToken, out IssuedToken? token)
    {
        if (!_tokens.TryGetValue(accessToken, out token))
        {
            return TokenState.Unknown;
        }

        return timeProvider.GetUtcNow() >= token.ExpiresAt ? TokenState.Expired : TokenState.Valid;
    }

    /// <summary>Forgets every token issued so far: they answer 110 from now on, as unknown tokens do.</summary>
    public void RevokeAll() => _tokens.Clear();

    private static string RandomHex() => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
}

internal sealed record IssuedToken(string AccessToken, string RefreshToken, string ClientId, DateTimeOffset ExpiresAt, long LifetimeSeconds);
