using System.Text.Json;
using Microsoft.Extensions.Time.Testing;

namespace Shiming.BaiduEmulator.Tests;

/// <summary>The text OCR APIs: lines from a document's ground truth, from a card's, or as PaddleOCR reads them.</summary>
[TestClass]
public sealed class TextOcrTests
{
    [TestMethod]
    [DataRow(EmulatorApis.GeneralBasic)]
    [DataRow(EmulatorApis.AccurateBasic)]
    public async Task The_basic_APIs_answer_a_documents_lines_in_reading_order_without_positions(string api)
    {
        var (png, truth) = SyntheticDocuments.Render(SyntheticDocuments.Create(new Random(1)));
        var logged = SharedEmulator.CallsTo(api).Count;

        var reply = await SharedEmulator.Client.ReadTextAsync(SharedEmulator.Token, png, api);

        Assert.IsNull(reply.ErrorCode, reply.Text);
        CollectionAssert.AreEqual(truth.Lines.Select(line => line.Words).ToList(), reply.Lines.ToList());
        Assert.AreEqual(truth.Lines.Count, reply.Body.GetProperty("words_result_num").GetInt32());
        Assert.IsTrue(reply.Body.GetProperty("log_id").GetUInt64() > 0);
        foreach (var line in reply.Body.GetProperty("words_result").EnumerateArray())
        {
            CollectionAssert.AreEqual(new[] { "words" }, line.EnumerateObject().Select(property => property.Name).ToList());
        }

        Assert.HasCount(logged + 1, SharedEmulator.CallsTo(api), "the call is logged under its API");
    }

    [TestMethod]
    [DataRow(EmulatorApis.General)]
    [DataRow(EmulatorApis.Accurate)]
    public async Task The_editions_with_position_answer_each_lines_box_and_its_vertexes_when_asked(string api)
    {
        var (png, truth) = SyntheticDocuments.Render(SyntheticDocuments.Create(new Random(2)));

        var reply = await SharedEmulator.Client.ReadTextAsync(SharedEmulator.Token, png, api, ("vertexes_location", "true"));

        Assert.IsNull(reply.ErrorCode, reply.Text);
        var lines = reply.Body.GetProperty("words_result").EnumerateArray().ToList();
        Assert.HasCount(truth.Lines.Count, lines);
        for (var i = 0; i < lines.Count; i++)
        {
            var location = lines[i].GetProperty("location");
            Assert.AreEqual(truth.Lines[i].Left, location.GetProperty("left").GetInt32());
            Assert.AreEqual(truth.Lines[i].Top, location.GetProperty("top").GetInt32());
            Assert.AreEqual(truth.Lines[i].Width, location.GetProperty("width").GetInt32());
            Assert.AreEqual(truth.Lines[i].Height, location.GetProperty("height").GetInt32());
            var corners = lines[i].GetProperty("vertexes_location").EnumerateArray().ToList();
            Assert.HasCount(4, corners);
            Assert.AreEqual(truth.Lines[i].Left + truth.Lines[i].Width, corners[2].GetProperty("x").GetInt32());
            Assert.AreEqual(truth.Lines[i].Top + truth.Lines[i].Height, corners[2].GetProperty("y").GetInt32());
        }
    }

    [TestMethod]
    public async Task Positions_are_left_out_unless_asked_for_and_vertexes_only_when_asked()
    {
        var (png, _) = SyntheticDocuments.Render(SyntheticDocuments.Create(new Random(3)));

        var withPosition = await SharedEmulator.Client.ReadTextAsync(SharedEmulator.Token, png, EmulatorApis.General);

        var first = withPosition.Body.GetProperty("words_result")[0];
        Assert.IsTrue(first.TryGetProperty("location", out _));
        Assert.IsFalse(first.TryGetProperty("vertexes_location", out _));
    }

