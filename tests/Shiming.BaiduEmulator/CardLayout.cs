namespace Shiming.BaiduEmulator;

internal readonly record struct CardBox(int Left, int Top, int Width, int Height)
{
    public int Right => Left + Width;

    public int Bottom => Top + Height;
}

/// <summary>
/// Where things sit on a synthetic card, 856×540 px (the card's 85.6×54 mm at 10 px/mm). The renderer draws its
/// text bars in these boxes and the emulator reports the same boxes as <c>location</c>, so the two agree.
/// </summary>
internal static class CardLayout
{
    public const int Width = 856;
    public const int Height = 540;
    public const int CornerRadius = 28;
    public const int BorderWidth = 4;

    // Printed glyph advances at this scale: a CJK character, and a digit or Latin letter.
    private const int CjkAdvance = 26;
    private const int DigitAdvance = 21;
    private const int LineHeight = 34;
    private const int LineGap = 10;
    public const int AddressCharactersPerLine = 12;

    private const int ValueLeft = 170;

    public static CardBox Photo { get; } = new(590, 64, 220, 280);

    public static (int CenterX, int CenterY, int Radius) Emblem { get; } = (150, 150, 96);

    public static IReadOnlyList<CardBox> FrontLabels { get; } =
    [
        new(60, 62, 2 * CjkAdvance, LineHeight),
        new(60, 122, 2 * CjkAdvance, LineHeight),
        new(250, 122, 2 * CjkAdvance, LineHeight),
        new(60, 182, 2 * CjkAdvance, LineHeight),
        new(60, 242, 2 * CjkAdvance, LineHeight),
        new(60, 446, 6 * CjkAdvance, LineHeight),
    ];

    public static IReadOnlyList<CardBox> BackTitles { get; } =
    [
        new(300, 90, 7 * 66, 56),
        new(366, 180, 5 * 66, 56),
    ];

    public static IReadOnlyList<CardBox> BackLabels { get; } =
    [
        new(ValueLeft, 380, 4 * CjkAdvance, LineHeight),
        new(ValueLeft, 448, 4 * CjkAdvance, LineHeight),
    ];

    /// <summary>The dash between the issue and expiry dates on the back.</summary>
    public static CardBox ValidityDash { get; } = new(506, 462, 14, 6);

    /// <summary>The box a field's printed value occupies; null for a field the layout does not print.</summary>
    public static CardBox? FieldBox(string field, string words) => field switch
    {
        IdCardFields.Name => new(ValueLeft, 62, TextWidth(words), LineHeight),
        IdCardFields.Gender => new(ValueLeft, 122, TextWidth(words), LineHeight),
        IdCardFields.Ethnicity => new(330, 122, TextWidth(words), LineHeight),
        // Printed as "1990 年 1 月 1 日", wider than its eight digits.
        IdCardFields.BirthDate => new(ValueLeft, 182, 250, LineHeight),
        IdCardFields.Address => AddressBox(words),
        IdCardFields.IdNumber => new(260, 446, TextWidth(words), LineHeight + 4),
        IdCardFields.IssuingAuthority => new(300, 380, TextWidth(words), LineHeight),
        IdCardFields.IssueDate => new(300, 448, 196, LineHeight),
        IdCardFields.ExpiryDate => new(530, 448, words == IdCardFields.LongTerm ? TextWidth(words) : 196, LineHeight),
        _ => null,
    };

    /// <summary>The address wraps, so it is drawn as one bar per line.</summary>
    public static IEnumerable<CardBox> AddressLines(string words)
    {
        var remaining = Math.Max(words.Length, 1);
        var top = 242;
        while (remaining > 0)
        {
            var count = Math.Min(remaining, AddressCharactersPerLine);
            yield return new CardBox(ValueLeft, top, count * CjkAdvance, LineHeight);
            remaining -= count;
            top += LineHeight + LineGap;
        }
    }

    private static CardBox AddressBox(string words)
    {
        var lines = AddressLines(words).ToList();
        return new CardBox(ValueLeft, lines[0].Top, lines.Max(line => line.Width), lines[^1].Bottom - lines[0].Top);
    }

    private static int TextWidth(string words)
    {
        var width = 0;
        foreach (var character in words)
        {
            width += char.IsAscii(character) ? DigitAdvance : CjkAdvance;
        }

        return Math.Max(width, CjkAdvance);
    }
}
