using System.Buffers.Binary;
using System.Text;
using System.Text.Json;

namespace Shiming.BaiduEmulator.Tests;

[TestClass]
public sealed class SyntheticCardImagesTests
{
    private static readonly SyntheticPerson Person = SyntheticIdentities.CreatePerson(new Random(61));

    [TestMethod]
    [DataRow("front")]
    [DataRow("back")]
    public void A_card_is_a_valid_PNG_of_856_by_540(string side)
    {
        var png = Render(side);

        var chunks = PngFile.ReadChunks(png);
        Assert.AreEqual("IHDR", chunks[0].Type);
        Assert.AreEqual(856u, BinaryPrimitives.ReadUInt32BigEndian(chunks[0].Data));
        Assert.AreEqual(540u, BinaryPrimitives.ReadUInt32BigEndian(chunks[0].Data.AsSpan(4)));
        Assert.AreEqual("IEND", chunks[^1].Type);
        foreach (var chunk in chunks)
        {
            Assert.AreEqual(PngFile.Crc(chunk.Type, chunk.Data), chunk.StoredCrc, $"CRC of {chunk.Type}");
        }

        using var pixels = PngFile.Decode(png);
        Assert.AreEqual(856, pixels.Width);
        Assert.AreEqual(540, pixels.Height);
        Assert.IsLessThan(100 * 1024, png.Length);
    }

    [TestMethod]
    public void A_front_carries_its_person_as_ASCII_ground_truth()
    {
        var text = PngFile.Texts(SyntheticCardImages.RenderFront(Person, "blurred", "copy"))[CardGroundTruth.PngKeyword];

        Assert.IsTrue(text.All(char.IsAscii), "tEXt is Latin-1: non-ASCII travels as \\u escapes");
        using var json = JsonDocument.Parse(text);
        var root = json.RootElement;
        Assert.AreEqual("front", root.GetProperty("side").GetString());
        Assert.AreEqual("blurred", root.GetProperty("imageStatus").GetString());
        Assert.AreEqual("copy", root.GetProperty("riskType").GetString());
        var fields = root.GetProperty("fields");
        Assert.AreEqual(Person.Name, fields.GetProperty("姓名").GetString());
        Assert.AreEqual(Person.Gender, fields.GetProperty("性别").GetString());
        Assert.AreEqual(Person.Ethnicity, fields.GetProperty("民族").GetString());
        Assert.AreEqual(Person.BirthDate.ToString("yyyyMMdd", System.Globalization.CultureInfo.InvariantCulture), fields.GetProperty("出生").GetString());
        Assert.AreEqual(Person.Address, fields.GetProperty("住址").GetString());
        Assert.AreEqual(Person.IdNumber, fields.GetProperty("公民身份号码").GetString());
    }

    [TestMethod]
    public void A_back_carries_its_fields_as_ground_truth()
    {
        var back = new SyntheticCardBack("演示市公安局", new DateOnly(2015, 2, 28), "长期");

        var truth = CardGroundTruth.Parse(PngFile.Texts(SyntheticCardImages.RenderBack(back))[CardGroundTruth.PngKeyword]);

        Assert.AreEqual("back", truth.Side);
        Assert.IsNull(truth.ImageStatus);
        CollectionAssert.AreEquivalent(
            new Dictionary<string, string> { ["签发机关"] = "演示市公安局", ["签发日期"] = "20150228", ["失效日期"] = "长期" },
            truth.Fields.ToDictionary());
    }

    [TestMethod]
    public void A_plain_picture_has_the_requested_size_and_no_ground_truth()
    {
        var png = SyntheticCardImages.RenderPlainPicture(320, 200);

        var chunks = PngFile.ReadChunks(png);
        Assert.AreEqual(320u, BinaryPrimitives.ReadUInt32BigEndian(chunks[0].Data));
        Assert.AreEqual(200u, BinaryPrimitives.ReadUInt32BigEndian(chunks[0].Data.AsSpan(4)));
        Assert.IsEmpty(PngFile.Texts(png));
        using var pixels = PngFile.Decode(png);
        Assert.AreEqual(320, pixels.Width);
        Assert.AreEqual(200, pixels.Height);
    }

