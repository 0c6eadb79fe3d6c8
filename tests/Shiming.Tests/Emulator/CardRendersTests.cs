using System.Buffers.Binary;
using Shiming.BaiduEmulator;

namespace Shiming.Tests.Emulator;

[TestClass]
public sealed class CardRendersTests
{
    [TestMethod]
    public void EveryCharacterASyntheticCardCanPrintHasAGlyph()
    {
        var random = new Random(12);
        for (var i = 0; i < 3000; i++)
        {
            var person = SyntheticIdentities.CreatePerson(random);
            var back = SyntheticIdentities.CreateBack(random, person);
            foreach (var text in (string[])[person.Name, person.Gender, person.Ethnicity, person.Address, person.IdNumber, back.IssuingAuthority, back.ValidUntil, "年月日.-"])
            {
                Assert.IsTrue(CardRenders.CanDraw(text), "Glyphs/characters.txt lacks a character; add it and rerun Glyphs/make-glyphs.sh");
            }
        }
    }

    [TestMethod]
    public void ACleanRenderIsACard856By540WithInkWhereTheNameIsPrinted()
    {
        var png = CardRenders.RenderFront(SyntheticIdentities.CreatePerson(new Random(13)));

        var header = PngFile.ReadChunks(png)[0].Data;
        Assert.AreEqual(856u, BinaryPrimitives.ReadUInt32BigEndian(header));
        Assert.AreEqual(540u, BinaryPrimitives.ReadUInt32BigEndian(header.AsSpan(4)));
        Assert.IsEmpty(PngFile.Texts(png));

        // Some dark pixels in the name's line right of the label, and none in the empty band under the address.
        var scanlines = PngFile.Inflate(png);
        Assert.IsTrue(DarkPixels(scanlines, 170, 260, 62, 96) > 50);
        Assert.AreEqual(0, DarkPixels(scanlines, 170, 560, 360, 420));
    }

    [TestMethod]
    public void ADegradationIsDeterministicAndAddsAMarginScaledWithThePicture()
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

    private static int DarkPixels(byte[] scanlines, int left, int right, int top, int bottom)
    {
        const int Width = 856;
        var count = 0;
        for (var y = top; y < bottom; y++)
        {
            for (var x = left; x < right; x++)
            {
                var offset = (y * (1 + (Width * 3))) + 1 + (x * 3);
                if (scanlines[offset] + scanlines[offset + 1] + scanlines[offset + 2] < 3 * 100)
                {
                    count++;
                }
            }
        }

        return count;
    }
}
