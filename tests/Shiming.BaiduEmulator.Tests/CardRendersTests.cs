using System.Buffers.Binary;

namespace Shiming.BaiduEmulator.Tests;

[TestClass]
public sealed class CardRendersTests
{
    [TestMethod]
    public void Every_character_a_synthetic_card_can_print_has_a_glyph()
    {
        var random = new Random(12);
        for (var i = 0; i < 3000; i++)
        {
            var person = SyntheticIdentities.CreatePerson(random);
            var back = SyntheticIdentities.CreateBack(random, person);
            foreach (var text in (string[])[person.Name, person.Gender, person.Ethnicity, person.Address, person.IdNumber, back.IssuingAuthority, back.ValidUntil, "年月日.-"])
            {
                Assert.IsTrue(CardRenders.CanDraw(text), "the card font (fonts-wqy-microhei) lacks a character of the synthetic identities");
            }
        }
    }

    [TestMethod]
    public void A_clean_render_is_a_card_856_by_540_with_ink_where_the_name_is_printed()
    {
        var png = CardRenders.RenderFront(SyntheticIdentities.CreatePerson(new Random(13)));

        var header = PngFile.ReadChunks(png)[0].Data;
        Assert.AreEqual(856u, BinaryPrimitives.ReadUInt32BigEndian(header));
        Assert.AreEqual(540u, BinaryPrimitives.ReadUInt32BigEndian(header.AsSpan(4)));
        Assert.IsEmpty(PngFile.Texts(png));

        // Some dark pixels in the name's line right of the label, and none in the empty band under the address.
        using var pixels = PngFile.Decode(png);
        Assert.IsTrue(DarkPixels(pixels, 170, 260, 62, 96) > 50);
        Assert.AreEqual(0, DarkPixels(pixels, 170, 560, 360, 420));
    }

    [TestMethod]
    public void A_degradation_is_deterministic_and_adds_a_margin_scaled_with_the_picture()
    {
        var person = SyntheticIdentities.CreatePerson(new Random(14));
        var degradation = new CardDegradation(RotationDegrees: 2, BlurSigma: 0.8, Scale: 0.5, NoiseSigma: 5, Seed: 3);

        var first = CardRenders.RenderFront(person, degradation);
        var second = CardRenders.RenderFront(person, degradation);

        CollectionAssert.AreEqual(first, second);
        var header = PngFile.ReadChunks(first)[0].Data;
        Assert.AreEqual((uint)Math.Round((856 + (2 * CardDegradation.Margin)) * 0.5), BinaryPrimitives.ReadUInt32BigEndian(header));
        Assert.AreEqual((uint)Math.Round((540 + (2 * CardDegradation.Margin)) * 0.5), BinaryPrimitives.ReadUInt32BigEndian(header.AsSpan(4)));
    }

    private static int DarkPixels(SkiaSharp.SKBitmap pixels, int left, int right, int top, int bottom)
    {
        var count = 0;
        for (var y = top; y < bottom; y++)
        {
            for (var x = left; x < right; x++)
            {
                var color = pixels.GetPixel(x, y);
                if (color.Red + color.Green + color.Blue < 3 * 100)
                {
                    count++;
                }
            }
        }

        return count;
    }

    [TestMethod]
    public void A_phone_like_degradation_is_a_JPEG_at_its_quality_with_the_surface_showing_at_the_cards_corners()
    {
        var person = SyntheticIdentities.CreatePerson(new Random(15));
        var degradation = new CardDegradation(
            RotationDegrees: 0, BlurSigma: 0, Scale: 1, NoiseSigma: 0, Seed: 5,
            TiltHorizontal: 0.08, TiltVertical: 0, Shading: 0.3, JpegQuality: 60, TexturedSurface: true);

        var jpeg = CardRenders.RenderFront(person, degradation);
        var sharper = CardRenders.RenderFront(person, degradation with { JpegQuality = 95 });

        CollectionAssert.AreEqual(new byte[] { 0xFF, 0xD8, 0xFF }, jpeg[..3]);
        Assert.IsLessThan(sharper.Length, jpeg.Length, "a lower quality makes a smaller file");
        using var pixels = PngFile.Decode(jpeg);
        Assert.AreEqual(856 + (2 * CardDegradation.Margin), pixels.Width);

        // The card's top-left corner is rounded, so just inside it the surface shows, not a clean render's white.
        var corner = pixels.GetPixel(CardDegradation.Margin + 3, CardDegradation.Margin + 3);
        Assert.IsLessThan(240, (corner.Red + corner.Green + corner.Blue) / 3, corner.ToString());

    }
}
