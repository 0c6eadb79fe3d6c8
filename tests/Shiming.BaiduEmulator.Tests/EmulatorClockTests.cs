using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text;

namespace Shiming.BaiduEmulator.Tests;

/// <summary>
/// The emulator's own clock: a call is stamped and admitted (token, QPS window, quota) when it arrives, however busy
/// PaddleOCR keeps the emulator (opening its models, then reading), so a paced client is never refused for the
/// emulator's own stall.
/// </summary>
[TestClass]
public sealed class EmulatorClockTests
{
    private const int Limit = 10;
    private const int PacedCalls = 32;

    // Eight calls a second against a limit of ten: a stall of about a quarter of a second that bunched the stamps
    // would put more than ten into one second.
    private static readonly TimeSpan Pace = TimeSpan.FromMilliseconds(125);

    public TestContext TestContext { get; set; } = null!;

    [TestMethod]
    public async Task Paced_calls_arriving_while_PaddleOCR_loads_and_reads_are_all_admitted()
    {
        var models = BaiduEmulatorHost.ProbeRecognition();
        Assert.IsTrue(models.IsAvailable, $"This test needs PaddleOCR's models (npm ci): {models.Description}");

        // A folder of its own, so that this emulator opens the models afresh, as one does at its first reading.
        var folder = Directory.CreateTempSubdirectory("shiming-models-");
        try
        {
            foreach (var file in Directory.GetFiles(PaddleOcr.ResolveFolder(null)))
            {
                File.Copy(file, Path.Combine(folder.FullName, Path.GetFileName(file)));
            }

            await PaceWhileReadingAsync(folder.FullName);
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }

    private async Task PaceWhileReadingAsync(string models)
    {
        await using var host = await BaiduEmulatorHost.StartAsync(new EmulatorOptions
        {
            QpsLimit = 1_000,
            OcrModels = models,
            Apis = { [EmulatorApis.IdCard] = new EmulatorApiOptions { QpsLimit = Limit } },
        });
        using var client = new EmulatorClient(host);
        var token = await client.GetTokenAsync();
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(TestContext.CancellationToken);

        // Renders drawn and encoded beforehand, so that the only work in this process while the calls are paced is the
        // emulator's own.
        var random = new Random(100);
        var bodies = Enumerable.Range(0, Environment.ProcessorCount * 3)
            .Select(_ => Encoding.ASCII.GetBytes($"image={WebUtility.UrlEncode(Convert.ToBase64String(CardRenders.RenderFront(SyntheticIdentities.CreatePerson(random))))}"))
            .ToList();

        // The pace starts first; half a second on, more readings than there are cores start, and keep going.
        var (pausedBefore, gen2Before) = (GC.GetTotalPauseDuration(), GC.CollectionCount(2));
        List<DateTimeOffset> sent = [];
        var pacer = new Thread(() => sent = SendPaced(host.BaseAddress, token));
        pacer.Start();
        await Task.Delay(TimeSpan.FromMilliseconds(500), TestContext.CancellationToken);
        var readers = bodies.Select(body => ReadUntilStoppedAsync(client, token, body, stop.Token)).ToList();
        await Task.Run(pacer.Join, TestContext.CancellationToken);
        var (paused, gen2) = (GC.GetTotalPauseDuration() - pausedBefore, GC.CollectionCount(2) - gen2Before);
        await stop.CancelAsync();
        await Task.WhenAll(readers);

        var paced = host.Calls.Where(call => call.Endpoint == EmulatorApis.IdCard).ToList();
        var lags = paced.Zip(sent.Order()).Select(pair => (pair.First.ArrivedAt - pair.Second).TotalMilliseconds).ToList();
        var gaps = paced.Zip(paced.Skip(1)).Select(pair => ((int)(pair.Second.ArrivedAt - pair.First.ArrivedAt).TotalMilliseconds).ToString(CultureInfo.InvariantCulture));
        var summary = $"{paced.Count} paced calls stamped {lags.Min():F1} to {lags.Max():F1} ms (mean {lags.Average():F1}) after they were sent, "
            + $"at most {MostInAnySecond([.. paced.Select(call => call.ArrivedAt)])} in any second, gaps {string.Join(' ', gaps)} ms; "
            + $"{host.Calls.Count(call => call.Endpoint == EmulatorApis.GeneralBasic)} readings; GC paused {paused.TotalMilliseconds:F0} ms ({gen2} gen2)";
        TestContext.WriteLine(summary);

        Assert.HasCount(PacedCalls, paced);
        if (MostInAnySecond(sent) > Limit)
        {
            Assert.Inconclusive("The client itself could not keep its pace on this machine.");
        }

        Assert.AreEqual(0, paced.Count(call => call.ErrorCode == 18), $"no paced call is refused with error 18: {summary}");
        Assert.IsTrue(paced.All(call => call.ErrorCode is null), string.Join(", ", paced.Select(call => call.ErrorCode)));
    }

    /// <summary>
    /// Sends the paced calls from threads of their own, each leaving on schedule whether or not earlier ones were
    /// answered, as a drain sends them; synchronous sends, so that the test's own thread pool cannot hold them back.
    /// </summary>
    private static List<DateTimeOffset> SendPaced(Uri baseAddress, string token)
    {
        using var http = new HttpClient { BaseAddress = baseAddress };
        var card = Convert.ToBase64String(SyntheticCardImages.RenderFront(SyntheticIdentities.CreatePerson(new Random(7))));
        var sent = new List<DateTimeOffset>();
        var senders = new List<Thread>();
        var clock = Stopwatch.StartNew();
        for (var i = 0; i < PacedCalls; i++)
        {
            while (clock.Elapsed < Pace * i)
            {
                Thread.Sleep(1);
            }

            var sender = new Thread(() =>
            {
                using var request = new HttpRequestMessage(HttpMethod.Post, $"{EmulatorClient.IdCardPath}?access_token={Uri.EscapeDataString(token)}")
                {
                    Content = EmulatorClient.Form([new("id_card_side", "front"), new("image", card)]),
                };
                using var response = http.Send(request);
                response.Content.ReadAsStream().CopyTo(Stream.Null);
            });
            lock (sent)
            {
                sent.Add(DateTimeOffset.UtcNow);
            }

            sender.Start();
            senders.Add(sender);
        }

        foreach (var sender in senders)
        {
            sender.Join();
        }

        return sent;
    }

    private static async Task ReadUntilStoppedAsync(EmulatorClient client, string token, byte[] body, CancellationToken stop)
    {
        while (!stop.IsCancellationRequested)
        {
            try
            {
                using var content = new ByteArrayContent(body);
                content.Headers.ContentType = new("application/x-www-form-urlencoded");
                using var response = await client.Http.PostAsync($"{EmulatorClient.TextPath(EmulatorApis.GeneralBasic)}?access_token={Uri.EscapeDataString(token)}", content, stop);
                await response.Content.ReadAsStringAsync(stop);
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
                return;
            }
        }
    }

    private static int MostInAnySecond(IReadOnlyList<DateTimeOffset> times)
    {
        var sorted = times.Order().ToList();
        return sorted.Select((time, i) => sorted.Skip(i).TakeWhile(later => later - time < TimeSpan.FromSeconds(1)).Count()).Max();
    }
}