    [TestMethod]
    public void A_front_shows_a_photo_and_text_bars_on_a_pale_card()
    {
        var pixels = Pixels(SyntheticCardImages.RenderFront(Person));

        var background = pixels(430, 380);
        var photo = pixels(700, 200);
        var name = pixels(180, 78);
        Assert.IsTrue(Brightness(background) > 200, "pale background");
        Assert.IsTrue(Brightness(name) < 80, "a dark bar where the name is printed");
        Assert.AreNotEqual(background, photo, "a photo box");
        Assert.AreNotEqual(background, pixels(2, 270), "a border");
    }

    [TestMethod]
    public void A_back_shows_a_red_emblem()
    {
        var pixels = Pixels(SyntheticCardImages.RenderBack(SyntheticIdentities.CreateBack(new Random(62), Person)));

        var (r, g, b) = pixels(150, 150);
        Assert.IsTrue(r > 150 && g < 80 && b < 80, $"red emblem centre, got {r},{g},{b}");
    }

    [TestMethod]
    public void A_JPEG_front_is_a_baseline_JPEG_with_its_ground_truth_in_a_comment()
    {
        var jpeg = SyntheticCardImages.RenderFrontJpeg(Person);

        CollectionAssert.AreEqual(new byte[] { 0xFF, 0xD8 }, jpeg[..2]);
        CollectionAssert.AreEqual(new byte[] { 0xFF, 0xD9 }, jpeg[^2..]);
        var segments = JpegSegments(jpeg);
        var frame = segments.Single(segment => segment.Marker == 0xC0).Data;
        Assert.AreEqual(540, BinaryPrimitives.ReadUInt16BigEndian(frame.AsSpan(1)));
        Assert.AreEqual(856, BinaryPrimitives.ReadUInt16BigEndian(frame.AsSpan(3)));
        var comment = Encoding.ASCII.GetString(segments.Single(segment => segment.Marker == 0xFE).Data);
        Assert.StartsWith(CardGroundTruth.JpegCommentPrefix, comment);
        Assert.AreEqual(Person.IdNumber, CardGroundTruth.Parse(comment[CardGroundTruth.JpegCommentPrefix.Length..]).Fields["公民身份号码"]);
    }

    [TestMethod]
    public void Ground_truth_survives_a_round_trip()
    {
        var truth = CardGroundTruth.ForFront(Person, "over_dark", "screen");

        var parsed = CardGroundTruth.Parse(truth.ToJson());

        Assert.AreEqual(truth.Side, parsed.Side);
        Assert.AreEqual(truth.ImageStatus, parsed.ImageStatus);
        Assert.AreEqual(truth.RiskType, parsed.RiskType);
        CollectionAssert.AreEqual(truth.Fields.ToList(), parsed.Fields.ToList());
    }

    [TestMethod]
    [DataRow("not json")]
    [DataRow("[]")]
    [DataRow("{\"side\":\"top\",\"fields\":{}}")]
    [DataRow("{\"side\":\"front\"}")]
    [DataRow("{\"side\":\"front\",\"fields\":{\"姓名\":1}}")]
    public void Ground_truth_of_the_wrong_shape_is_rejected(string json)
    {
        Assert.ThrowsExactly<FormatException>(() => CardGroundTruth.Parse(json));
    }

    private static byte[] Render(string side) => side == "front"
        ? SyntheticCardImages.RenderFront(Person)
        : SyntheticCardImages.RenderBack(SyntheticIdentities.CreateBack(new Random(63), Person));

    private static int Brightness((byte R, byte G, byte B) pixel) => (pixel.R + pixel.G + pixel.B) / 3;

    /// <summary>Pixel lookup in the decoded picture.</summary>
    private static Func<int, int, (byte R, byte G, byte B)> Pixels(byte[] image)
    {
        var bitmap = PngFile.Decode(image);
        return (x, y) =>
        {
            var color = bitmap.GetPixel(x, y);
            return (color.Red, color.Green, color.Blue);
        };
    }

    private static List<(byte Marker, byte[] Data)> JpegSegments(byte[] jpeg)
    {
        var segments = new List<(byte, byte[])>();
        var position = 2;
        while (jpeg[position] == 0xFF && jpeg[position + 1] != 0xDA)
        {
            var length = BinaryPrimitives.ReadUInt16BigEndian(jpeg.AsSpan(position + 2));
            segments.Add((jpeg[position + 1], jpeg[(position + 4)..(position + 2 + length)]));
            position += 2 + length;
        }

        return segments;
    }
}
