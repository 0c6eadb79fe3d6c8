using System.Buffers.Binary;
using System.IO.Hashing;
using System.Text;
using SkiaSharp;

namespace Shiming.BaiduEmulator;

/// <summary>Decoding and encoding pictures with SkiaSharp, and the metadata the synthetic cards carry their ground truth in.</summary>
internal static class Pictures
{
    /// <summary>A picture's pixels as opaque RGBA, or null when SkiaSharp cannot decode all of the bytes.</summary>
    public static SKBitmap? Decode(ReadOnlySpan<byte> bytes)
    {
        using var data = SKData.CreateCopy(bytes);
        using var codec = SKCodec.Create(data);
        if (codec is null)
        {
            return null;
        }

        // A truncated or corrupt picture is refused, not read from its first rows: Baidu answers it as a format error.
        var info = new SKImageInfo(codec.Info.Width, codec.Info.Height, SKColorType.Rgba8888, SKAlphaType.Premul);
        using var decoded = new SKBitmap(info);
        if (codec.GetPixels(info, decoded.GetPixels()) != SKCodecResult.Success)
        {
            return null;
        }

        var rgba = NewBitmap(decoded.Width, decoded.Height);
        using var canvas = new SKCanvas(rgba);

        // Transparent parts of a PNG read as on white paper, as a viewer shows them.
        canvas.Clear(SKColors.White);
        using var image = SKImage.FromBitmap(decoded);
        canvas.DrawImage(image, 0, 0, SKSamplingOptions.Default);
        return rgba;
    }

    /// <summary>An opaque RGBA bitmap, the one pixel layout the emulator works in.</summary>
    public static SKBitmap NewBitmap(int width, int height) =>
        new(new SKImageInfo(width, height, SKColorType.Rgba8888, SKAlphaType.Premul));

    /// <summary>A PNG of the bitmap, with a <c>tEXt</c> chunk after the header when <paramref name="text"/> is given.</summary>
    public static byte[] EncodePng(SKBitmap bitmap, (string Keyword, string Text)? text = null)
    {
        ArgumentNullException.ThrowIfNull(bitmap);
        using var data = bitmap.Encode(SKEncodedImageFormat.Png, 100);
        var png = data.ToArray();
        if (text is not { } chunk)
        {
            return png;
        }

        // The signature (8 bytes) and IHDR (4 length, 4 type, 13 data, 4 CRC) come first; the text goes right after.
        const int afterHeader = 8 + 4 + 4 + 13 + 4;
        var body = Encoding.UTF8.GetBytes($"{chunk.Keyword}\0{chunk.Text}");
        var typed = new byte[4 + body.Length];
        "tEXt"u8.CopyTo(typed);
        body.CopyTo(typed, 4);
        var inserted = new byte[4 + typed.Length + 4];
        BinaryPrimitives.WriteUInt32BigEndian(inserted, (uint)body.Length);
        typed.CopyTo(inserted, 4);
        BinaryPrimitives.WriteUInt32BigEndian(inserted.AsSpan(4 + typed.Length), Crc32.HashToUInt32(typed));
        return [.. png.AsSpan(0, afterHeader), .. inserted, .. png.AsSpan(afterHeader)];
    }

    /// <summary>A baseline JPEG of the bitmap at <paramref name="quality"/> (1–100), with a COM segment after SOI when a comment is given.</summary>
    public static byte[] EncodeJpeg(SKBitmap bitmap, int quality, string? comment = null)
    {
        ArgumentNullException.ThrowIfNull(bitmap);
        using var data = bitmap.Encode(SKEncodedImageFormat.Jpeg, quality);
        var jpeg = data.ToArray();
        if (comment is null)
        {
            return jpeg;
        }

        var text = Encoding.UTF8.GetBytes(comment);
        if (text.Length > ushort.MaxValue - 2)
        {
            throw new ArgumentException("A JPEG comment holds at most 65,533 bytes.", nameof(comment));
        }

        var segment = new byte[4 + text.Length];
        segment[0] = 0xFF;
        segment[1] = 0xFE;
        BinaryPrimitives.WriteUInt16BigEndian(segment.AsSpan(2), (ushort)(text.Length + 2));
        text.CopyTo(segment, 4);
        return [.. jpeg.AsSpan(0, 2), .. segment, .. jpeg.AsSpan(2)];
    }
}

/// <summary>
/// The CJK font the card renders are drawn in: WenQuanYi Micro Hei or Noto Sans CJK from their Debian packages, or
/// whatever font the system offers for Chinese.
/// </summary>
internal static class CardFont
{
    /// <summary>The Debian package that provides the font the renders were measured with.</summary>
    public const string InstallCommand = "sudo apt-get install fonts-wqy-microhei";

    private static readonly string[] Files =
    [
        "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
        "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
        "/usr/share/fonts/opentype/noto/NotoSansCJKsc-Regular.otf",
    ];

    private static readonly Lazy<SKTypeface> Instance = new(Load);

    public static SKTypeface Typeface => Instance.Value;

    private static SKTypeface Load()
    {
        foreach (var file in Files.Where(File.Exists))
        {
            if (SKTypeface.FromFile(file) is { } typeface)
            {
                return typeface;
            }
        }

        return SKFontManager.Default.MatchCharacter('姓')
            ?? throw new InvalidOperationException($"No font with Chinese characters was found for the card renders; install one with: {InstallCommand}");
    }
}
