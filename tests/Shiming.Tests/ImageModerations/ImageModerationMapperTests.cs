using System.Text.Json;
using Shiming.Baidu;
using Shiming.ImageModerations;
using Shiming.Jobs;

namespace Shiming.Tests.ImageModerations;

[TestClass]
public sealed class ImageModerationMapperTests
{
    [TestMethod]
    [DataRow(1, "compliant")]
    [DataRow(2, "non_compliant")]
    [DataRow(3, "suspected")]
    [DataRow(4, "failed")]
    public void Each_conclusionType_is_a_completed_job_with_its_verdict(int conclusionType, string verdict)
    {
        var outcome = ImageModerationMapper.Map(Parse($$"""{"log_id":1,"conclusion":"x","conclusionType":{{conclusionType}}}"""));

        Assert.AreEqual(verdict, Output(outcome).Verdict);
        Assert.IsEmpty(Output(outcome).Reasons);
    }

    [TestMethod]
    public void Reasons_are_given_in_our_own_words_with_what_Baidu_said()
    {
        var outcome = ImageModerationMapper.Map(Parse("""
            {"log_id":1,"conclusion":"疑似","conclusionType":3,"data":[
              {"type":12,"subType":0,"conclusion":"疑似","conclusionType":3,"msg":"疑似存在图文广告不合规","probability":0.61,"datasetName":"示例文本库",
               "hits":[{"words":"示例广告语","probability":0.61,"datasetName":"示例文本库"}]},
              {"type":4,"subType":0,"conclusion":"不合规","conclusionType":2,"msg":"存在二维码内容","probability":0.94308}
            ]}
            """));

        var output = Output(outcome);
        Assert.AreEqual("suspected", output.Verdict);
        Assert.HasCount(2, output.Reasons);
        var text = output.Reasons[0];
        Assert.AreEqual("text", text.Category);
        Assert.AreEqual(12, text.Type);
        Assert.AreEqual("suspected", text.Verdict);
        Assert.AreEqual("疑似存在图文广告不合规", text.Message);
        Assert.AreEqual("示例文本库", text.Dataset);
        Assert.AreEqual(new ModerationHit("示例广告语", 0.61, "示例文本库"), text.Hits.Single());
        Assert.AreEqual("advertising", output.Reasons[1].Category);
        Assert.AreEqual("non_compliant", output.Reasons[1].Verdict);
        Assert.AreEqual(0.94308, output.Reasons[1].Probability);
    }

    [TestMethod]
    public void A_model_that_failed_is_a_reason_with_its_error_and_the_verdict_failed()
    {
        var output = Output(ImageModerationMapper.Map(Parse("""
            {"log_id":1,"conclusion":"审核失败","conclusionType":4,"data":[{"error_code":282000,"error_msg":"internal error","type":1,"subType":0}]}
            """)));

        Assert.AreEqual("failed", output.Verdict);
        Assert.AreEqual("pornography", output.Reasons.Single().Category);
        Assert.AreEqual("failed", output.Reasons.Single().Verdict);
        Assert.AreEqual(new ModerationModelError(282000, "internal error"), output.Reasons.Single().Error);
    }

    [TestMethod]
    public void The_output_has_no_field_named_as_Baidu_names_it()
    {
        var outcome = (RecognitionOutcome.Recognized)ImageModerationMapper.Map(Parse("""
            {"log_id":1,"conclusion":"不合规","conclusionType":2,"data":[{"type":4,"subType":0,"conclusion":"不合规","conclusionType":2,"msg":"m","datasetName":"d","hits":[{"words":"w"}]}]}
            """));

        var json = JsonSerializer.Serialize(outcome.Output, outcome.Output.GetType(), new JsonSerializerOptions(JsonSerializerDefaults.Web));

        foreach (var baidu in new[] { "conclusion", "conclusionType", "log_id", "msg", "datasetName", "data", "subType\":0,\"conclusion" })
        {
            Assert.DoesNotContain($"\"{baidu}\"", json, json);
        }

        Assert.Contains("\"verdict\":\"non_compliant\"", json);
    }

    [TestMethod]
    public void An_answer_without_a_conclusionType_is_not_an_answer_and_is_retried()
    {
        Assert.ThrowsExactly<JsonException>(() => ImageModerationMapper.Map(Parse("""{"log_id":1}""")));
    }

    [TestMethod]
    public void Types_Baidu_adds_later_are_named_other()
    {
        Assert.AreEqual("other", ImageModerationMapper.Category(1234));
        Assert.AreEqual("other", ImageModerationMapper.Category(null));
    }

    private static BaiduModerationResponse Parse(string json) => JsonSerializer.Deserialize<BaiduModerationResponse>(json)!;

    private static ImageModerationOutput Output(RecognitionOutcome outcome) =>
        (ImageModerationOutput)((RecognitionOutcome.Recognized)outcome).Output;
}
