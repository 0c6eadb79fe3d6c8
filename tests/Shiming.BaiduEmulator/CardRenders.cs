using System.Globalization;
using SkiaSharp;

namespace Shiming.BaiduEmulator;

/// <summary>
/// Card pictures with their fields drawn as text and no ground truth inside, for the emulator's recognition and its
/// measurement. The layout is <see cref="CardLayout"/>'s, the same as <see cref="SyntheticCardImages"/>, with the
/// labels and values written out where those draw bars: nothing of a real card's design beyond the field labels.
/// Text is drawn with SkiaSharp in a CJK font from a Debian package (<see cref="CardFont"/>).
/// </summary>
public static class CardRenders
{
    // Extra pen advance after each character of the number, which real cards also print spaced out.
    private const int NumberTracking = 2;

    // Pixels per em at 10 px/mm: labels in small type, values larger, as cards print them.
    private const int LabelSize = 26;
    private const int ValueSize = 32;

    /// <summary>A PNG of the person's portrait side; degraded as asked (a JPEG when the degradation says so), clean when null.</summary>
    public static byte[] RenderFront(SyntheticPerson person, CardDegradation? degradation = null)
    {
        ArgumentNullException.ThrowIfNull(person);
        using var card = DrawFront(person);
        return Encode(card, degradation);
    }

    /// <summary>A PNG of a card's emblem side; degraded as asked (a JPEG when the degradation says so), clean when null.</summary>
    public static byte[] RenderBack(SyntheticCardBack back, CardDegradation? degradation = null)
    {
        ArgumentNullException.ThrowIfNull(back);
        using var card = DrawBack(back);
        return Encode(card, degradation);
    }

    /// <summary>Whether the font has a glyph for every character of <paramref name="text"/>.</summary>
    public static bool CanDraw(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        using var font = new SKFont(CardFont.Typeface);
        return font.ContainsGlyphs(text.Replace(" ", string.Empty, StringComparison.Ordinal));
    }

    private static byte[] Encode(CardSurface card, CardDegradation? degradation) =>
        degradation is null ? Pictures.EncodePng(card.Bitmap) : degradation.Apply(card.Bitmap);

    private static CardSurface DrawFront(SyntheticPerson person)
    {
        var card = SyntheticCardImages.DrawFace(IdCardFields.Front, labelsAsBars: false);
        var canvas = card.Canvas;

        // The front's labels are printed exactly as Baidu names the fields.
        for (var i = 0; i < IdCardFields.FrontKeys.Count; i++)
        {
            DrawText(canvas, IdCardFields.FrontKeys[i], CardLayout.FrontLabels[i], SyntheticCardImages.Label, LabelSize);
        }

        DrawValue(canvas, IdCardFields.Name, person.Name);
        DrawValue(canvas, IdCardFields.Gender, person.Gender);
        DrawValue(canvas, IdCardFields.Ethnicity, person.Ethnicity);

        // Printed as "1990 年 1 月 1 日" in the box that the ground truth's eight digits are reported in.
        var birth = person.BirthDate;
        DrawValue(canvas, IdCardFields.BirthDate, string.Create(CultureInfo.InvariantCulture, $"{birth.Year} 年 {birth.Month} 月 {birth.Day} 日"));

        var remaining = person.Address;
        foreach (var line in CardLayout.AddressLines(person.Address))
        {
            var count = Math.Min(remaining.Length, CardLayout.AddressCharactersPerLine);
            DrawText(canvas, remaining[..count], line, SyntheticCardImages.Text, ValueSize);
            remaining = remaining[count..];
        }

        var number = CardLayout.FieldBox(IdCardFields.IdNumber, person.IdNumber)!.Value;
        DrawText(canvas, person.IdNumber, number with { Top = number.Top + 2, Height = number.Height - 4 }, SyntheticCardImages.Text, ValueSize, NumberTracking);
        return card;
    }

    private static CardSurface DrawBack(SyntheticCardBack back)
    {
        var card = SyntheticCardImages.DrawFace(IdCardFields.Back, labelsAsBars: false);
        var canvas = card.Canvas;
        DrawText(canvas, "签发机关", CardLayout.BackLabels[0], SyntheticCardImages.Label, LabelSize);
        DrawText(canvas, "有效期限", CardLayout.BackLabels[1], SyntheticCardImages.Label, LabelSize);
        DrawValue(canvas, IdCardFields.IssuingAuthority, back.IssuingAuthority);

        var issued = back.ValidFrom.ToString("yyyy.MM.dd", CultureInfo.InvariantCulture);
        var expiry = back.ValidUntil.Length == 8 && back.ValidUntil.All(char.IsAsciiDigit)
            ? $"{back.ValidUntil[..4]}.{back.ValidUntil[4..6]}.{back.ValidUntil[6..]}"
            : back.ValidUntil;
        DrawText(canvas, $"{issued}-{expiry}", CardLayout.FieldBox(IdCardFields.IssueDate, issued)!.Value, SyntheticCardImages.Text, ValueSize);
        return card;
    }

    private static void DrawValue(SKCanvas canvas, string field, string text) =>
        DrawText(canvas, text, CardLayout.FieldBox(field, text)!.Value, SyntheticCardImages.Text, ValueSize);

    /// <summary>Writes one line of text from the box's left edge, its ink centred on the box's height.</summary>
    private static void DrawText(SKCanvas canvas, string text, CardBox box, SKColor color, int size, int tracking = 0)
    {
        if (!CanDraw(text))
        {
            throw new ArgumentException("The text has a character the card font lacks.", nameof(text));
        }

        using var font = new SKFont(CardFont.Typeface, size) { Edging = SKFontEdging.Antialias, Subpixel = true };
        using var paint = new SKPaint { Color = color, IsAntialias = true };

        // Cap height for Latin and about the same for CJK ink: centring it centres the line.
        var ink = font.Metrics.CapHeight > 0 ? font.Metrics.CapHeight : size * 0.72f;
        var baseline = box.Top + ((box.Height + ink) / 2f);
        if (tracking == 0)
        {
            canvas.DrawText(text, box.Left, baseline, SKTextAlign.Left, font, paint);
            return;
        }

        float pen = box.Left;
        foreach (var character in text)
        {
            var glyph = character.ToString();
            canvas.DrawText(glyph, pen, baseline, SKTextAlign.Left, font, paint);
            pen += font.MeasureText(glyph) + tracking;
        }
    }
}
