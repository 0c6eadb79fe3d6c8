using System.Globalization;

namespace Shiming.BaiduEmulator;

/// <summary>
/// Card pictures with their fields drawn as text and no ground truth inside, for the emulator's recognition and its
/// measurement. The layout is <see cref="CardLayout"/>'s, the same as <see cref="SyntheticCardImages"/>, with the
/// labels and values written out where those draw bars: nothing of a real card's design beyond the field labels.
/// </summary>
public static class CardRenders
{
    // Extra pen advance after each character of the number, which real cards also print spaced out.
    private const int NumberTracking = 2;

    // Pixels per em at 10 px/mm: labels in small type, values larger, as cards print them.
    private const int LabelSize = 26;
    private const int ValueSize = 32;

    /// <summary>A PNG of the person's portrait side, degraded as asked (clean when null).</summary>
    public static byte[] RenderFront(SyntheticPerson person, CardDegradation? degradation = null)
    {
        ArgumentNullException.ThrowIfNull(person);
        return Encode(DrawFront(person), degradation);
    }

    /// <summary>A PNG of a card's emblem side, degraded as asked (clean when null).</summary>
    public static byte[] RenderBack(SyntheticCardBack back, CardDegradation? degradation = null)
    {
        ArgumentNullException.ThrowIfNull(back);
        return Encode(DrawBack(back), degradation);
    }

    /// <summary>Whether every character of <paramref name="text"/> can be drawn (the renders carry glyphs for their own text only).</summary>
    public static bool CanDraw(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return text.All(character => character == ' ' || GlyphAtlas.Instance.Find(character) is not null);
    }

    // A noisy picture hardly compresses, and the smallest-size setting spends seconds finding that out.
    private static byte[] Encode(Canvas card, CardDegradation? degradation) =>
        degradation is null ? PngEncoder.Encode(card, []) : PngEncoder.Encode(degradation.Apply(card), [], System.IO.Compression.CompressionLevel.Fastest);

    private static Canvas DrawFront(SyntheticPerson person)
    {
        var canvas = SyntheticCardImages.DrawFace(IdCardFields.Front, labelsAsBars: false);

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

        var lines = CardLayout.AddressLines(person.Address).ToList();
        var remaining = person.Address;
        foreach (var line in lines)
        {
            var count = Math.Min(remaining.Length, CardLayout.AddressCharactersPerLine);
            DrawText(canvas, remaining[..count], line, SyntheticCardImages.Text, ValueSize);
            remaining = remaining[count..];
        }

        var number = CardLayout.FieldBox(IdCardFields.IdNumber, person.IdNumber)!.Value;
        DrawText(canvas, person.IdNumber, number with { Top = number.Top + 2, Height = number.Height - 4 }, SyntheticCardImages.Text, ValueSize, NumberTracking);
        canvas.ClipCorners(CardLayout.CornerRadius, SyntheticCardImages.Outside);
        return canvas;
    }

    private static Canvas DrawBack(SyntheticCardBack back)
    {
        var canvas = SyntheticCardImages.DrawFace(IdCardFields.Back, labelsAsBars: false);
        DrawText(canvas, "签发机关", CardLayout.BackLabels[0], SyntheticCardImages.Label, LabelSize);
        DrawText(canvas, "有效期限", CardLayout.BackLabels[1], SyntheticCardImages.Label, LabelSize);
        DrawValue(canvas, IdCardFields.IssuingAuthority, back.IssuingAuthority);

        var issued = back.ValidFrom.ToString("yyyy.MM.dd", CultureInfo.InvariantCulture);
        var expiry = back.ValidUntil.Length == 8 && back.ValidUntil.All(char.IsAsciiDigit)
            ? $"{back.ValidUntil[..4]}.{back.ValidUntil[4..6]}.{back.ValidUntil[6..]}"
            : back.ValidUntil;
        DrawText(canvas, $"{issued}-{expiry}", CardLayout.FieldBox(IdCardFields.IssueDate, issued)!.Value, SyntheticCardImages.Text, ValueSize);
        canvas.ClipCorners(CardLayout.CornerRadius, SyntheticCardImages.Outside);
        return canvas;
    }

    private static void DrawValue(Canvas canvas, string field, string text) =>
        DrawText(canvas, text, CardLayout.FieldBox(field, text)!.Value, SyntheticCardImages.Text, ValueSize);

    /// <summary>Writes one line of text from the box's left edge, centred on the box's height.</summary>
    private static void DrawText(Canvas canvas, string text, CardBox box, Rgb color, int size, int tracking = 0)
    {
        var atlas = GlyphAtlas.Instance;
        var scale = (double)size / GlyphAtlas.EmSize;
        var cellWidth = (int)Math.Ceiling(GlyphAtlas.CellWidth * scale);
        var cellHeight = (int)Math.Ceiling(GlyphAtlas.CellHeight * scale);
        var top = box.Top + ((box.Height - cellHeight) / 2);
        var pen = (double)box.Left;
        foreach (var character in text)
        {
            if (character == ' ')
            {
                pen += size / 3.0;
                continue;
            }

            var glyph = atlas.Find(character)
                ?? throw new ArgumentException("The text has a character the glyph atlas lacks; add it to Glyphs/characters.txt and rerun Glyphs/make-glyphs.sh.", nameof(text));

            // Glyphs sit centred in their cells, so the cell starts half the spare width before the pen.
            var cellLeft = (int)Math.Round(pen - (((GlyphAtlas.CellWidth - glyph.Advance) * scale) / 2));
            for (var y = 0; y < cellHeight; y++)
            {
                for (var x = 0; x < cellWidth; x++)
                {
                    canvas.Blend(cellLeft + x, top + y, color, Coverage(atlas, glyph, x, y, scale));
                }
            }

            pen += (glyph.Advance * scale) + tracking;
        }
    }

    /// <summary>The mean coverage of the atlas area that one pixel of the scaled glyph covers.</summary>
    private static byte Coverage(GlyphAtlas atlas, Glyph glyph, int x, int y, double scale)
    {
        var left = x / scale;
        var right = (x + 1) / scale;
        var top = y / scale;
        var bottom = (y + 1) / scale;
        double sum = 0;
        for (var sy = (int)top; sy < Math.Ceiling(bottom); sy++)
        {
            var coverY = Math.Min(sy + 1, bottom) - Math.Max(sy, top);
            for (var sx = (int)left; sx < Math.Ceiling(right); sx++)
            {
                sum += atlas.Coverage(glyph, sx, sy) * coverY * (Math.Min(sx + 1, right) - Math.Max(sx, left));
            }
        }

        return (byte)Math.Clamp(Math.Round(sum * scale * scale), 0, 255);
    }
}