    [TestMethod]
    public async Task Optional_outputs_come_only_when_their_flag_is_true()
    {
        var (png, truth) = SyntheticDocuments.Render(SyntheticDocuments.Create(new Random(4)));

        var plain = await SharedEmulator.Client.ReadTextAsync(SharedEmulator.Token, png);
        var asked = await SharedEmulator.Client.ReadTextAsync(SharedEmulator.Token, png, EmulatorApis.AccurateBasic, ("detect_direction", "true"), ("paragraph", "true"), ("probability", "true"));

        foreach (var name in (string[])["direction", "paragraphs_result", "paragraphs_result_num"])
        {
            Assert.IsFalse(plain.Body.TryGetProperty(name, out _), name);
        }

        Assert.AreEqual(0, asked.Body.GetProperty("direction").GetInt32());

        // A title, then the header, then the body: three paragraphs a blank line apart.
        var paragraphs = asked.Body.GetProperty("paragraphs_result").EnumerateArray()
            .Select(paragraph => paragraph.GetProperty("words_result_idx").EnumerateArray().Select(index => index.GetInt32()).ToList())
            .ToList();
        Assert.AreEqual(3, asked.Body.GetProperty("paragraphs_result_num").GetInt32());
        CollectionAssert.AreEqual(Enumerable.Range(0, truth.Lines.Count).ToList(), paragraphs.SelectMany(indexes => indexes).ToList());
        CollectionAssert.AreEqual(new List<int> { 0 }, paragraphs[0]);

        var probability = asked.Body.GetProperty("words_result")[0].GetProperty("probability");
        Assert.IsTrue(probability.GetProperty("average").GetDouble() is > 0 and <= 1);
        Assert.IsTrue(probability.GetProperty("min").GetDouble() <= probability.GetProperty("average").GetDouble());
        Assert.IsTrue(probability.TryGetProperty("variance", out _));
    }

    [TestMethod]
    public async Task A_card_with_ground_truth_is_read_as_its_printed_values_row_by_row()
    {
        var person = SyntheticIdentities.CreatePerson(new Random(5));

        var reply = await SharedEmulator.Client.ReadTextAsync(SharedEmulator.Token, SyntheticCardImages.RenderFront(person));

        Assert.IsNull(reply.ErrorCode, reply.Text);
        Assert.AreEqual(person.Name, reply.Lines[0]);
        Assert.AreEqual(person.IdNumber, reply.Lines[^1]);
        Assert.AreEqual(person.Address, string.Concat(reply.Lines.Skip(4).SkipLast(1)));
    }

    [TestMethod]
    public async Task A_picture_without_text_or_ground_truth_has_no_lines()
    {
        var reply = await SharedEmulator.Client.ReadTextAsync(SharedEmulator.Token, SyntheticCardImages.RenderPlainPicture());

        Assert.IsNull(reply.ErrorCode, reply.Text);
        Assert.AreEqual(0, reply.Body.GetProperty("words_result_num").GetInt32());
        Assert.AreEqual(0, reply.Body.GetProperty("words_result").GetArrayLength());
    }

    [TestMethod]
    public async Task A_document_without_ground_truth_is_read_by_PaddleOCR_in_reading_order()
    {
        Assert.IsTrue(SharedEmulator.Host.Recognition.IsAvailable, $"This test needs PaddleOCR's models (npm ci): {SharedEmulator.Host.Recognition.Description}");
        var (png, truth) = SyntheticDocuments.Render(SyntheticDocuments.Create(new Random(6)), embedTruth: false);

        var reply = await SharedEmulator.Client.ReadTextAsync(SharedEmulator.Token, png, EmulatorApis.Accurate);

        Assert.IsNull(reply.ErrorCode, reply.Text);
        CollectionAssert.AreEqual(truth.Lines.Select(line => Normalised(line.Words)).ToList(), reply.Lines.Select(Normalised).ToList(), reply.Text);
        var location = reply.Body.GetProperty("words_result")[0].GetProperty("location");
        Assert.IsTrue(Math.Abs(location.GetProperty("top").GetInt32() - truth.Lines[0].Top) < truth.Lines[0].Height, location.ToString());
    }

    [TestMethod]
    public async Task Recognition_off_answers_a_document_without_ground_truth_with_no_lines()
    {
        await using var host = await BaiduEmulatorHost.StartAsync(new EmulatorOptions { Recognition = RecognitionMode.Off });
        using var client = new EmulatorClient(host);
        var (png, _) = SyntheticDocuments.Render(SyntheticDocuments.Create(new Random(7)), embedTruth: false);

        var reply = await client.ReadTextAsync(await client.GetTokenAsync(), png);

        Assert.IsNull(reply.ErrorCode, reply.Text);
        Assert.AreEqual(0, reply.Body.GetProperty("words_result_num").GetInt32());
    }

