
namespace Shiming.BaiduEmulator.Tests;

/// <summary>The pure parts of the recognizer: DB post-processing, CTC decoding and putting detected pieces into lines.</summary>
[TestClass]
public sealed class OcrGeometryTests
{
    [TestMethod]
    public void A_probability_block_becomes_one_level_box_grown_by_the_unclip_distance()
    {
        const int Width = 100, Height = 40;
        var map = new float[Width * Height];
        for (var y = 10; y < 20; y++)
        {
            for (var x = 20; x < 80; x++)
            {
                map[(y * Width) + x] = 0.9f;
            }
        }

        var box = TextRegions.Find(map, Width, Height).Single();

        // The region's pixel centres span 59 × 9; the unclip distance is area × 1.5 / perimeter.
        var distance = 59 * 9 * TextRegions.UnclipRatio / (2 * (59 + 9));
        Assert.AreEqual(59 + (2 * distance), box.Width, 0.01);
        Assert.AreEqual(9 + (2 * distance), box.Height, 0.01);
        Assert.AreEqual(49.5, box.CenterX, 0.01);
        Assert.AreEqual(14.5, box.CenterY, 0.01);
        Assert.AreEqual(0, box.Angle, 1e-9);
    }

    [TestMethod]
    public void A_faint_region_is_not_text()
    {
        const int Width = 50, Height = 20;
        var map = new float[Width * Height];
        for (var i = 0; i < map.Length; i++)
        {
            // Above the binary threshold, below the box score threshold.
            map[i] = 0.4f;
        }

        Assert.IsEmpty(TextRegions.Find(map, Width, Height));
    }

    [TestMethod]
    public void The_minimum_area_box_of_a_turned_rectangle_has_its_angle_and_sides()
    {
        var angle = 10 * Math.PI / 180;
        var (sin, cos) = Math.SinCos(angle);
        var corners = new[] { (-30.0, -5.0), (30.0, -5.0), (30.0, 5.0), (-30.0, 5.0) }
            .Select(p => ((p.Item1 * cos) - (p.Item2 * sin) + 50, (p.Item1 * sin) + (p.Item2 * cos) + 40))
            .ToList();

        var box = TextRegions.MinimumAreaBox(corners);

        Assert.AreEqual(60, box.Width, 1e-6);
        Assert.AreEqual(10, box.Height, 1e-6);
        Assert.AreEqual(angle, box.Angle, 1e-6);
        Assert.AreEqual(50, box.CenterX, 1e-6);
        Assert.AreEqual(40, box.CenterY, 1e-6);
    }

    [TestMethod]
    public void CTC_merges_repeats_drops_blanks_and_averages_the_kept_probabilities()
    {
        string[] characters = ["", "王", "五", " "];

        // Steps: 王 王 blank 五 五 blank 五 (a repeat after a blank is a second character).
        int[] best = [1, 1, 0, 2, 2, 0, 2];
        var probabilities = new float[best.Length * characters.Length];
        for (var t = 0; t < best.Length; t++)
        {
            probabilities[(t * characters.Length) + best[t]] = t == 0 ? 0.5f : 0.9f;
        }

        var (text, confidence) = Ctc.Decode(probabilities, best.Length, characters.Length, characters);

        Assert.AreEqual("王五五", text);
        Assert.AreEqual((0.5 + 0.9 + 0.9) / 3, confidence, 1e-6);
    }

    [TestMethod]
    public void Pieces_of_a_turned_card_are_read_row_by_row_and_a_share_of_a_label_overlapping_its_value_is_dropped()
    {
        var slope = Math.Tan(3 * Math.PI / 180);
        OcrLine Piece(string text, double left, double width, double rowY) =>
            new(text, new RotatedBox(left + (width / 2), rowY + ((left + (width / 2)) * slope), width, 30, Math.Atan(slope)), 0.9);
        OcrLine[] pieces =
        [
            Piece("有效期限", 170, 104, 448),
            Piece("签发机关", 170, 104, 380),
            Piece("关示例市公安局", 262, 200, 380),
            Piece("2019.06.06-长期", 300, 340, 448),
        ];

        var words = CardRecognizer.Words(pieces, 900, 600);

        CollectionAssert.AreEqual(
            new[] { (0, "签发机关"), (0, "示例市公安局"), (1, "有效期限"), (1, "2019.06.06-长期") },
            words.Select(word => (word.Line, word.Text)).ToArray());
    }
}
