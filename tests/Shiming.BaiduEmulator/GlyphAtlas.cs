using System.Globalization;

namespace Shiming.BaiduEmulator;

/// <summary>Where a character's cell sits in the atlas, and how far the pen moves after drawing it.</summary>
internal sealed record Glyph(char Character, int Advance, int Column, int Row);

/// <summary>
/// The characters the card renders draw, pre-rendered at 32 px per em from WenQuanYi Micro Hei by
/// <c>Glyphs/make-glyphs.sh</c>: the size of a card's values, which are drawn pixel for pixel with the font's
/// hinting intact (a downscaled glyph loses thin strokes, and OCR then misreads 杰 as 术); labels are scaled down. A committed atlas keeps the renders free of any font or image package at test
/// time, and the same on every machine, so a recognition result measured once is the one every run sees.
/// </summary>
internal sealed class GlyphAtlas
{
    public const int CellWidth = 38;
    public const int CellHeight = 44;
    public const int Columns = 16;

    /// <summary>Pixels per em the glyphs were drawn at: the size of a card's values, so those are drawn pixel for pixel.</summary>
    public const int EmSize = 32;

    private static readonly Lazy<GlyphAtlas> Shared = new(Load);

    private readonly byte[] _samples;
    private readonly int _width;
    private readonly Dictionary<char, Glyph> _glyphs;

    private GlyphAtlas(byte[] samples, int width, Dictionary<char, Glyph> glyphs)
    {
        _samples = samples;
        _width = width;
        _glyphs = glyphs;
    }

    public static GlyphAtlas Instance => Shared.Value;

    public IReadOnlyCollection<char> Characters => _glyphs.Keys;

    public Glyph? Find(char character) => _glyphs.GetValueOrDefault(character);

    /// <summary>Ink coverage (0 none … 255 full) at (x, y) inside the glyph's cell; zero outside it.</summary>
    public byte Coverage(Glyph glyph, int x, int y) =>
        x is < 0 or >= CellWidth || y is < 0 or >= CellHeight
            ? (byte)0
            : _samples[(((glyph.Row * CellHeight) + y) * _width) + (glyph.Column * CellWidth) + x];

    private static GlyphAtlas Load()
    {
        var assembly = typeof(GlyphAtlas).Assembly;
        using var image = assembly.GetManifestResourceStream("Shiming.BaiduEmulator.Glyphs.glyphs.png")
            ?? throw new InvalidOperationException("The glyph atlas is not embedded.");
        using var buffer = new MemoryStream();
        image.CopyTo(buffer);
        var (width, height, samples) = PngDecoder.DecodeGray(buffer.ToArray());

        using var index = assembly.GetManifestResourceStream("Shiming.BaiduEmulator.Glyphs.glyphs.tsv")
            ?? throw new InvalidOperationException("The glyph index is not embedded.");
        using var reader = new StreamReader(index);
        var glyphs = new Dictionary<char, Glyph>();
        while (reader.ReadLine() is { } line)
        {
            if (line.Length == 0 || line[0] == '#')
            {
                continue;
            }

            var parts = line.Split('\t');
            var position = glyphs.Count;
            glyphs[parts[0][0]] = new Glyph(parts[0][0], int.Parse(parts[1], CultureInfo.InvariantCulture), position % Columns, position / Columns);
        }

        if (width != Columns * CellWidth || height < ((glyphs.Count + Columns - 1) / Columns) * CellHeight)
        {
            throw new InvalidOperationException("The glyph atlas does not match its index; rerun Glyphs/make-glyphs.sh.");
        }

        return new GlyphAtlas(samples, width, glyphs);
    }
}
