using System.Buffers.Binary;
using System.IO.Compression;
using System.Text;
using Shiming.BaiduEmulator;

namespace Shiming.Tests.Emulator;

[TestClass]
public sealed class PngDecoderTests
{
    [TestMethod]
    public void AColourPngDecodesToItsLuminance()
    {
        var canvas = new Canvas(3, 2, new Rgb(255, 255, 255));
        canvas.Set(0, 0, new Rgb(255, 0, 0));
        canvas.Set(1, 0, new Rgb(0, 255, 0));
        canvas.Set(2, 1, new Rgb(0, 0, 0));

        var (width, height, samples) = PngDecoder.DecodeLuminance(PngEncoder.Encode(canvas, []));

        Assert.AreEqual(3, width);
        Assert.AreEqual(2, height);
        CollectionAssert.AreEqual(new byte[] { 76, 150, 255, 255, 255, 0 }, samples);
    }

    [TestMethod]
    public void TheGreyscaleReaderStillRefusesAColourPng()
    {
        var png = PngEncoder.Encode(new Canvas(2, 2, new Rgb(1, 2, 3)), []);

        Assert.ThrowsExactly<InvalidDataException>(() => PngDecoder.DecodeGray(png));
    }

    [TestMethod]
    public void ACardRenderDecodesToItsSizeWithDarkTextOnALightCard()
    {
        var (width, height, samples) = PngDecoder.DecodeLuminance(CardRenders.RenderFront(SyntheticIdentities.CreatePerson(new Random(4))));

        Assert.AreEqual(856, width);
        Assert.AreEqual(540, height);
        Assert.AreEqual(width * height, samples.Length);
        Assert.IsTrue(samples.Count(sample => sample > 200) > samples.Length / 2, "mostly light card");
        Assert.IsTrue(samples.Any(sample => sample < 80), "some dark print");
    }

    [TestMethod]
    public void EveryRowFilterIsUndoneForColourWithAlpha()
    {
        // 3×5 RGBA pixels, each row written with another filter (none, sub, up, average, Paeth), as other encoders do.
        var pixels = new byte[5][];
        for (var y = 0; y < pixels.Length; y++)
        {
            pixels[y] = [.. Enumerable.Range(0, 12).Select(i => (byte)((i * 37) + (y * 91)))];
        }

        var (width, height, samples) = PngDecoder.DecodeLuminance(FilteredRgba(pixels));

        Assert.AreEqual(3, width);
        Assert.AreEqual(5, height);
        for (var y = 0; y < 5; y++)
        {
            for (var x = 0; x < 3; x++)
            {
                var p = pixels[y].AsSpan(x * 4);
                Assert.AreEqual((byte)(((299 * p[0]) + (587 * p[1]) + (114 * p[2]) + 500) / 1000), samples[(y * 3) + x], $"pixel {x},{y}");
            }
        }
    }

    private static byte[] FilteredRgba(byte[][] rows)
    {
        const int bytesPerPixel = 4;
        using var raw = new MemoryStream();
        var previous = new byte[rows[0].Length];
        for (var y = 0; y < rows.Length; y++)
        {
            var filter = y % 5;
            raw.WriteByte((byte)filter);
            var row = rows[y];
            for (var x = 0; x < row.Length; x++)
            {
                int left = x >= bytesPerPixel ? row[x - bytesPerPixel] : 0;
                int up = previous[x];
                int upLeft = x >= bytesPerPixel ? previous[x - bytesPerPixel] : 0;
                var estimate = left + up - upLeft;
                var paeth = Math.Abs(estimate - left) <= Math.Abs(estimate - up) && Math.Abs(estimate - left) <= Math.Abs(estimate - upLeft)
                    ? left
                    : Math.Abs(estimate - up) <= Math.Abs(estimate - upLeft) ? up : upLeft;
                var predicted = filter switch
                {
                    1 => left,
                    2 => up,
                    3 => (left + up) / 2,
                    4 => paeth,
                    _ => 0,
                };
                raw.WriteByte((byte)(row[x] - predicted));
            }

            previous = row;
        }

        using var compressed = new MemoryStream();
        using (var zlib = new ZLibStream(compressed, CompressionLevel.Optimal, leaveOpen: true))
        {
            zlib.Write(raw.ToArray());
        }

        var header = new byte[13];
        BinaryPrimitives.WriteUInt32BigEndian(header, (uint)(rows[0].Length / bytesPerPixel));
        BinaryPrimitives.WriteUInt32BigEndian(header.AsSpan(4), (uint)rows.Length);
        header[8] = 8;
        header[9] = 6;
        using var png = new MemoryStream();
        png.Write(PngFile.Signature);
        foreach (var (type, data) in new[] { ("IHDR", header), ("IDAT", compressed.ToArray()), ("IEND", Array.Empty<byte>()) })
        {
            var length = new byte[4];
            BinaryPrimitives.WriteUInt32BigEndian(length, (uint)data.Length);
            png.Write(length);
            png.Write(Encoding.ASCII.GetBytes(type));
            png.Write(data);
            var crc = new byte[4];
            BinaryPrimitives.WriteUInt32BigEndian(crc, PngFile.Crc(type, data));
            png.Write(crc);
        }

        return png.ToArray();
    }
}