    [TestMethod]
    [DataRow(EmulatorApis.GeneralBasic)]
    [DataRow(EmulatorApis.AccurateBasic)]
    [DataRow(EmulatorApis.General)]
    [DataRow(EmulatorApis.Accurate)]
    public async Task Token_rules_are_the_ID_card_APIs(string api)
    {
        var (png, _) = SyntheticDocuments.Render(SyntheticDocuments.Create(new Random(8)));
        var form = new KeyValuePair<string, string>[] { new("image", Convert.ToBase64String(png)) };

        var missing = await SharedEmulator.Client.PostAsync(EmulatorClient.TextPath(api), form);
        var unknown = await SharedEmulator.Client.PostAsync($"{EmulatorClient.TextPath(api)}?access_token=24.unknown", form);

        AssertError(missing, 100, "Invalid parameter");
        AssertError(unknown, 110, "Access token invalid or no longer valid");
    }

    [TestMethod]
    public async Task An_expired_token_is_111()
    {
        var clock = new FakeTimeProvider();
        await using var host = await BaiduEmulatorHost.StartAsync(new EmulatorOptions { TokenLifetime = TimeSpan.FromMinutes(1) }, clock);
        using var client = new EmulatorClient(host);
        var token = await client.GetTokenAsync();
        clock.Advance(TimeSpan.FromMinutes(2));

        var reply = await client.ReadTextAsync(token, SyntheticDocuments.Render(SyntheticDocuments.Create(new Random(9))).Png);

        AssertError(reply, 111, "Access token expired");
    }

    [TestMethod]
    [DataRow("url", "https://example.invalid/letter.png", 216101, "not enough param", DisplayName = "a url alone")]
    [DataRow("image", "", 216200, "empty image", DisplayName = "an empty image")]
    [DataRow("image", "this is not base64!", 216201, "image format error", DisplayName = "not Base64")]
    [DataRow("image", "aGVsbG8gd29ybGQ=", 216201, "image format error", DisplayName = "not a picture")]
    public async Task Bad_input_gets_Baidus_input_errors(string field, string value, int code, string message)
    {
        var reply = await SharedEmulator.Client.PostAsync($"{EmulatorClient.TextPath(EmulatorApis.GeneralBasic)}?access_token={SharedEmulator.Token}", [new(field, value)]);

        AssertError(reply, code, message);
    }

    [TestMethod]
    public async Task An_unknown_language_is_invalid_param_and_accurate_knows_more_languages()
    {
        var (png, _) = SyntheticDocuments.Render(SyntheticDocuments.Create(new Random(10)));

        var standard = await SharedEmulator.Client.ReadTextAsync(SharedEmulator.Token, png, EmulatorApis.GeneralBasic, ("language_type", "THA"));
        var accurate = await SharedEmulator.Client.ReadTextAsync(SharedEmulator.Token, png, EmulatorApis.AccurateBasic, ("language_type", "THA"));
        var nonsense = await SharedEmulator.Client.ReadTextAsync(SharedEmulator.Token, png, EmulatorApis.AccurateBasic, ("language_type", "klingon"));

        AssertError(standard, 216100, "invalid param");
        Assert.IsNull(accurate.ErrorCode, accurate.Text);
        AssertError(nonsense, 216100, "invalid param");
    }

    [TestMethod]
    public async Task The_high_accuracy_APIs_take_larger_pictures_than_the_standard_ones()
    {
        // 5000 px is past general_basic's 4096 and within accurate_basic's 8192.
        using var bitmap = new SkiaSharp.SKBitmap(5000, 40);
        using var data = bitmap.Encode(SkiaSharp.SKEncodedImageFormat.Png, 100);
        var wide = data.ToArray();

        var standard = await SharedEmulator.Client.ReadTextAsync(SharedEmulator.Token, wide, EmulatorApis.GeneralBasic);
        var accurate = await SharedEmulator.Client.ReadTextAsync(SharedEmulator.Token, wide, EmulatorApis.AccurateBasic);

        AssertError(standard, 216202, "image size error");
        Assert.IsNull(accurate.ErrorCode, accurate.Text);
    }

    private static string Normalised(string words) => words.Replace(" ", string.Empty, StringComparison.Ordinal).Replace(':', '：');

    private static void AssertError(BaiduReply reply, int code, string message)
    {
        Assert.AreEqual(System.Net.HttpStatusCode.OK, reply.Status);
        Assert.AreEqual(code, reply.ErrorCode, reply.Text);
        Assert.AreEqual(message, reply.ErrorMessage);
        Assert.IsFalse(reply.Body.TryGetProperty("words_result", out _));
        Assert.AreEqual(JsonValueKind.Number, reply.Body.GetProperty("log_id").ValueKind);
    }
}
