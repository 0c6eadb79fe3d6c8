using System.Buffers.Binary;
using System.IO.Compression;
using System.Text;

namespace Shiming.BaiduEmulator;

/// <summary>Writes 8-bit truecolour PNGs: IHDR, optional tEXt chunks, one IDAT, IEND.</summary>
internal static class PngEncoder
{
    private static readonly byte[] Signature = [0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A];

    public static byte[] Encode(Canvas canvas, IEnumerable<KeyValuePair<string, string>> texts, CompressionLevel level = CompressionLevel.SmallestSize)
    {
        using var output = new MemoryStream();
        output.Write(Signature);

        Span<byte> header = stackalloc byte[13];
        BinaryPrimitives.WriteUInt32BigEndian(header, (uint)canvas.Width);
        BinaryPrimitives.WriteUInt32BigEndian(header[4..], (uint)canvas.Height);
        header[8] = 8; // bit depth
        header[9] = 2; // truecolour
        header[10] = 0; // deflate
        header[11] = 0; // adaptive filtering, every row filter type 0
        header[12] = 0; // not interlaced
        WriteChunk(output, "IHDR", header);

        foreach (var (keyword, text) in texts)
        {
            WriteChunk(output, "tEXt", TextChunk(keyword, text));
        }

        WriteChunk(output, "IDAT", Compress(canvas, level));
        WriteChunk(output, "IEND", []);
        return output.ToArray();
    }

    private static byte[] TextChunk(string keyword, string text)
    {
        // tEXt is Latin-1; callers give ASCII, so there is nothing to transcode.
        var data = new byte[keyword.Length + 1 + text.Length];
        Encoding.Latin1.GetBytes(keyword, data);
        Encoding.Latin1.GetBytes(text, data.AsSpan(keyword.Length + 1));
        return data;
    }

    private static byte[] Compress(Canvas canvas, CompressionLevel level)
    {
        using var compressed = new MemoryStream();
        using (var zlib = new ZLibStream(compressed, level, leaveOpen: true))
        {
            var rowBytes = canvas.Width * 3;
            for (var y = 0; y < canvas.Height; y++)
            {
                zlib.WriteByte(0);
                zlib.Write(canvas.Pixels, y * rowBytes, rowBytes);
            }
        }

        return compressed.ToArray();
    }

    private static void WriteChunk(Stream output, string type, ReadOnlySpan<byte> data)
    {
        Span<byte> word = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(word, (uint)data.Length);
        output.Write(word);
        Span<byte> typeBytes = stackalloc byte[4];
        Encoding.ASCII.GetBytes(type, typeBytes);
        output.Write(typeBytes);
        output.Write(data);
        BinaryPrimitives.WriteUInt32BigEndian(word, Crc32.Compute(typeBytes, data));
        output.Write(word);
    }
}
