namespace Shiming.Privacy;

/// <summary>
/// Settings <c>Encryption__*</c>: the keys that protect personal fields at rest. In Azure each is a Key
/// Vault reference. Keys are 32 random bytes, Base64-encoded.
/// </summary>
public sealed class EncryptionOptions
{
    public const string Section = "Encryption";

    /// <summary>The id of the key new values are encrypted with (<c>Encryption__CurrentKeyId</c>).</summary>
    public string? CurrentKeyId { get; set; }

    /// <summary>Every key that may still be needed to read stored values, by id (<c>Encryption__Keys__{id}</c>).</summary>
    public Dictionary<string, string> Keys { get; set; } = [];

    /// <summary>
    /// The key of the keyed hash that finds a person again without storing the ID number
    /// (<c>Encryption__BlindIndexKey</c>). It never rotates: changing it would lose every duplicate check.
    /// </summary>
    public string? BlindIndexKey { get; set; }
}
