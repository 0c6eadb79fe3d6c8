using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Shiming.BaiduEmulator;

namespace Shiming.Tests.Emulator;

/// <summary>
/// The emulator reading card renders (text drawn, no ground truth inside) with Tesseract and chi_sim, which the test
/// dependencies install. Renders and Tesseract are both deterministic, so a card read right once is read right always.
/// </summary>
[TestClass]
public sealed class TesseractRecognitionTests
{
    private static BaiduEmulatorHost s_host = null!;
    private static EmulatorClient s_client = null!;
    private static string s_token = null!;

    public TestContext TestContext { get; set; } = null!;

    [ClassInitialize]
    public static async Task StartEmulatorAsync(TestContext context)
    {
        s_host = await BaiduEmulatorHost.StartAsync(new EmulatorOptions { QpsLimit = 10_000 });
        Assert.IsTrue(s_host.Recognition.IsAvailable, $"These tests need Tesseract with chi_sim (tests/install-test-dependencies.sh): {s_host.Recognition.Description}");
        s_client = new EmulatorClient(s_host);
        s_token = await s_client.GetTokenAsync();
    }

    [ClassCleanup]
    public static async Task StopEmulatorAsync()
    {
        s_client?.Dispose();
        if (s_host is not null)
        {
            await s_host.DisposeAsync();
        }
    }

