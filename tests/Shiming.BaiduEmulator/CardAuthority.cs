using System.Globalization;

namespace Shiming.BaiduEmulator;

/// <summary>What the authority is to say about a synthetic card's holder when the emulator's identity checks ask.</summary>
public enum AuthorityOutcome
{
    /// <summary>Registered as printed: the checks confirm the person.</summary>
    Matched,

    /// <summary>The authority holds another name for the number, as for an altered card: <c>idmatch</c> 222351, <c>idmatch_date</c> <c>verify_status</c> 1.</summary>
    Mismatched,

    /// <summary>Registered, but reported lost: <c>idmatch</c> confirms the name, <c>idmatch_date</c> answers <c>verify_status</c> 1.</summary>
    Lost,

    /// <summary>The authority cannot answer for the person: both checks answer a transient error (222361 by default).</summary>
    Unavailable,
}

/// <summary>
/// The part of a synthetic front's ground truth (<c>"authority":{"outcome":"mismatched","validFrom":"20150304","validUntil":"20350304"}</c>)
/// that the emulator registers in its authority records when its ID-card API reads the card. The records travel in the
/// image, like the fields, because the card may be made anywhere (by <c>generate-card</c> in another process, or by a
/// test in-process) and the emulator only ever meets it when the card is read, which is also when a real service
/// would go on to check it. A front without one registers its holder as <see cref="AuthorityOutcome.Matched"/>, with no dates.
/// </summary>
/// <param name="Outcome">What the identity checks are to answer.</param>
/// <param name="ValidFrom">The card's issue date, yyyyMMdd, for <c>idmatch_date</c>; null when unknown.</param>
/// <param name="ValidUntil">The card's expiry, yyyyMMdd or <c>长期</c>; null when unknown.</param>
public sealed record CardAuthority(AuthorityOutcome Outcome, string? ValidFrom = null, string? ValidUntil = null)
{
    /// <summary>The outcome with the validity dates of the card's back.</summary>
    public static CardAuthority For(AuthorityOutcome outcome, SyntheticCardBack? back) =>
        new(outcome, back?.ValidFrom.ToString("yyyyMMdd", CultureInfo.InvariantCulture), back?.ValidUntil);

    /// <summary>The outcome's name in ground truth and on the command line: <c>matched</c>, <c>mismatched</c>, <c>lost</c>, <c>unavailable</c>.</summary>
    public static string NameOf(AuthorityOutcome outcome) => outcome switch
    {
        AuthorityOutcome.Matched => "matched",
        AuthorityOutcome.Mismatched => "mismatched",
        AuthorityOutcome.Lost => "lost",
        AuthorityOutcome.Unavailable => "unavailable",
        _ => throw new ArgumentOutOfRangeException(nameof(outcome), outcome, "Not an authority outcome."),
    };

    /// <summary>The outcome a name stands for, if any.</summary>
    public static bool TryParse(string? name, out AuthorityOutcome outcome)
    {
        foreach (var candidate in Enum.GetValues<AuthorityOutcome>())
        {
            if (NameOf(candidate) == name)
            {
                outcome = candidate;
                return true;
            }
        }

        outcome = default;
        return false;
    }

    /// <summary>The name the authority holds for a mismatched card: the printed one with another surname.</summary>
    public static string AnotherName(string printed)
    {
        ArgumentNullException.ThrowIfNull(printed);
        return (printed.StartsWith('王') ? "李" : "王") + (printed.Length > 1 ? printed[1..] : "某");
    }
}
