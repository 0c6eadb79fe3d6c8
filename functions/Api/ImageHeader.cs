using System.Buffers.Binary;

namespace Shiming.Api;

/// <summary>What an upload's first bytes say it is: its type by magic number, and its size in pixels.</summary>
public sealed record ImageHeader(string MediaType, int Width, int Height)
{
    public const string Jpeg = "image/jpeg";
    public const string Png = "image/png";
    public const string Bmp = "image/bmp";

    /// <summary>Baidu's bounds for an ID-card image (the conservative ones: 15 to 4096 pixels a side).</summary>
    public const int MinSide = 15;
    public const int MaxSide = 4096;

    public static IReadOnlyList<string> MediaTypes { get; } = [Jpeg, Png, Bmp];

    public bool FitsBaidu => Width is >= MinSide and <= MaxSide && Height is >= MinSide and <= MaxSide;

    /// <summary>The type by magic number alone, whatever the declared Content-Type; null when it is none of the three.</summary>
    public static string? DetectType(ReadOnlySpan<byte> bytes) => bytes switch
    {
        [0xFF, 0xD8, 0xFF, ..] => Jpeg,
        [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, ..] => Png,
        [(byte)'B', (byte)'M', ..] => Bmp,
        _ => null,
    };

    public static bool IsImageMediaType(string? contentType) =>
        contentType is not null && MediaTypes.Any(t => contentType.StartsWith(t, StringComparison.OrdinalIgnoreCase));

    /// <summary>Reads the dimensions from the header; null when the header is truncated or corrupt.</summary>
    public static ImageHeader? TryRead(ReadOnlySpan<byte> bytes) => DetectType(bytes) switch
    {
        Png => ReadPng(bytes),
        Jpeg => ReadJpeg(bytes),
        Bmp => ReadBmp(bytes),
        _ => null,
    };

    private static ImageHeader? ReadPng(ReadOnlySpan<byte> bytes)
    {
        // Signature (8), then the IHDR chunk: length 13, "IHDR", width, height (big-endian).
        if (bytes.Length < 33 || BinaryPrimitives.ReadUInt32BigEndian(bytes[8..]) != 13 || !bytes.Slice(12, 4).SequenceEqual("IHDR"u8))
        {
            return null;
        }

        var width = BinaryPrimitives.ReadUInt32BigEndian(bytes[16..]);
        var height = BinaryPrimitives.ReadUInt32BigEndian(bytes[20..]);
        return width is 0 or > int.MaxValue || height is 0 or > int.MaxValue ? null : new ImageHeader(Png, (int)width, (int)height);
    }

    private static ImageHeader? ReadJpeg(ReadOnlySpan<byte> bytes)
    {
        // Walk the marker segments after SOI until a start-of-frame marker, which holds the size.
        var position = 2;
        while (position + 4 <= bytes.Length)
        {
            if (bytes[position] != 0xFF)
            {
                return null;
            }

            var marker = bytes[position + 1];
            if (marker == 0xFF)
            {
                position++; // fill byte
                continue;
            }

            if (marker is 0xD8 or 0x01 or (>= 0xD0 and <= 0xD7))
            {
                position += 2; // markers without a length
                continue;
            }

            if (marker is 0xD9 or 0xDA)
            {
                return null; // end of image or start of scan before any frame header
            }

            var length = BinaryPrimitives.ReadUInt16BigEndian(bytes[(position + 2)..]);
            if (length < 2)
            {
                return null;
            }

            var isStartOfFrame = marker is >= 0xC0 and <= 0xCF and not 0xC4 and not 0xC8 and not 0xCC;
            if (isStartOfFrame)
            {
                if (length < 7 || position + 9 > bytes.Length)
                {
                    return null;
                }

                int height = BinaryPrimitives.ReadUInt16BigEndian(bytes[(position + 5)..]);
                int width = BinaryPrimitives.ReadUInt16BigEndian(bytes[(position + 7)..]);
                return width == 0 || height == 0 ? null : new ImageHeader(Jpeg, width, height);
            }

            position += 2 + length;
        }

        return null;
    }

    private static ImageHeader? ReadBmp(ReadOnlySpan<byte> bytes)
    {
        // File header (14), then the DIB header: its size says which layout follows.
        if (bytes.Length < 26)
        {
            return null;
        }

        var dibSize = BinaryPrimitives.ReadUInt32LittleEndian(bytes[14..]);
        if (dibSize == 12)
        {
            int coreWidth = BinaryPrimitives.ReadUInt16LittleEndian(bytes[18..]);
            int coreHeight = BinaryPrimitives.ReadUInt16LittleEndian(bytes[20..]);
            return coreWidth == 0 || coreHeight == 0 ? null : new ImageHeader(Bmp, coreWidth, coreHeight);
        }

        if (dibSize is < 40 or > 124 || bytes.Length < 26)
        {
            return null;
        }

        var width = BinaryPrimitives.ReadInt32LittleEndian(bytes[18..]);
        var height = BinaryPrimitives.ReadInt32LittleEndian(bytes[22..]);

        // A negative height means a top-down bitmap; the size is its absolute value.
        return width <= 0 || height is 0 or int.MinValue ? null : new ImageHeader(Bmp, width, Math.Abs(height));
    }
}
