using System.Text.Json;

namespace Shiming.BaiduEmulator.Tests;

/// <summary>
/// The emulator reading card renders (text drawn, no ground truth inside) with PaddleOCR's models, which <c>npm ci</c>
/// installs. Renders and the models are both deterministic, so a card read right once is read right always.
/// </summary>
[TestClass]
public sealed class RecognitionTests
{
    public TestContext TestContext { get; set; } = null!;

    [ClassInitialize]
    public static void RequireTheModels(TestContext context) =>
        Assert.IsTrue(SharedEmulator.Host.Recognition.IsAvailable, $"These tests need PaddleOCR's models (npm ci): {SharedEmulator.Host.Recognition.Description}");

    [TestMethod]
    public async Task A_clean_front_is_read_field_by_field_with_boxes_where_the_text_is_printed()
    {
        var person = SyntheticIdentities.CreatePerson(new Random(4));

        var reply = await SharedEmulator.Client.RecognizeAsync(SharedEmulator.Token, CardRenders.RenderFront(person), "front");

        Assert.IsNull(reply.ErrorCode, reply.ErrorMessage);
        CollectionAssert.AreEquivalent(CardGroundTruth.ForFront(person).Fields.ToDictionary(), ReadWords(reply));
        Assert.AreEqual(6, reply.Body.GetProperty("words_result_num").GetInt32());
        Assert.AreEqual("normal", reply.ImageStatus);
        Assert.AreEqual(1, reply.Body.GetProperty("idcard_number_type").GetInt32());

        // The name is printed from x = 170 on the line whose box starts at y = 62 (see CardLayout).
        var name = reply.Body.GetProperty("words_result").GetProperty("姓名").GetProperty("location");
        Assert.IsTrue(name.GetProperty("left").GetInt32() is >= 150 and <= 190, name.ToString());
        Assert.IsTrue(name.GetProperty("top").GetInt32() is >= 50 and <= 80, name.ToString());
        Assert.IsTrue(name.GetProperty("width").GetInt32() >= person.Name.Length * 20, name.ToString());
        Assert.IsTrue(name.GetProperty("height").GetInt32() is >= 15 and <= 50, name.ToString());
    }

    [TestMethod]
    [DataRow("20390606", DisplayName = "dated expiry")]
    [DataRow("长期", DisplayName = "long-term")]
    public async Task A_clean_back_is_read_with_its_validity_period_split_into_two_dates(string validUntil)
    {
        var back = new SyntheticCardBack("示例市公安局东城分局", new DateOnly(2019, 6, 6), validUntil);

        var reply = await SharedEmulator.Client.RecognizeAsync(SharedEmulator.Token, CardRenders.RenderBack(back), "back");

        Assert.IsNull(reply.ErrorCode, reply.ErrorMessage);
        CollectionAssert.AreEquivalent(
            new Dictionary<string, string> { ["签发机关"] = "示例市公安局东城分局", ["签发日期"] = "20190606", ["失效日期"] = validUntil },
            ReadWords(reply));
        Assert.AreEqual("normal", reply.ImageStatus);
        Assert.IsFalse(reply.Body.TryGetProperty("idcard_number_type", out _));
    }

    [TestMethod]
    public async Task A_back_sent_as_a_front_is_read_as_the_back_and_says_reversed_side()
    {
        var back = SyntheticIdentities.CreateBack(new Random(5), SyntheticIdentities.CreatePerson(new Random(5)));

        var reply = await SharedEmulator.Client.RecognizeAsync(SharedEmulator.Token, CardRenders.RenderBack(back), "front");

        Assert.AreEqual("reversed_side", reply.ImageStatus);
        Assert.AreEqual(back.IssuingAuthority, reply.Words("签发机关"));
        Assert.IsFalse(reply.Body.TryGetProperty("idcard_number_type", out _));
    }

