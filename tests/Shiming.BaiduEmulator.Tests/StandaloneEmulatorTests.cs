using System.Diagnostics;
using System.Net;
using System.Text.RegularExpressions;

namespace Shiming.BaiduEmulator.Tests;

/// <summary>The emulator as the README runs it: its own process, configured from the command line.</summary>
[TestClass]
public sealed partial class StandaloneEmulatorTests
{
    private static readonly TimeSpan StartupTimeout = TimeSpan.FromSeconds(60);

    public TestContext TestContext { get; set; } = null!;

    [TestMethod]
    public async Task Generate_card_writes_a_seeded_card_and_prints_only_its_path()
    {
        var directory = Directory.CreateTempSubdirectory("shiming-card-");
        try
        {
            var path = Path.Combine(directory.FullName, "cards", "front.png");

            var (exitCode, output, error) = await RunToEndAsync("generate-card", "--side", "front", "--out", path, "--seed", "5");

            Assert.AreEqual(0, exitCode, error);
            Assert.AreEqual(path + Environment.NewLine, output);
            var truth = CardGroundTruth.Parse(PngFile.Texts(await File.ReadAllBytesAsync(path, TestContext.CancellationToken))[CardGroundTruth.PngKeyword]);
            var random = new Random(5);
            var person = SyntheticIdentities.CreatePerson(random);
            var back = SyntheticIdentities.CreateBack(random, person);
            Assert.AreEqual(
                (CardGroundTruth.ForFront(person) with { Authority = CardAuthority.For(AuthorityOutcome.Matched, back) }).ToJson(),
                truth.ToJson(),
                "the fields, and the authority's record with the dates of the back made with the same seed");
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }

    [TestMethod]
    [DataRow("mismatched", AuthorityOutcome.Mismatched)]
    [DataRow("lost", AuthorityOutcome.Lost)]
    [DataRow("unavailable", AuthorityOutcome.Unavailable)]
    public async Task Generate_card_with_an_authority_outcome_carries_it_to_the_identity_checks(string argument, AuthorityOutcome outcome)
    {
        var directory = Directory.CreateTempSubdirectory("shiming-card-");
        try
        {
            var path = Path.Combine(directory.FullName, "front.png");

            var (exitCode, _, error) = await RunToEndAsync("generate-card", "--side", "front", "--authority", argument, "--out", path, "--seed", "6");

            Assert.AreEqual(0, exitCode, error);
            var truth = CardGroundTruth.Parse(PngFile.Texts(await File.ReadAllBytesAsync(path, TestContext.CancellationToken))[CardGroundTruth.PngKeyword]);
            var random = new Random(6);
            var person = SyntheticIdentities.CreatePerson(random);
            Assert.AreEqual(CardAuthority.For(outcome, SyntheticIdentities.CreateBack(random, person)), truth.Authority);
            Assert.AreEqual(person.IdNumber, truth.Fields[IdCardFields.IdNumber], "the printed fields are the person's, whatever the authority says");
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }

    [TestMethod]
    public async Task Generate_card_with_an_unknown_authority_outcome_explains_its_usage()
    {
        var (exitCode, output, error) = await RunToEndAsync("generate-card", "--side", "front", "--authority", "forged", "--out", "never-written.png");

        Assert.AreEqual(2, exitCode);
        Assert.AreEqual(string.Empty, output);
        Assert.Contains("--authority matched|mismatched|lost|unavailable", error);
    }

    [TestMethod]
    public async Task Generate_card_without_a_side_explains_its_usage()
    {
        var (exitCode, output, error) = await RunToEndAsync("generate-card", "--out", "never-written.png");

        Assert.AreEqual(2, exitCode);
        Assert.AreEqual(string.Empty, output);
        Assert.Contains("--side front|back", error);
    }

    [TestMethod]
    public async Task Render_cards_writes_seeded_renders_without_ground_truth_and_a_truth_file()
    {
        var directory = Directory.CreateTempSubdirectory("shiming-renders-");
        try
        {
            var path = Path.Combine(directory.FullName, "set");

            var (exitCode, output, error) = await RunToEndAsync("render-cards", "--count", "2", "--out", path, "--seed", "3", "--degraded");

            Assert.AreEqual(0, exitCode, error);
            Assert.AreEqual(path + Environment.NewLine, output);
            CollectionAssert.AreEquivalent(
                new[] { "card-0001-back.jpg", "card-0001-front.jpg", "card-0002-back.jpg", "card-0002-front.jpg", CardRenderSet.TruthFile },
                Directory.GetFiles(path).Select(Path.GetFileName).ToArray());
            var cards = CardRenderSet.Read(path);
            var random = new Random(3);
            foreach (var card in cards)
            {
                var person = SyntheticIdentities.CreatePerson(random);
                var back = SyntheticIdentities.CreateBack(random, person);
                CollectionAssert.AreEquivalent(CardGroundTruth.ForFront(person).Fields.ToDictionary(), card.Front.ToDictionary());
                CollectionAssert.AreEquivalent(CardGroundTruth.ForBack(back).Fields.ToDictionary(), card.Back.ToDictionary());
                Assert.IsNotNull(card.FrontDegradation);
                var jpeg = await File.ReadAllBytesAsync(Path.Combine(path, card.FrontFile), TestContext.CancellationToken);

                // A render carries no ground truth: the emulator reads it, since no comment answers for it.
                Assert.IsNull(ImageInspector.Inspect(jpeg)!.GroundTruthJson, "a render carries no ground truth");
            }

            Assert.HasCount(2, cards);
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }

    [TestMethod]
    public async Task Render_document_writes_a_seeded_document_with_its_lines_as_ground_truth_or_without()
    {
        var directory = Directory.CreateTempSubdirectory("shiming-document-");
        try
        {
            var withTruth = Path.Combine(directory.FullName, "letter.png");
            var withoutTruth = Path.Combine(directory.FullName, "plain", "letter.png");

            var first = await RunToEndAsync("render-document", "--out", withTruth, "--seed", "4");
            var second = await RunToEndAsync("render-document", "--out", withoutTruth, "--seed", "4", "--without-truth");

            Assert.AreEqual(0, first.ExitCode, first.Error);
            Assert.AreEqual(withTruth + Environment.NewLine, first.Output);
            Assert.AreEqual(0, second.ExitCode, second.Error);
            var expected = SyntheticDocuments.Render(SyntheticDocuments.Create(new Random(4)));
            var truth = DocumentGroundTruth.Parse(PngFile.Texts(await File.ReadAllBytesAsync(withTruth, TestContext.CancellationToken))[CardGroundTruth.PngKeyword]);
            CollectionAssert.AreEqual(expected.Truth.Lines.ToList(), truth.Lines.ToList());
            Assert.IsEmpty(PngFile.Texts(await File.ReadAllBytesAsync(withoutTruth, TestContext.CancellationToken)));
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }

    [TestMethod]
    [DataRow("compliant", 1)]
    [DataRow("non_compliant", 2)]
    [DataRow("suspected", 3)]
    [DataRow("failed", 4)]
    public async Task Render_moderation_writes_a_picture_carrying_the_verdict(string verdict, int conclusionType)
    {
        var directory = Directory.CreateTempSubdirectory("shiming-moderation-");
        try
        {
            var path = Path.Combine(directory.FullName, "upload.png");

            var (exitCode, output, error) = await RunToEndAsync("render-moderation", "--out", path, "--verdict", verdict);

            Assert.AreEqual(0, exitCode, error);
            Assert.AreEqual(path + Environment.NewLine, output);
            var truth = ModerationGroundTruth.Parse(PngFile.Texts(await File.ReadAllBytesAsync(path, TestContext.CancellationToken))[CardGroundTruth.PngKeyword]);
            Assert.AreEqual(conclusionType, truth.ConclusionType);
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }

    [TestMethod]
    public async Task Render_moderation_without_a_known_verdict_explains_its_usage()
    {
        var (exitCode, output, error) = await RunToEndAsync("render-moderation", "--out", "never-written.png", "--verdict", "fine");

        Assert.AreEqual(2, exitCode);
        Assert.AreEqual(string.Empty, output);
        Assert.Contains("--verdict compliant|non_compliant|suspected|failed", error);
    }

    [TestMethod]
    public async Task The_standalone_emulator_logs_one_line_with_its_URL_and_serves_the_configured_key()
    {
        var person = SyntheticIdentities.CreatePerson(new Random(71));
        using var process = Start("--urls", "http://127.0.0.1:0", "--Emulator:ApiKey=standalone-key", "--Emulator:QpsLimit=3", "--Emulator:Apis:general_basic:QpsLimit=1");
        var lines = new List<string>();
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(TestContext.CancellationToken);
            timeout.CancelAfter(StartupTimeout);
            var first = await process.StandardOutput.ReadLineAsync(timeout.Token) ?? string.Empty;
            lines.Add(first);
            var url = ListeningUrl().Match(first);
            Assert.IsTrue(url.Success, first);
            Assert.Contains("standalone-key", first);
            Assert.Contains("images without ground truth are read by PaddleOCR PP-OCRv4", first);
            Assert.Contains("QPS idcard 3, general_basic 1, accurate_basic 3, general 3, accurate 3, user_defined 50", first);

            using var http = new HttpClient { BaseAddress = new Uri(url.Value) };
            using var token = await http.GetAsync("oauth/2.0/token?grant_type=client_credentials&client_id=standalone-key&client_secret=emulator-secret-key", TestContext.CancellationToken);
            var accessToken = (await EmulatorClient.ReadAsync(token)).Body.GetProperty("access_token").GetString()!;
            using var recognised = await http.PostAsync(
                $"{EmulatorClient.IdCardPath}?access_token={Uri.EscapeDataString(accessToken)}",
                EmulatorClient.Form([new("id_card_side", "front"), new("image", Convert.ToBase64String(SyntheticCardImages.RenderFront(person)))]),
                TestContext.CancellationToken);
            var reply = await EmulatorClient.ReadAsync(recognised);

            var document = SyntheticDocuments.Render(SyntheticDocuments.Create(new Random(71))).Png;
            var texts = new List<int?>();
            for (var i = 0; i < 2; i++)
            {
                using var read = await http.PostAsync(
                    $"{EmulatorClient.TextPath("general_basic")}?access_token={Uri.EscapeDataString(accessToken)}",
                    EmulatorClient.Form([new("image", Convert.ToBase64String(document))]),
                    TestContext.CancellationToken);
                texts.Add((await EmulatorClient.ReadAsync(read)).ErrorCode);
            }

            Assert.AreEqual(HttpStatusCode.OK, token.StatusCode);
            Assert.AreEqual(person.IdNumber, reply.Words("公民身份号码"));

            // The second general_basic call within the second is over that API's own limit of 1.
            Assert.IsNull(texts[0]);
            Assert.AreEqual(18, texts[1]);
        }
        finally
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync(TestContext.CancellationToken);
        }

        var rest = await process.StandardOutput.ReadToEndAsync(TestContext.CancellationToken);
        lines.AddRange(rest.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.HasCount(1, lines, string.Join('\n', lines));
        Assert.DoesNotContain(person.IdNumber, lines[0]);
        Assert.DoesNotContain(person.Name, lines[0]);
    }

    [TestMethod]
    public async Task Fault_settings_bind_from_the_command_line_as_a_benchmark_sets_them()
    {
        using var process = Start(
            "--urls", "http://127.0.0.1:0", "--Emulator:Recognition=Off", "--Emulator:InternalErrorRate=1", "--Emulator:FaultSeed=7",
            "--Emulator:LatencyMedian=00:00:00.010", "--Emulator:LatencyP99=00:00:00.050", "--Emulator:QpsBurstLength=00:00:02", "--Emulator:DailyQuota=5");
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(TestContext.CancellationToken);
            timeout.CancelAfter(StartupTimeout);
            var first = await process.StandardOutput.ReadLineAsync(timeout.Token) ?? string.Empty;
            var url = ListeningUrl().Match(first);
            Assert.IsTrue(url.Success, first);

            using var http = new HttpClient { BaseAddress = new Uri(url.Value) };
            using var token = await http.GetAsync("oauth/2.0/token?grant_type=client_credentials&client_id=emulator-api-key&client_secret=emulator-secret-key", TestContext.CancellationToken);
            var accessToken = (await EmulatorClient.ReadAsync(token)).Body.GetProperty("access_token").GetString()!;
            using var answered = await http.PostAsync(
                $"{EmulatorClient.IdCardPath}?access_token={Uri.EscapeDataString(accessToken)}",
                EmulatorClient.Form([new("id_card_side", "front"), new("image", Convert.ToBase64String(SyntheticCardImages.RenderPlainPicture()))]),
                TestContext.CancellationToken);
            var reply = await EmulatorClient.ReadAsync(answered);
            using var calls = System.Text.Json.JsonDocument.Parse(await http.GetStringAsync("emulator/calls", TestContext.CancellationToken));

            Assert.AreEqual(282000, reply.ErrorCode);
            Assert.AreEqual(EmulatorFaults.InternalError, calls.RootElement[0].GetProperty("fault").GetString());
        }
        finally
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync(TestContext.CancellationToken);
        }
    }

    [TestMethod]
    public async Task A_fault_rate_out_of_range_stops_the_standalone_emulator_naming_the_setting()
    {
        var (exitCode, _, error) = await RunToEndAsync("--urls", "http://127.0.0.1:0", "--Emulator:ServerErrorRate=2");

        Assert.AreNotEqual(0, exitCode);
        Assert.Contains("Emulator:ServerErrorRate must be between 0 and 1", error);
    }

    [GeneratedRegex(@"http://127\.0\.0\.1:[0-9]+")]
    private static partial Regex ListeningUrl();

    private async Task<(int ExitCode, string Output, string Error)> RunToEndAsync(params string[] arguments)
    {
        using var process = Start(arguments);
        var output = process.StandardOutput.ReadToEndAsync(TestContext.CancellationToken);
        var error = process.StandardError.ReadToEndAsync(TestContext.CancellationToken);
        await process.WaitForExitAsync(TestContext.CancellationToken);
        return (process.ExitCode, await output, await error);
    }

    private static Process Start(params string[] arguments)
    {
        var start = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,

            // Away from the test output folder, whose content root holds other apps' settings.
            WorkingDirectory = Path.GetTempPath(),
        };
        start.ArgumentList.Add(typeof(BaiduEmulatorHost).Assembly.Location);
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        return Process.Start(start) ?? throw new InvalidOperationException("The emulator process did not start.");
    }
}