    [TestMethod]
    public async Task ACleanFrontIsReadFieldByFieldWithBoxesWhereTheTextIsPrinted()
    {
        var person = SyntheticIdentities.CreatePerson(new Random(4));

        var reply = await s_client.RecognizeAsync(s_token, CardRenders.RenderFront(person), "front");

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
    public async Task ACleanBackIsReadWithItsValidityPeriodSplitIntoTwoDates(string validUntil)
    {
        var back = new SyntheticCardBack("示例市公安局东城分局", new DateOnly(2019, 6, 6), validUntil);

        var reply = await s_client.RecognizeAsync(s_token, CardRenders.RenderBack(back), "back");

        Assert.IsNull(reply.ErrorCode, reply.ErrorMessage);
        CollectionAssert.AreEquivalent(
            new Dictionary<string, string> { ["签发机关"] = "示例市公安局东城分局", ["签发日期"] = "20190606", ["失效日期"] = validUntil },
            ReadWords(reply));
        Assert.AreEqual("normal", reply.ImageStatus);
        Assert.IsFalse(reply.Body.TryGetProperty("idcard_number_type", out _));
    }

    [TestMethod]
    public async Task ABackSentAsAFrontIsReadAsTheBackAndSaysReversedSide()
    {
        var back = SyntheticIdentities.CreateBack(new Random(5), SyntheticIdentities.CreatePerson(new Random(5)));

        var reply = await s_client.RecognizeAsync(s_token, CardRenders.RenderBack(back), "front");

        Assert.AreEqual("reversed_side", reply.ImageStatus);
        Assert.AreEqual(back.IssuingAuthority, reply.Words("签发机关"));
        Assert.IsFalse(reply.Body.TryGetProperty("idcard_number_type", out _));
    }

    [TestMethod]
    public async Task ATurnedBlurredNoisySmallerFrontStillGivesItsNumberAndName()
    {
        var person = SyntheticIdentities.CreatePerson(new Random(6));
        var degradation = new CardDegradation(RotationDegrees: -2, BlurSigma: 1, Scale: 0.75, NoiseSigma: 8, Seed: 6);

        var reply = await s_client.RecognizeAsync(s_token, CardRenders.RenderFront(person, degradation), "front");

        Assert.AreEqual(person.IdNumber, reply.Words("公民身份号码"));
        Assert.AreEqual(person.Name, reply.Words("姓名"));
        Assert.AreEqual("normal", reply.ImageStatus);
    }

    [TestMethod]
    public async Task APrintedSexThatDisagreesWithTheNumberGivesNumberType4()
    {
        var person = SyntheticIdentities.CreatePerson(new Random(7));
        var wrongSex = person with { Gender = person.Gender == "男" ? "女" : "男" };

        var reply = await s_client.RecognizeAsync(s_token, CardRenders.RenderFront(wrongSex), "front");

        Assert.AreEqual(wrongSex.Gender, reply.Words("性别"));
        Assert.AreEqual(person.IdNumber, reply.Words("公民身份号码"));
        Assert.AreEqual(4, reply.Body.GetProperty("idcard_number_type").GetInt32());
    }

    [TestMethod]
    public async Task ANumberWithAWrongCheckCharacterIsAnsweredEmptyWithNumberType0()
    {
        var person = SyntheticIdentities.CreatePerson(new Random(8));
        var wrongCheck = person.IdNumber[17] == '0' ? '1' : '0';
        var misprinted = person with { IdNumber = person.IdNumber[..17] + wrongCheck };

        var reply = await s_client.RecognizeAsync(s_token, CardRenders.RenderFront(misprinted), "front");

        Assert.AreEqual(string.Empty, reply.Words("公民身份号码"));
        Assert.AreEqual(0, reply.Body.GetProperty("idcard_number_type").GetInt32());
        Assert.AreEqual(person.Name, reply.Words("姓名"));
    }

    // Cards of render sets (seed, place in the set) whose name the whole-card pass misreads (涵 as 洱, 怡 as 恰) and
    // the second look at the name's line reads right.
    [TestMethod]
    [DataRow(1, 26, DisplayName = "seed 1, card 26")]
    [DataRow(2, 90, DisplayName = "seed 2, card 90")]
    [DataRow(3, 5, DisplayName = "seed 3, card 5")]
    [DataRow(3, 68, DisplayName = "seed 3, card 68")]
    public async Task ANameTheWholeCardPassMisreadsIsReadExactlyOnASecondLookAtItsLine(int seed, int card)
    {
        var person = RenderSetPerson(seed, card);

        var reply = await s_client.RecognizeAsync(s_token, CardRenders.RenderFront(person), "front");

        Assert.AreEqual(person.Name, reply.Words("姓名"));
        Assert.AreEqual(person.IdNumber, reply.Words("公民身份号码"));
    }

    [TestMethod]
    public async Task TheNameLineIsReadAgainInOneSingleLineRunOverPrivateCropsThatAreDeletedAfterwards()
    {
        var number = SyntheticIdentities.CreateIdNumber("990101", new DateOnly(1990, 1, 1), 2);
        using var fake = FakeTesseract.Create(
            $$"""
            printf 'level\tpage_num\tblock_num\tpar_num\tline_num\tword_num\tleft\ttop\twidth\theight\tconf\ttext\n'
            if [ "$6" = "7" ]; then
              { printf '%s\n' "$@"; cat "$1"; } > "$RECORD"
              for page in 1 2 3; do
                printf '5\t%s\t1\t1\t1\t1\t10\t10\t60\t20\t90\t朱怡涵\n' "$page"
              done
              exit 0
            fi
            printf '5\t1\t1\t1\t1\t1\t62\t64\t48\t24\t90\t姓名\n'
            printf '5\t1\t1\t1\t1\t2\t173\t61\t90\t29\t90\t朱怡洱\n'
            printf '5\t1\t1\t1\t2\t1\t62\t124\t48\t24\t90\t性别\n'
            printf '5\t1\t1\t1\t2\t2\t173\t121\t30\t29\t90\t女\n'
            printf '5\t1\t1\t1\t2\t3\t250\t124\t48\t24\t90\t民族\n'
            printf '5\t1\t1\t1\t2\t4\t330\t121\t30\t29\t90\t汉\n'
            printf '5\t1\t1\t1\t3\t1\t62\t446\t150\t24\t90\t公民身份号码\n'
            printf '5\t1\t1\t1\t3\t2\t260\t446\t350\t29\t90\t{{number}}\n'
            """);
        await using var host = await BaiduEmulatorHost.StartAsync(new EmulatorOptions { TesseractPath = fake.Path });
        using var client = new EmulatorClient(host);
        var person = SyntheticIdentities.CreatePerson(new Random(4));

        var reply = await client.RecognizeAsync(await client.GetTokenAsync(), CardRenders.RenderFront(person), "front");

        Assert.AreEqual("朱怡涵", reply.Words("姓名"));
        Assert.AreEqual(number, reply.Words("公民身份号码"));
        var record = await File.ReadAllLinesAsync(fake.Record, TestContext.CancellationToken);
        var list = record[0];
        var crops = record.Skip(record.Length - 3).ToList();
        CollectionAssert.IsSubsetOf(new[] { "-l", "chi_sim", "--psm", "7", "tsv" }, record);
        Assert.IsTrue(crops.All(crop => crop.EndsWith(".png", StringComparison.Ordinal)), "three crops of the name's line");
        Assert.IsFalse(File.Exists(list), "the list of crops is deleted");
        Assert.IsFalse(crops.Any(File.Exists), "the crops are deleted");
    }

    [TestMethod]
    public async Task APictureWithoutCardTextIsANonCard()
    {
        var reply = await s_client.RecognizeAsync(s_token, SyntheticCardImages.RenderPlainPicture(), "front");

        Assert.IsNull(reply.ErrorCode, reply.ErrorMessage);
        Assert.AreEqual("non_idcard", reply.ImageStatus);
        Assert.AreEqual(0, reply.Body.GetProperty("words_result_num").GetInt32());
    }

    [TestMethod]
    public async Task EmbeddedGroundTruthWinsOverThePrintedText()
    {
        var printed = SyntheticIdentities.CreatePerson(new Random(9));
        var embedded = SyntheticIdentities.CreatePerson(new Random(10));
        var image = PngFile.WithText(CardRenders.RenderFront(printed), CardGroundTruth.PngKeyword, CardGroundTruth.ForFront(embedded).ToJson());

        var reply = await s_client.RecognizeAsync(s_token, image, "front");

        Assert.AreEqual(embedded.IdNumber, reply.Words("公民身份号码"));
        Assert.AreEqual(embedded.Name, reply.Words("姓名"));
    }

    [TestMethod]
    public async Task WithRecognitionOffARenderIsANonCardAsBefore()
    {
        await using var host = await BaiduEmulatorHost.StartAsync(new EmulatorOptions { Recognition = RecognitionMode.Off });
        using var client = new EmulatorClient(host);
        var person = SyntheticIdentities.CreatePerson(new Random(4));

        var reply = await client.RecognizeAsync(await client.GetTokenAsync(), CardRenders.RenderFront(person), "front");

        Assert.AreEqual("non_idcard", reply.ImageStatus);
        Assert.AreEqual(0, reply.Body.GetProperty("words_result_num").GetInt32());
    }

    [TestMethod]
    public async Task WithoutTesseractARenderIsANonCardAndTheHostSaysHowToInstallIt()
    {
        var missing = Path.Combine(Path.GetTempPath(), $"shiming-no-such-tesseract-{Guid.NewGuid():N}");
        await using var host = await BaiduEmulatorHost.StartAsync(new EmulatorOptions { TesseractPath = missing });
        using var client = new EmulatorClient(host);

        var reply = await client.RecognizeAsync(await client.GetTokenAsync(), CardRenders.RenderFront(SyntheticIdentities.CreatePerson(new Random(4))), "front");

        Assert.IsFalse(host.Recognition.IsAvailable);
        Assert.Contains("apt-get install tesseract-ocr tesseract-ocr-chi-sim", host.Recognition.Description);
        Assert.AreEqual("non_idcard", reply.ImageStatus);
    }

    [TestMethod]
    public async Task TesseractIsRunWithoutAShellOnATemporaryCopyThatIsDeletedAfterwards()
    {
        using var fake = FakeTesseract.Create(
            """
            printf '%s\n' "$@" > "$RECORD"
            printf 'level\tpage_num\tblock_num\tpar_num\tline_num\tword_num\tleft\ttop\twidth\theight\tconf\ttext\n'
            printf '5\t1\t1\t1\t1\t1\t170\t380\t104\t26\t90\t签发机关\n'
            printf '5\t1\t1\t1\t1\t2\t300\t380\t260\t30\t90\t示例市公安局东城分局\n'
            printf '5\t1\t1\t1\t2\t1\t170\t448\t104\t26\t90\t有效期限\n'
            printf '5\t1\t1\t1\t2\t2\t300\t448\t340\t30\t90\t2019.06.06-长期\n'
            """);
        await using var host = await BaiduEmulatorHost.StartAsync(new EmulatorOptions { TesseractPath = fake.Path });
        using var client = new EmulatorClient(host);

        var reply = await client.RecognizeAsync(await client.GetTokenAsync(), CardRenders.RenderBack(new SyntheticCardBack("示例市公安局东城分局", new DateOnly(2019, 6, 6), "长期")), "back");

        CollectionAssert.AreEquivalent(
            new Dictionary<string, string> { ["签发机关"] = "示例市公安局东城分局", ["签发日期"] = "20190606", ["失效日期"] = "长期" },
            ReadWords(reply));
        var arguments = await File.ReadAllLinesAsync(fake.Record, TestContext.CancellationToken);
        Assert.EndsWith(".png", arguments[0]);
        Assert.IsFalse(File.Exists(arguments[0]), "the temporary image is deleted");
        CollectionAssert.IsSubsetOf(new[] { "-l", "chi_sim", "tsv" }, arguments);
    }

    [TestMethod]
    public async Task ATesseractRunPastItsTimeoutIsKilledAndAnsweredAsBaidusInternalError()
    {
        using var fake = FakeTesseract.Create(
            """
            printf '%s\n' "$1" > "$RECORD"
            echo $$ >> "$RECORD"
            exec sleep 60
            """);
        await using var host = await BaiduEmulatorHost.StartAsync(new EmulatorOptions { TesseractPath = fake.Path, RecognitionTimeout = TimeSpan.FromSeconds(1) });
        using var client = new EmulatorClient(host);

        var reply = await client.RecognizeAsync(await client.GetTokenAsync(), SyntheticCardImages.RenderPlainPicture(), "front");

        Assert.AreEqual(282000, reply.ErrorCode);
        var record = await File.ReadAllLinesAsync(fake.Record, TestContext.CancellationToken);
        Assert.IsFalse(File.Exists(record[0]), "the temporary image is deleted");
        Assert.IsFalse(IsRunning(int.Parse(record[1], CultureInfo.InvariantCulture)), "the Tesseract process is gone");
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

    private static bool IsRunning(int processId)
    {
        try
        {
            using var process = Process.GetProcessById(processId);
            return !process.HasExited;
        }
        catch (ArgumentException)
        {
            return false;
        }
    }

    private static Dictionary<string, string> ReadWords(BaiduReply reply) =>
        reply.Body.GetProperty("words_result").EnumerateObject().ToDictionary(field => field.Name, field => field.Value.GetProperty("words").GetString()!);

    /// <summary>
    /// A stand-in "tesseract": answers the availability probe like the real one and runs <c>body</c> for a
    /// recognition, with <c>$RECORD</c> naming a file it may write for the test to read.
    /// </summary>
    private sealed class FakeTesseract : IDisposable
    {
        private readonly DirectoryInfo _directory;

        private FakeTesseract(DirectoryInfo directory)
        {
            _directory = directory;
        }

        public string Path => System.IO.Path.Combine(_directory.FullName, "tesseract");

        public string Record => System.IO.Path.Combine(_directory.FullName, "record.txt");

        public static FakeTesseract Create(string body)
        {
            var fake = new FakeTesseract(Directory.CreateTempSubdirectory("shiming-fake-tesseract-"));
            var script = $"""
                #!/bin/sh
                RECORD='{fake.Record}'
                case "$1" in
                  --version) echo 'tesseract 5.3.0'; exit 0 ;;
                  --list-langs) printf 'List of available languages (2):\nchi_sim\neng\n'; exit 0 ;;
                esac
                {body}
                """;
            File.WriteAllText(fake.Path, script.Replace("\r\n", "\n", StringComparison.Ordinal));
            if (!OperatingSystem.IsWindows())
            {
                File.SetUnixFileMode(fake.Path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
            }
            return fake;
        }

        public void Dispose() => _directory.Delete(recursive: true);
    }
}
