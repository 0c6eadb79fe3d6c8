using System.Buffers.Binary;
using System.Text;
using SkiaSharp;

namespace Shiming.BaiduEmulator.Tests;

internal sealed record PngChunk(string Type, byte[] Data, uint StoredCrc);

/// <summary>
/// Reads PNG chunks for the tests, with a bit-by-bit CRC-32 of its own: checking the emulator's table-driven CRC
/// against itself would prove nothing.
/// </summary>
internal static class PngFile
{
    public static readonly byte[] Signature = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A];

    public static IReadOnlyList<PngChunk> ReadChunks(byte[] png)
    {
        CollectionAssert.AreEqual(Signature, png[..8], "PNG signature");
        var chunks = new List<PngChunk>();
        var position = 8;
        while (position < png.Length)
        {
            var length = (int)BinaryPrimitives.ReadUInt32BigEndian(png.AsSpan(position));
            var type = Encoding.ASCII.GetString(png, position + 4, 4);
            var data = png.AsSpan(position + 8, length).ToArray();
            var crc = BinaryPrimitives.ReadUInt32BigEndian(png.AsSpan(position + 8 + length));
            chunks.Add(new PngChunk(type, data, crc));
            position += 12 + length;
        }

        return chunks;
    }

    public static uint Crc(string type, byte[] data)
    {
        var crc = 0xFFFFFFFFu;
        foreach (var value in Encoding.ASCII.GetBytes(type).Concat(data))
        {
            crc ^= value;
            for (var bit = 0; bit < 8; bit++)
            {
                crc = (crc & 1) != 0 ? (crc >> 1) ^ 0xEDB88320u : crc >> 1;
            }
        }

        return ~crc;
    }

    /// <summary>The tEXt chunks as keyword → text.</summary>
    public static Dictionary<string, string> Texts(byte[] png) =>
        ReadChunks(png)
            .Where(chunk => chunk.Type == "tEXt")
            .Select(chunk => Encoding.Latin1.GetString(chunk.Data).Split('\0', 2))
            .ToDictionary(parts => parts[0], parts => parts[1]);

    /// <summary>The picture's pixels, decoded by SkiaSharp (any PNG, JPEG or BMP).</summary>
    public static SKBitmap Decode(byte[] image)
    {
        var bitmap = SKBitmap.Decode(image);
        Assert.IsNotNull(bitmap, "the picture decodes");
        return bitmap;
    }

    /// <summary>A copy of the PNG with a tEXt chunk added right after IHDR.</summary>
    public static byte[] WithText(byte[] png, string keyword, string text)
    {
        var data = Encoding.Latin1.GetBytes(keyword + "\0" + text);
        var chunk = new byte[12 + data.Length];
        BinaryPrimitives.WriteUInt32BigEndian(chunk, (uint)data.Length);
        Encoding.ASCII.GetBytes("tEXt", chunk.AsSpan(4));
        data.CopyTo(chunk, 8);
        BinaryPrimitives.WriteUInt32BigEndian(chunk.AsSpan(8 + data.Length), Crc("tEXt", data));

        // Signature (8) + IHDR chunk (12 + 13).
        const int afterHeader = 33;
        return [.. png[..afterHeader], .. chunk, .. png[afterHeader..]];
    }
}
