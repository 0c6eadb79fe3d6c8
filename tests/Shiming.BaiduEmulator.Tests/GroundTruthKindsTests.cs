
namespace Shiming.BaiduEmulator.Tests;

[TestClass]
public sealed class GroundTruthKindsTests
{
    [TestMethod]
    public void Each_kind_of_ground_truth_says_what_it_is_and_a_cards_says_nothing()
    {
        var card = CardGroundTruth.ForFront(SyntheticIdentities.CreatePerson(new Random(1))).ToJson();
        var document = new DocumentGroundTruth([new DocumentLine("示例", 1, 2, 3, 4)]).ToJson();
        var moderation = ModerationGroundTruth.Suspected().ToJson();

        Assert.AreEqual(GroundTruthKinds.Card, GroundTruthKinds.Of(card));
        Assert.AreEqual(GroundTruthKinds.Document, GroundTruthKinds.Of(document));
        Assert.AreEqual(GroundTruthKinds.Moderation, GroundTruthKinds.Of(moderation));
        Assert.AreEqual(GroundTruthKinds.Card, GroundTruthKinds.Of("not json"), "a card's parser judges what is not JSON");
    }

    [TestMethod]
    public void Ground_truth_is_ASCII_and_reads_back_as_it_was_written()
    {
        var document = new DocumentGroundTruth([new DocumentLine("诊断：湿疹", 60, 120, 300, 44), new DocumentLine("门诊号：99123456", 60, 180, 320, 44)]);
        var moderation = new ModerationGroundTruth(3, [new ModerationReason(12, 1, 3, "疑似", 0.5, "示例库", [new ModerationHit("示例词", 0.4)], 216201, "inner")]);

        var documentJson = document.ToJson();
        var moderationJson = moderation.ToJson();

        Assert.IsTrue(documentJson.All(char.IsAscii) && moderationJson.All(char.IsAscii));
        CollectionAssert.AreEqual(document.Lines.ToList(), DocumentGroundTruth.Parse(documentJson).Lines.ToList());
        var read = ModerationGroundTruth.Parse(moderationJson);
        Assert.AreEqual(3, read.ConclusionType);
        Assert.AreEqual(moderation.Reasons[0] with { Hits = null }, read.Reasons[0] with { Hits = null });
        CollectionAssert.AreEqual(moderation.Reasons[0].Hits!.ToList(), read.Reasons[0].Hits!.ToList());
    }

    [TestMethod]
    [DataRow("{\"kind\":\"moderation\",\"conclusionType\":5}")]
    [DataRow("{\"kind\":\"moderation\"}")]
    [DataRow("[1]")]
    public void A_verdict_outside_Baidus_four_or_a_broken_shape_is_a_format_error(string json)
    {
        Assert.Throws<FormatException>(() => ModerationGroundTruth.Parse(json));
    }

    [TestMethod]
    public void A_line_starts_a_paragraph_when_the_gap_above_it_is_at_least_a_lines_height()
    {
        var lines = new List<TextLine>
        {
            new("标题", new CardBox(0, 0, 100, 40), 1),
            new("第一行", new CardBox(0, 80, 100, 40), 1),
            new("第二行", new CardBox(0, 130, 100, 40), 1),
            new("同一行", new CardBox(120, 132, 100, 40), 1),
            new("另一段", new CardBox(0, 220, 100, 40), 1),
        };

        var paragraphs = TextOcrEndpoint.Paragraphs(lines);

        Assert.HasCount(3, paragraphs);
        CollectionAssert.AreEqual(new List<int> { 0 }, paragraphs[0]);
        CollectionAssert.AreEqual(new List<int> { 1, 2, 3 }, paragraphs[1]);
        CollectionAssert.AreEqual(new List<int> { 4 }, paragraphs[2]);
    }

    [TestMethod]
    public void An_APIs_own_setting_wins_then_Baidus_figure_then_the_emulator_wide_one()
    {
        var options = new EmulatorOptions
        {
            MaxImageSide = 3000,
            Apis = { [EmulatorApis.UserDefined] = new EmulatorApiOptions { MaxImageSide = 2000 } },
        };

        Assert.AreEqual(2000, options.For(EmulatorApis.UserDefined).MaxImageSide);
        Assert.AreEqual(8192, options.For(EmulatorApis.AccurateBasic).MaxImageSide);
        Assert.AreEqual(3000, options.For(EmulatorApis.GeneralBasic).MaxImageSide);
        Assert.AreEqual(3000, options.MaxImageSide, "the live options are not changed by merging");
    }
}
