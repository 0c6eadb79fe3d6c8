using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Serialization;

namespace Shiming.BaiduEmulator;

/// <summary>What the authority's records say of a person, as the identity checks see it (the reference's registry statuses).</summary>
[JsonConverter(typeof(JsonStringEnumConverter<AuthorityStatus>))]
public enum AuthorityStatus
{
    /// <summary>A card in good standing: the checks confirm the name (and, with <c>idmatch_date</c>, the dates).</summary>
    [JsonStringEnumMemberName("normal")]
    Normal,

    /// <summary>Reported lost (挂失): <c>idmatch</c> still confirms the name, <c>idmatch_date</c> answers <c>verify_status</c> 1.</summary>
    [JsonStringEnumMemberName("lost")]
    Lost,

    /// <summary>The data source returns nothing for the number: <c>idmatch</c> answers 222355.</summary>
    [JsonStringEnumMemberName("no_result")]
    NoResult,

    /// <summary>The authority cannot answer for the person: both checks answer a transient error (222361 by default).</summary>
    [JsonStringEnumMemberName("authority_down")]
    AuthorityDown,
}

/// <summary>One person in the emulator's authority records.</summary>
/// <param name="IdNumber">The 18-character number, the record's key.</param>
/// <param name="Name">The name the authority holds for the number.</param>
/// <param name="ValidFrom">The card's issue date, yyyyMMdd, or null when unknown (then <c>idmatch_date</c> never confirms it).</param>
/// <param name="ValidUntil">The card's expiry, yyyyMMdd or <c>长期</c>, or null when unknown.</param>
/// <param name="Status">What the authority says of the card.</param>
public sealed record RegisteredPerson(string IdNumber, string Name, string? ValidFrom = null, string? ValidUntil = null, AuthorityStatus Status = AuthorityStatus.Normal);

/// <summary>
/// The authority's records the identity checks look people up in: filled by every synthetic front the ID-card API
/// reads (its ground truth says whom to register and how, see <see cref="CardAuthority"/>), by
/// <c>POST /emulator/people</c> and by <see cref="BaiduEmulatorHost.RegisterPerson"/>. A later record for a number
/// replaces the earlier one.
/// </summary>
internal sealed class IdentityRegistry
{
    private readonly ConcurrentDictionary<string, RegisteredPerson> _people = new(StringComparer.Ordinal);

    // Keys the call log's hashes: fresh for every emulator, so a hash says "the same person" and nothing more.
    private readonly byte[] _subjectKey = RandomNumberGenerator.GetBytes(32);

    public int Count => _people.Count;

    public void Register(RegisteredPerson person) => _people[Normalize(person.IdNumber)] = person with { IdNumber = Normalize(person.IdNumber) };

    public RegisteredPerson? Find(string idNumber) => _people.TryGetValue(Normalize(idNumber), out var person) ? person : null;

    public void Clear() => _people.Clear();

    /// <summary>The call log's stand-in for a number: 16 hex digits of an HMAC keyed for this emulator.</summary>
    public string SubjectOf(string idNumber) =>
        Convert.ToHexStringLower(HMACSHA256.HashData(_subjectKey, Encoding.UTF8.GetBytes(Normalize(idNumber))).AsSpan(0, 8));

    /// <summary>Registers the person on a synthetic front as its ground truth says; a card without a valid name and number registers nobody.</summary>
    public void RegisterFromCard(CardGroundTruth truth)
    {
        if (truth.Side != IdCardFields.Front
            || !truth.Fields.TryGetValue(IdCardFields.IdNumber, out var number)
            || !ResidentIdNumber.IsValid(number)
            || !truth.Fields.TryGetValue(IdCardFields.Name, out var name)
            || name.Length == 0)
        {
            return;
        }

        var authority = truth.Authority ?? new CardAuthority(AuthorityOutcome.Matched);
        Register(new RegisteredPerson(
            number,
            authority.Outcome == AuthorityOutcome.Mismatched ? CardAuthority.AnotherName(name) : name,
            authority.ValidFrom,
            authority.ValidUntil,
            authority.Outcome switch
            {
                AuthorityOutcome.Lost => AuthorityStatus.Lost,
                AuthorityOutcome.Unavailable => AuthorityStatus.AuthorityDown,
                _ => AuthorityStatus.Normal,
            }));
    }

    private static string Normalize(string idNumber) => idNumber.ToUpperInvariant();
}
