using Shiming.BaiduEmulator;

namespace Shiming.Tests.Emulator;

/// <summary>The second look at a front's name: the vote between readings, and the cut-out line it reads.</summary>
[TestClass]
public sealed class NameLineReaderTests
{
    [TestMethod]
    public void ACharacterTheFirstPassMisreadIsOutvotedByTheLineReadings()
    {
        var chosen = NameLineReader.Vote("朱怡洱", [Reading("朱怡涵", 90), Reading("朱怡涵", 60), Reading("朱怡池", 40)]);

        Assert.AreEqual("朱怡涵", chosen);
    }

    [TestMethod]
    public void AReadingWithAnotherNumberOfCharactersDoesNotVote()
    {
        var chosen = NameLineReader.Vote("胡晓思", [Reading("胡了晓思", 90), Reading("胡了晓思", 90), Reading("胡晓恩", 10)]);

        Assert.AreEqual("胡晓思", chosen);
    }

    [TestMethod]
    public void OneConfidentSlipDoesNotOutweighTwoReadingsThatAgree()
    {
        var chosen = NameLineReader.Vote("陈博浩", [Reading("陈博洗", 93), Reading("陈博浩", 40), Reading("陈博浩", 20)]);

        Assert.AreEqual("陈博浩", chosen);
    }

    [TestMethod]
    public void WithoutLineReadingsTheFirstPassStands()
    {
        Assert.AreEqual("周思", NameLineReader.Vote("周思", [Reading(string.Empty, 0), Reading(string.Empty, 0)]));
    }

    [TestMethod]
    public void OnATieTheFirstPassCharacterStands()
    {
        Assert.AreEqual("孙佳", NameLineReader.Vote("孙佳", [Reading("孙侍", 70)]));
    }

    [TestMethod]
    public void ShrinkingAveragesAndKeepsAFlatAreaFlat()
    {
        byte[] source = [0, 0, 200, 200, 0, 0, 200, 200];

        CollectionAssert.AreEqual(new byte[] { 100 }, NameLineReader.Resample(source, 4, 2, 1, 1));
        CollectionAssert.AreEqual(new byte[] { 0, 200 }, NameLineReader.Resample(source, 4, 2, 2, 1).Select(sample => sample is < 60 ? (byte)0 : sample > 140 ? (byte)200 : sample).ToArray());
        Assert.IsTrue(NameLineReader.Resample([.. Enumerable.Repeat((byte)123, 64)], 8, 8, 5, 3).All(sample => sample == 123));
    }

    [TestMethod]
    public void TheNameLineIsCutOutAroundTheNameAndScaledToEachCharacterHeight()
    {
        var person = SyntheticIdentities.CreatePerson(new Random(4));
        var png = CardRenders.RenderFront(person);

        // Where the reader finds a render's name: from x = 170 on the line at y = 62, characters about 30 px high.
        var crops = NameLineReader.Crops(png, new ReadField(person.Name, new CardBox(170, 62, 32 * person.Name.Length, 30), 30));

        Assert.IsNotNull(crops);
        Assert.HasCount(3, crops);
        foreach (var (crop, height) in crops.Zip([18, 19, 20]))
        {
            var (width, cropHeight, samples) = PngDecoder.DecodeLuminance(crop);

            // The rows with ink and a margin of half their height above and below, scaled to the character height.
            Assert.AreEqual(2 * height, cropHeight, 2);
            Assert.IsTrue(samples.Count(sample => sample < 100) > 20, "the name's strokes are in the crop");
            Assert.IsTrue(width > cropHeight);
        }
    }

    [TestMethod]
    public void AJpegOrAnUnreadablePngGetsNoSecondLook()
    {
        var name = new ReadField("周思", new CardBox(170, 62, 64, 30), 29);

        Assert.IsNull(NameLineReader.Crops([0xFF, 0xD8, 0xFF, 0xE0], name));
        Assert.IsNull(NameLineReader.Crops([.. PngFile.Signature, 0, 0, 0, 0], name));
        var render = CardRenders.RenderFront(SyntheticIdentities.CreatePerson(new Random(4)));
        Assert.IsNull(NameLineReader.Crops(render.AsSpan(0, render.Length / 2), name), "a truncated PNG");
    }

    private static List<(char Character, double Confidence)> Reading(string text, double confidence) =>
        [.. text.Select(character => (character, confidence))];
}
