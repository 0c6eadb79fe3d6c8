using System.Globalization;

namespace Shiming.IdentityChecks;

/// <summary>Rules of the 18-character resident identity number (GB 11643-1999).</summary>
public static class ChineseIdNumber
{
    private static readonly int[] Weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
    private const string CheckCharacters = "10X98765432";

    /// <summary>
    /// True when the number has 17 digits and the right ISO 7064 MOD 11-2 check character, and its
    /// birth date (positions 7–14) is a real date no later than <paramref name="today"/>.
    /// </summary>
    public static bool IsValid(string? number, DateOnly today) =>
        number is { Length: 18 }
        && HasValidCheckCharacter(number)
        && TryGetBirthDate(number, out var birthDate)
        && birthDate <= today
        && birthDate.Year >= 1900;

    public static bool HasValidCheckCharacter(string number)
    {
        if (number.Length != 18)
        {
            return false;
        }

        var sum = 0;
        for (var i = 0; i < 17; i++)
        {
            var c = number[i];
            if (c is < '0' or > '9')
            {
                return false;
            }

            sum += (c - '0') * Weights[i];
        }

        return char.ToUpperInvariant(number[17]) == CheckCharacters[sum % 11];
    }

    public static bool TryGetBirthDate(string number, out DateOnly birthDate)
    {
        birthDate = default;
        return number.Length == 18
            && DateOnly.TryParseExact(number.AsSpan(6, 8), "yyyyMMdd", CultureInfo.InvariantCulture, DateTimeStyles.None, out birthDate);
    }

    /// <summary>The sex the number encodes: an odd 17th digit is male (男), an even one female (女).</summary>
    public static string? GetGender(string number) =>
        number.Length == 18 && char.IsAsciiDigit(number[16])
            ? ((number[16] - '0') % 2 == 1 ? "男" : "女")
            : null;

    /// <summary>Keeps the first three and the last four characters: <c>110***********1234</c>.</summary>
    public static string Mask(string number)
    {
        ArgumentNullException.ThrowIfNull(number);
        if (number.Length <= 7)
        {
            return new string('*', number.Length);
        }

        return string.Concat(number.AsSpan(0, 3), new string('*', number.Length - 7), number.AsSpan(number.Length - 4));
    }
}
