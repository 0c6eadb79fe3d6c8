namespace Shiming.BaiduEmulator.Tests;

/// <summary>
/// The tests' own GB 11643-1999 check, written from the standard rather than taken from the emulator, so that the
/// emulator's generator is measured against something it did not produce.
/// </summary>
internal static class Gb11643
{
    public static char CheckCharacter(string first17)
    {
        var sum = 0;
        for (var i = 0; i < 17; i++)
        {
            // weight_i = 2^(18 - i) mod 11 for positions i = 1..17.
            var weight = (int)(Math.Pow(2, 17 - i) % 11);
            sum += (first17[i] - '0') * weight;
        }

        var value = (12 - (sum % 11)) % 11;
        return value == 10 ? 'X' : (char)('0' + value);
    }

    public static bool IsValid(string number) =>
        number.Length == 18
        && number[..17].All(char.IsAsciiDigit)
        && number[17] == CheckCharacter(number[..17])
        && DateOnly.TryParseExact(number[6..14], "yyyyMMdd", out _);
}
