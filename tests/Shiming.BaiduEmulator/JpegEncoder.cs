using System.Buffers.Binary;
using System.Text;

namespace Shiming.BaiduEmulator;

/// <summary>
/// Writes baseline greyscale JPEGs that keep only each 8×8 block's average (its DC coefficient; every AC coefficient
/// is zero). The picture is blocky, which a synthetic card can afford, and the encoder stays a page long instead of
/// needing a DCT and full Huffman tables.
/// </summary>
internal static class JpegEncoder
{
    // The standard luminance DC table (ITU T.81 K.3): code counts per length 1..16, then the symbols (categories).
    private static readonly byte[] DcCounts = [0, 1, 5, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0];
    private static readonly byte[] DcSymbols = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11];

    // The only AC symbol ever written is end-of-block (0x00), so its table has that one code, "0".
    private static readonly byte[] AcCounts = [1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0];
    private static readonly byte[] AcSymbols = [0];

    // With a DC quantiser of 8 the quantised DC of a block is its mean sample minus 128: FDCT F(0,0) is 8 × mean.
    private const byte Quantiser = 8;

    public static byte[] Encode(Canvas canvas, string? comment)
    {
        using var output = new MemoryStream();
        WriteMarker(output, 0xD8);

        // JFIF APP0: version 1.1, no density units, 1:1 aspect, no thumbnail.
        WriteSegment(output, 0xE0, [(byte)'J', (byte)'F', (byte)'I', (byte)'F', 0, 1, 1, 0, 0, 1, 0, 1, 0, 0]);

        if (comment is not null)
        {
            WriteSegment(output, 0xFE, Encoding.ASCII.GetBytes(comment));
        }

        var quantisation = new byte[65];
        Array.Fill(quantisation, Quantiser, 1, 64);
        WriteSegment(output, 0xDB, quantisation);

        var frame = new byte[9];
        frame[0] = 8;
        BinaryPrimitives.WriteUInt16BigEndian(frame.AsSpan(1), (ushort)canvas.Height);
        BinaryPrimitives.WriteUInt16BigEndian(frame.AsSpan(3), (ushort)canvas.Width);
        frame[5] = 1; // one component
        frame[6] = 1; // component id
        frame[7] = 0x11; // no subsampling
        frame[8] = 0; // quantisation table 0
        WriteSegment(output, 0xC0, frame);

        WriteSegment(output, 0xC4, [0x00, .. DcCounts, .. DcSymbols]);
        WriteSegment(output, 0xC4, [0x10, .. AcCounts, .. AcSymbols]);

        // One component, DC table 0 / AC table 0, full spectral range, no successive approximation.
        WriteSegment(output, 0xDA, [1, 1, 0x00, 0, 63, 0]);
        WriteScan(output, canvas);
        WriteMarker(output, 0xD9);
        return output.ToArray();
    }

    private static void WriteScan(Stream output, Canvas canvas)
    {
        var dcCodes = CanonicalCodes(DcCounts, DcSymbols);
        var writer = new BitWriter(output);
        var previous = 0;
        for (var blockY = 0; blockY < (canvas.Height + 7) / 8; blockY++)
        {
            for (var blockX = 0; blockX < (canvas.Width + 7) / 8; blockX++)
            {
                var value = BlockMean(canvas, blockX * 8, blockY * 8) - 128;
                var difference = value - previous;
                previous = value;
                var category = difference == 0 ? 0 : 32 - int.LeadingZeroCount(Math.Abs(difference));
                var (code, length) = dcCodes[category];
                writer.Write(code, length);
                if (category > 0)
                {
                    // Negative differences are sent as their one's complement in `category` bits.
                    writer.Write(difference > 0 ? difference : difference + (1 << category) - 1, category);
                }

                writer.Write(0, 1); // end of block
            }
        }

        writer.Flush();
    }

    private static int BlockMean(Canvas canvas, int left, int top)
    {
        var sum = 0;
        for (var y = top; y < top + 8; y++)
        {
            for (var x = left; x < left + 8; x++)
            {
                // Blocks that overhang the edge repeat the edge pixels, as encoders conventionally pad.
                var pixel = canvas[Math.Min(x, canvas.Width - 1), Math.Min(y, canvas.Height - 1)];
                sum += ((299 * pixel.R) + (587 * pixel.G) + (114 * pixel.B)) / 1000;
            }
        }

        return (sum + 32) / 64;
    }

    private static (int Code, int Length)[] CanonicalCodes(byte[] counts, byte[] symbols)
    {
        var codes = new (int Code, int Length)[symbols.Max() + 1];
        var code = 0;
        var index = 0;
        for (var length = 1; length <= 16; length++)
        {
            for (var i = 0; i < counts[length - 1]; i++)
            {
                codes[symbols[index++]] = (code++, length);
            }

            code <<= 1;
        }

        return codes;
    }

    private static void WriteMarker(Stream output, byte marker)
    {
        output.WriteByte(0xFF);
        output.WriteByte(marker);
    }

    private static void WriteSegment(Stream output, byte marker, ReadOnlySpan<byte> data)
    {
        WriteMarker(output, marker);
        Span<byte> length = stackalloc byte[2];
        BinaryPrimitives.WriteUInt16BigEndian(length, checked((ushort)(data.Length + 2)));
        output.Write(length);
        output.Write(data);
    }

    private sealed class BitWriter(Stream output)
    {
        private int _buffer;
        private int _count;

        public void Write(int bits, int length)
        {
            for (var i = length - 1; i >= 0; i--)
            {
                _buffer = (_buffer << 1) | ((bits >> i) & 1);
                if (++_count == 8)
                {
                    Emit();
                }
            }
        }

        public void Flush()
        {
            // Pad the last byte with one bits, as T.81 F.1.2.3 asks.
            while (_count != 0)
            {
                Write(1, 1);
            }
        }

        private void Emit()
        {
            output.WriteByte((byte)_buffer);
            if (_buffer == 0xFF)
            {
                output.WriteByte(0); // byte stuffing
            }

            _buffer = 0;
            _count = 0;
        }
    }
}
