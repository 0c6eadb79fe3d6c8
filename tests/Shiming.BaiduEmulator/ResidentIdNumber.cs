using System.Globalization;

namespace Shiming.BaiduEmulator;

/// <summary>
/// GB 11643-1999 resident ID numbers: 6-digit address code, birth date yyyyMMdd, 3-digit sequence (odd for men),
/// and an ISO 7064 MOD 11-2 check character.
/// The emulator is the oracle that the service is tested against, so it carries its own implementation and
/// shares none with the service: a mistake copied into both would make the tests agree with the bug.
/// </summary>
internal static class ResidentIdNumber
{
    public const int Length = 18;

    private static readonly int[] Weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
    private const string CheckCharacters = "10X98765432";

    public static char CheckCharacter(ReadOnlySpan<char> first17)
    {
        if (first17.Length != Length - 1)
        {
            throw new ArgumentException("The check character is computed over exactly 17 digits.", nameof(first17));
        }

        var sum = 0;
        for (var i = 0; i < first17.Length; i++)
        {
            var digit = first17[i] - '0';
            if (digit is < 0 or > 9)
            {
                throw new ArgumentException("The first 17 characters must be digits.", nameof(first17));
            }

            sum += digit * Weights[i];
        }

        return CheckCharacters[sum % 11];
    }

    /// <summary>Checksum and birth date both valid. Baidu prints an upper-case X, but a lower-case one is the same number.</summary>
    public static bool IsValid(string? number)
    {
        if (number is null || number.Length != Length)
        {
            return false;
        }

        for (var i = 0; i < Length - 1; i++)
        {
            if (!char.IsAsciiDigit(number[i]))
            {
                return false;
            }
        }

        return char.ToUpperInvariant(number[Length - 1]) == CheckCharacter(number.AsSpan(0, Length - 1))
            && TryGetBirthDate(number, out _);
    }

    public static bool TryGetBirthDate(string number, out DateOnly birthDate) =>
        DateOnly.TryParseExact(number.AsSpan(6, 8), "yyyyMMdd", CultureInfo.InvariantCulture, DateTimeStyles.None, out birthDate);

    /// <summary>The 17th character, last of the sequence code, is odd for a man.</summary>
    public static bool IsMale(string number) => (number[16] - '0') % 2 == 1;
}