    [TestMethod]
    public async Task A_turned_blurred_noisy_smaller_front_still_gives_its_number_and_name()
    {
        var person = SyntheticIdentities.CreatePerson(new Random(6));
        var degradation = new CardDegradation(RotationDegrees: -2, BlurSigma: 1, Scale: 0.75, NoiseSigma: 8, Seed: 6);

        var reply = await SharedEmulator.Client.RecognizeAsync(SharedEmulator.Token, CardRenders.RenderFront(person, degradation), "front");

        Assert.AreEqual(person.IdNumber, reply.Words("公民身份号码"));
        Assert.AreEqual(person.Name, reply.Words("姓名"));
        Assert.AreEqual("normal", reply.ImageStatus);
    }

    [TestMethod]
    public async Task A_printed_sex_that_disagrees_with_the_number_gives_number_type_4()
    {
        var person = SyntheticIdentities.CreatePerson(new Random(7));
        var wrongSex = person with { Gender = person.Gender == "男" ? "女" : "男" };

        var reply = await SharedEmulator.Client.RecognizeAsync(SharedEmulator.Token, CardRenders.RenderFront(wrongSex), "front");

        Assert.AreEqual(wrongSex.Gender, reply.Words("性别"));
        Assert.AreEqual(person.IdNumber, reply.Words("公民身份号码"));
        Assert.AreEqual(4, reply.Body.GetProperty("idcard_number_type").GetInt32());
    }

    [TestMethod]
    public async Task A_number_with_a_wrong_check_character_is_answered_empty_with_number_type_0()
    {
        var person = SyntheticIdentities.CreatePerson(new Random(8));
        var wrongCheck = person.IdNumber[17] == '0' ? '1' : '0';
        var misprinted = person with { IdNumber = person.IdNumber[..17] + wrongCheck };

        var reply = await SharedEmulator.Client.RecognizeAsync(SharedEmulator.Token, CardRenders.RenderFront(misprinted), "front");

        Assert.AreEqual(string.Empty, reply.Words("公民身份号码"));
        Assert.AreEqual(0, reply.Body.GetProperty("idcard_number_type").GetInt32());
        Assert.AreEqual(person.Name, reply.Words("姓名"));
    }

    // Cards of render sets (seed, place in the set) with 睿 in the name, which Tesseract's chi_sim could not read.
    [TestMethod]
    [DataRow(3, 5, DisplayName = "seed 3, card 5")]
    [DataRow(1, 26, DisplayName = "seed 1, card 26")]
    public async Task A_name_the_old_engine_misread_is_read_exactly(int seed, int card)
    {
        var person = RenderSetPerson(seed, card);

        var reply = await SharedEmulator.Client.RecognizeAsync(SharedEmulator.Token, CardRenders.RenderFront(person), "front");

        Assert.AreEqual(person.Name, reply.Words("姓名"));
        Assert.AreEqual(person.IdNumber, reply.Words("公民身份号码"));
    }

    [TestMethod]
    public async Task A_photo_like_JPEG_of_a_front_tilted_on_a_textured_surface_under_uneven_light_gives_its_fields()
    {
        var person = SyntheticIdentities.CreatePerson(new Random(16));
        var degradation = new CardDegradation(
            RotationDegrees: 2.5, BlurSigma: 1, Scale: 0.7, NoiseSigma: 8, Seed: 16,
            TiltHorizontal: 0.07, TiltVertical: -0.05, Shading: 0.4, JpegQuality: 60, TexturedSurface: true);

        var reply = await SharedEmulator.Client.RecognizeAsync(SharedEmulator.Token, CardRenders.RenderFront(person, degradation), "front");

        CollectionAssert.AreEquivalent(CardGroundTruth.ForFront(person).Fields.ToDictionary(), ReadWords(reply));
        Assert.AreEqual(1, reply.Body.GetProperty("idcard_number_type").GetInt32());
    }

    [TestMethod]
    public async Task A_picture_without_card_text_is_a_non_card()
    {
        var reply = await SharedEmulator.Client.RecognizeAsync(SharedEmulator.Token, SyntheticCardImages.RenderPlainPicture(), "front");

        Assert.IsNull(reply.ErrorCode, reply.ErrorMessage);
        Assert.AreEqual("non_idcard", reply.ImageStatus);
        Assert.AreEqual(0, reply.Body.GetProperty("words_result_num").GetInt32());
    }

