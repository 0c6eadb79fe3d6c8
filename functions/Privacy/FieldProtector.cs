using System.Security.Cryptography;
using System.Text;

namespace Shiming.Privacy;

/// <summary>
/// Authenticated encryption (AES-256-GCM) of single personal fields before they are stored. A protected
/// value names the key it was made with, so keys rotate without re-encrypting: new values use the current
/// key, old ones stay readable while their key is configured. The purpose (table, column, row) is bound as
/// associated data, so a value copied to another row or column does not decrypt.
/// </summary>
public sealed class FieldProtector
{
    private const string Prefix = "enc1";
    private const int NonceSize = 12;
    private const int TagSize = 16;

    private readonly string _currentKeyId;
    private readonly IReadOnlyDictionary<string, byte[]> _keys;
    private readonly byte[] _blindIndexKey;

    public FieldProtector(string currentKeyId, IReadOnlyDictionary<string, byte[]> keys, byte[] blindIndexKey)
    {
        if (!keys.ContainsKey(currentKeyId))
        {
            throw new ArgumentException($"The current key '{currentKeyId}' is not among the configured keys.", nameof(currentKeyId));
        }

        if (keys.Any(k => k.Value.Length != 32 || k.Key.Contains(':', StringComparison.Ordinal)) || blindIndexKey.Length < 32)
        {
            throw new ArgumentException("Every key must be 32 bytes, and key ids must not contain ':'.", nameof(keys));
        }

        _currentKeyId = currentKeyId;
        _keys = keys;
        _blindIndexKey = blindIndexKey;
    }

    public string CurrentKeyId => _currentKeyId;

    public string Protect(string plaintext, string purpose)
    {
        var plain = Encoding.UTF8.GetBytes(plaintext);
        var sealedValue = new byte[NonceSize + TagSize + plain.Length];
        var nonce = sealedValue.AsSpan(0, NonceSize);
        RandomNumberGenerator.Fill(nonce);
        using var aes = new AesGcm(_keys[_currentKeyId], TagSize);
        aes.Encrypt(nonce, plain, sealedValue.AsSpan(NonceSize + TagSize), sealedValue.AsSpan(NonceSize, TagSize), Encoding.UTF8.GetBytes(purpose));
        CryptographicOperations.ZeroMemory(plain);
        return $"{Prefix}:{_currentKeyId}:{Convert.ToBase64String(sealedValue)}";
    }

    /// <summary>Decrypts a value made by <see cref="Protect"/>; throws when it was altered, moved or its key is gone.</summary>
    public string Unprotect(string protectedValue, string purpose)
    {
        var parts = protectedValue.Split(':', 3);
        if (parts is not [Prefix, var keyId, var payload])
        {
            throw new CryptographicException("The stored value is not an encrypted field.");
        }

        if (!_keys.TryGetValue(keyId, out var key))
        {
            throw new CryptographicException($"The stored value was encrypted with key '{keyId}', which is no longer configured (Encryption__Keys__{keyId}).");
        }

        var sealedValue = Convert.FromBase64String(payload);
        if (sealedValue.Length < NonceSize + TagSize)
        {
            throw new CryptographicException("The stored value is truncated.");
        }

        var plain = new byte[sealedValue.Length - NonceSize - TagSize];
        using var aes = new AesGcm(key, TagSize);
        aes.Decrypt(sealedValue.AsSpan(0, NonceSize), sealedValue.AsSpan(NonceSize + TagSize), sealedValue.AsSpan(NonceSize, TagSize), plain, Encoding.UTF8.GetBytes(purpose));
        return Encoding.UTF8.GetString(plain);
    }

    /// <summary>
    /// A keyed hash (HMAC-SHA256) of a value, for finding equal values without storing them: the same
    /// person's ID number always gives the same index, and the index alone reveals nothing.
    /// </summary>
    public string BlindIndex(string value, string purpose) =>
        Convert.ToHexStringLower(HMACSHA256.HashData(_blindIndexKey, Encoding.UTF8.GetBytes($"{purpose}\n{value}")));
}
