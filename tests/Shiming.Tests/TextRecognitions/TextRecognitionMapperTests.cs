using System.Text.Json;
using Shiming.Baidu;
using Shiming.TextRecognitions;
using Shiming.Jobs;

namespace Shiming.Tests.TextRecognitions;

[TestClass]
public sealed class TextRecognitionMapperTests
{
    [TestMethod]
    public void Without_locations_the_lines_keep_Baidus_order_and_carry_no_box()
    {
        var answer = Parse("""{"log_id":1,"words_result_num":3,"words_result":[{"words":"第二行","location":{"left":0,"top":90,"width":10,"height":30}},{"words":" 第一行 "},{"words":"  "}]}""");

        var output = Output(TextRecognitionMapper.Map(answer, new TextRequest(Accurate: true, Locations: false)));

        CollectionAssert.AreEqual(new[] { "第二行", "第一行" }, output.Lines.Select(l => l.Words).ToArray());
        Assert.IsTrue(output.Lines.All(l => l.Location is null));
        Assert.AreEqual("accurate", output.Accuracy);
        Assert.IsFalse(output.Locations);
    }

    [TestMethod]
    public void With_locations_lines_are_read_in_rows_from_the_top_and_each_row_from_the_left()
    {
        // Two columns of a form: Baidu may list a column before the next row; reading order goes across.
        var answer = Parse("""
            {"words_result":[
              {"words":"姓名：示例","location":{"left":40,"top":100,"width":200,"height":30}},
              {"words":"日期：2026年1月2日","location":{"left":40,"top":150,"width":260,"height":30}},
              {"words":"科室：眼科","location":{"left":500,"top":104,"width":200,"height":30}},
              {"words":"标题","location":{"left":300,"top":20,"width":200,"height":40}}
            ]}
            """);

        var output = Output(TextRecognitionMapper.Map(answer, new TextRequest(Accurate: false, Locations: true)));

        CollectionAssert.AreEqual(new[] { "标题", "姓名：示例", "科室：眼科", "日期：2026年1月2日" }, output.Lines.Select(l => l.Words).ToArray());
        Assert.AreEqual(new TextLocation(500, 104, 200, 30), output.Lines[2].Location);
        Assert.AreEqual("standard", output.Accuracy);
    }

    [TestMethod]
    public void An_answer_without_lines_is_a_completed_recognition_with_none()
    {
        var output = Output(TextRecognitionMapper.Map(Parse("""{"log_id":1,"words_result_num":0,"words_result":[]}"""), new TextRequest(true, true)));

        Assert.IsEmpty(output.Lines);
    }

    [TestMethod]
    public void The_output_is_our_own_shape_with_no_field_of_Baidus()
    {
        var outcome = TextRecognitionMapper.Map(
            Parse("""{"log_id":1,"words_result_num":1,"words_result":[{"words":"处方笺","location":{"left":1,"top":2,"width":3,"height":4}}]}"""),
            new TextRequest(true, true));

        var json = JsonSerializer.Serialize(((RecognitionOutcome.Recognized)outcome).Output, ((RecognitionOutcome.Recognized)outcome).Output.GetType(), new JsonSerializerOptions(JsonSerializerDefaults.Web));

        Assert.AreEqual("""{"accuracy":"accurate","locations":true,"lines":[{"words":"处方笺","location":{"left":1,"top":2,"width":3,"height":4}}]}""",
            json.Replace("\\u5904\\u65B9\\u7B3A", "处方笺", StringComparison.Ordinal));
    }

    [TestMethod]
    [DataRow(null, null, "accurate_basic", "accurate")]
    [DataRow("accurate", "false", "accurate_basic", "accurate")]
    [DataRow("standard", null, "general_basic", "standard")]
    [DataRow("accurate", "true", "accurate", "accurate-locations")]
    [DataRow("STANDARD", "true", "general", "standard-locations")]
    public void Accuracy_and_locations_choose_the_Baidu_API(string? accuracy, string? locations, string api, string variant)
    {
        Assert.IsTrue(TextRequest.TryParse(accuracy, locations, out var request, out _));

        Assert.AreEqual(api, request.Api);
        Assert.AreEqual(variant, request.Variant);
        Assert.AreEqual(request, TextRequest.FromVariant(request.Variant));
    }

    [TestMethod]
    [DataRow("fast", null, "unknown_accuracy")]
    [DataRow(null, "yes", "invalid_locations")]
    public void Unknown_options_are_refused(string? accuracy, string? locations, string problem)
    {
        Assert.IsFalse(TextRequest.TryParse(accuracy, locations, out _, out var refused));
        Assert.AreEqual(problem, refused);
    }

    private static BaiduTextResponse Parse(string json) => JsonSerializer.Deserialize<BaiduTextResponse>(json)!;

    private static TextRecognitionOutput Output(RecognitionOutcome outcome) =>
        (TextRecognitionOutput)((RecognitionOutcome.Recognized)outcome).Output;
}