    [TestMethod]
    public async Task Embedded_ground_truth_wins_over_the_printed_text()
    {
        var printed = SyntheticIdentities.CreatePerson(new Random(9));
        var embedded = SyntheticIdentities.CreatePerson(new Random(10));
        var image = PngFile.WithText(CardRenders.RenderFront(printed), CardGroundTruth.PngKeyword, CardGroundTruth.ForFront(embedded).ToJson());

        var reply = await SharedEmulator.Client.RecognizeAsync(SharedEmulator.Token, image, "front");

        Assert.AreEqual(embedded.IdNumber, reply.Words("公民身份号码"));
        Assert.AreEqual(embedded.Name, reply.Words("姓名"));
    }

    [TestMethod]
    public async Task With_recognition_off_a_render_is_a_non_card_as_before()
    {
        await using var host = await BaiduEmulatorHost.StartAsync(new EmulatorOptions { Recognition = RecognitionMode.Off });
        using var client = new EmulatorClient(host);
        var person = SyntheticIdentities.CreatePerson(new Random(4));

        var reply = await client.RecognizeAsync(await client.GetTokenAsync(), CardRenders.RenderFront(person), "front");

        Assert.AreEqual("non_idcard", reply.ImageStatus);
        Assert.AreEqual(0, reply.Body.GetProperty("words_result_num").GetInt32());
    }

    [TestMethod]
    public async Task Without_the_model_files_a_render_is_a_non_card_and_the_host_says_how_to_install_them()
    {
        var missing = Path.Combine(Path.GetTempPath(), $"shiming-no-such-models-{Guid.NewGuid():N}");
        await using var host = await BaiduEmulatorHost.StartAsync(new EmulatorOptions { OcrModels = missing });
        using var client = new EmulatorClient(host);

        var reply = await client.RecognizeAsync(await client.GetTokenAsync(), CardRenders.RenderFront(SyntheticIdentities.CreatePerson(new Random(4))), "front");

        Assert.IsFalse(host.Recognition.IsAvailable);
        Assert.Contains("Emulator:OcrModels", host.Recognition.Description);
        Assert.Contains("npm ci", host.Recognition.Description);
        Assert.AreEqual("non_idcard", reply.ImageStatus);
    }

    [TestMethod]
    public async Task A_reading_past_its_timeout_is_answered_as_Baidus_internal_error()
    {
        await using var host = await BaiduEmulatorHost.StartAsync(new EmulatorOptions { RecognitionTimeout = TimeSpan.FromTicks(1) });
        using var client = new EmulatorClient(host);

        var reply = await client.RecognizeAsync(await client.GetTokenAsync(), CardRenders.RenderFront(SyntheticIdentities.CreatePerson(new Random(4))), "front");

        Assert.AreEqual(282000, reply.ErrorCode);
    }

    [TestMethod]
    public async Task A_picture_whose_header_reads_but_whose_pixels_do_not_is_an_image_format_error()
    {
        var png = CardRenders.RenderFront(SyntheticIdentities.CreatePerson(new Random(4)));

        // The header and a little of the image data, the rest lost.
        var reply = await SharedEmulator.Client.RecognizeAsync(SharedEmulator.Token, png[..200], "front");

        Assert.AreEqual(216201, reply.ErrorCode);
    }

    // The person on card number <paramref name="card"/> of a render set made with <paramref name="seed"/>, drawn as
    // CardRenderSet draws them: a person, then the back, from one stream.
    private static SyntheticPerson RenderSetPerson(int seed, int card)
    {
        var random = new Random(seed);
        SyntheticPerson person = null!;
        for (var i = 0; i < card; i++)
        {
            person = SyntheticIdentities.CreatePerson(random);
            _ = SyntheticIdentities.CreateBack(random, person);
        }

        return person;
    }

    private static Dictionary<string, string> ReadWords(BaiduReply reply) =>
        reply.Body.GetProperty("words_result").EnumerateObject().ToDictionary(field => field.Name, field => field.Value.GetProperty("words").GetString()!);
}
