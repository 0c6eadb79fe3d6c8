using System.Buffers.Binary;
using System.Text;

namespace Shiming.BaiduEmulator;

internal enum ImageFormat
{
    Png,
    Jpeg,
    Bmp,
}

internal sealed record InspectedImage(ImageFormat Format, int Width, int Height, string? GroundTruthJson);

/// <summary>
/// Reads what the emulator can know about an image without decoding pixels: the format (from its magic number),
/// the dimensions (PNG IHDR, JPEG SOFn, BMP header) and the embedded ground truth, if any.
/// </summary>
internal static class ImageInspector
{
    private static readonly byte[] PngSignature = [0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A];

    /// <summary>Null when the bytes are not a PNG, JPEG or BMP whose dimensions can be read.</summary>
    public static InspectedImage? Inspect(ReadOnlySpan<byte> bytes)
    {
        if (bytes.StartsWith(PngSignature))
        {
            return InspectPng(bytes);
        }

        if (bytes.Length >= 3 && bytes[0] == 0xFF && bytes[1] == 0xD8 && bytes[2] == 0xFF)
        {
            return InspectJpeg(bytes);
        }

        if (bytes.Length >= 2 && bytes[0] == 'B' && bytes[1] == 'M')
        {
            return InspectBmp(bytes);
        }

        return null;
    }

    private static InspectedImage? InspectPng(ReadOnlySpan<byte> bytes)
    {
        var keyword = Encoding.ASCII.GetBytes(CardGroundTruth.PngKeyword);
        int? width = null;
        int? height = null;
        string? groundTruth = null;
        var position = PngSignature.Length;
        while (position + 8 <= bytes.Length)
        {
            var length = BinaryPrimitives.ReadUInt32BigEndian(bytes[position..]);
            var type = bytes.Slice(position + 4, 4);
            var dataStart = position + 8;
            if (length > (uint)(bytes.Length - dataStart))
            {
                break;
            }

            var data = bytes.Slice(dataStart, (int)length);
            if (width is null)
            {
                // IHDR must come first; anything else is not a PNG a decoder would accept.
                if (!type.SequenceEqual("IHDR"u8) || data.Length < 8)
                {
                    return null;
                }

                width = ToSide(BinaryPrimitives.ReadUInt32BigEndian(data));
                height = ToSide(BinaryPrimitives.ReadUInt32BigEndian(data[4..]));
            }
            else if (type.SequenceEqual("tEXt"u8) && groundTruth is null)
            {
                var separator = data.IndexOf((byte)0);
                if (separator >= 0 && data[..separator].SequenceEqual(keyword))
                {
                    groundTruth = Encoding.UTF8.GetString(data[(separator + 1)..]);
                }
            }
            else if (type.SequenceEqual("IEND"u8))
            {
                break;
            }

            // Length, type, data and CRC.
            position = dataStart + (int)length + 4;
        }

        return width is null ? null : new InspectedImage(ImageFormat.Png, width.Value, height!.Value, groundTruth);
    }

    private static InspectedImage? InspectJpeg(ReadOnlySpan<byte> bytes)
    {
        var prefix = Encoding.ASCII.GetBytes(CardGroundTruth.JpegCommentPrefix);
        int? width = null;
        int? height = null;
        string? groundTruth = null;
        var position = 2;
        while (position + 1 < bytes.Length)
        {
            if (bytes[position] != 0xFF)
            {
                return null;
            }

            var marker = bytes[position + 1];
            if (marker == 0xFF)
            {
                // Fill byte before a marker.
                position++;
                continue;
            }

            position += 2;
            if (marker is 0x01 or (>= 0xD0 and <= 0xD8))
            {
                continue; // markers without a length
            }

            // Entropy-coded data follows SOS; everything the emulator needs comes before it.
            if (marker is 0xD9 or 0xDA || position + 2 > bytes.Length)
            {
                break;
            }

            var length = BinaryPrimitives.ReadUInt16BigEndian(bytes[position..]);
            if (length < 2 || position + length > bytes.Length)
            {
                break;
            }

            var data = bytes.Slice(position + 2, length - 2);
            if (IsStartOfFrame(marker) && data.Length >= 5 && width is null)
            {
                height = BinaryPrimitives.ReadUInt16BigEndian(data[1..]);
                width = BinaryPrimitives.ReadUInt16BigEndian(data[3..]);
            }
            else if (marker == 0xFE && data.StartsWith(prefix) && groundTruth is null)
            {
                groundTruth = Encoding.UTF8.GetString(data[prefix.Length..]);
            }

            position += length;
        }

        return width is null ? null : new InspectedImage(ImageFormat.Jpeg, width.Value, height!.Value, groundTruth);
    }

    // SOF0..SOF15 except DHT (C4), JPG (C8) and DAC (CC), which share the range.
    private static bool IsStartOfFrame(byte marker) => marker is >= 0xC0 and <= 0xCF and not (0xC4 or 0xC8 or 0xCC);

    private static InspectedImage? InspectBmp(ReadOnlySpan<byte> bytes)
    {
        if (bytes.Length < 18)
        {
            return null;
        }

        var headerSize = BinaryPrimitives.ReadUInt32LittleEndian(bytes[14..]);
        if (headerSize == 12 && bytes.Length >= 26)
        {
            // BITMAPCOREHEADER: 16-bit sides.
            return new InspectedImage(ImageFormat.Bmp, BinaryPrimitives.ReadUInt16LittleEndian(bytes[18..]), BinaryPrimitives.ReadUInt16LittleEndian(bytes[20..]), null);
        }

        if (headerSize >= 40 && bytes.Length >= 26)
        {
            var width = BinaryPrimitives.ReadInt32LittleEndian(bytes[18..]);
            var height = BinaryPrimitives.ReadInt32LittleEndian(bytes[22..]);

            // A negative height means rows are stored top-down; the side is its magnitude.
            return new InspectedImage(ImageFormat.Bmp, ToSide(width), ToSide(height), null);
        }

        return null;
    }

    private static int ToSide(long value) => (int)Math.Clamp(Math.Abs(value), 0, int.MaxValue);
}
