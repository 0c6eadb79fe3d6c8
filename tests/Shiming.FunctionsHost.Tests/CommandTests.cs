using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Text.RegularExpressions;
using Shiming.Tests.Infrastructure;

namespace Shiming.FunctionsHost.Tests;

[TestClass]
public sealed partial class CommandTests
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(90);

    [TestMethod]
    public async Task The_command_says_what_it_is_and_runs_then_lists_the_http_urls_like_func_start_and_stops_on_ctrl_c()
    {
        var azurite = await Azurite.GetSharedAsync();
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "Shiming.FunctionsHost.dll"));
        foreach (var argument in new[] { "--script-root", TestHosts.TestWorkerOutput, "--port", "0" })
        {
            start.ArgumentList.Add(argument);
        }

        // Set in the environment, the storage setting wins over local.settings.json's, as under func start.
        start.Environment["AzureWebJobsStorage"] = azurite.ConnectionString;
        using var process = Process.Start(start)!;
        var lines = new BlockingCollection<string>();
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) { lines.Add(e.Data); } };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) { lines.Add(e.Data); } };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            using var timeout = new CancellationTokenSource(Wait);
            var first = lines.Take(timeout.Token);
            StringAssert.StartsWith(first, "Functions host emulator ");
            StringAssert.Contains(first, "Shiming.FunctionsHost.TestWorker.dll");
            StringAssert.Contains(first, TestHosts.TestWorkerOutput);

            var seen = new List<string>();
            string? echo = null;
            while (echo is null || !seen.Any(l => l.Trim() == "Tick: timerTrigger"))
            {
                var line = lines.Take(timeout.Token);
                seen.Add(line);
                echo ??= EchoLine().Match(line) is { Success: true } match ? match.Groups["url"].Value : null;
            }

            Assert.IsTrue(seen.Any(l => l.Contains("Skipping 'AzureWebJobsStorage' from local settings", StringComparison.Ordinal)));
            using var client = new HttpClient();
            using var response = await client.GetAsync(echo.Replace("{name}", "ada", StringComparison.Ordinal), timeout.Token);
            Assert.AreEqual(HttpStatusCode.OK, response.StatusCode);

            using (var interrupt = Process.Start("kill", ["-INT", process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
            {
                await interrupt.WaitForExitAsync(timeout.Token);
            }

            await process.WaitForExitAsync(timeout.Token);
            Assert.AreEqual(0, process.ExitCode);
        }
        finally
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
            }
        }
    }

    [GeneratedRegex(@"^\s+Echo: \[GET,POST\] (?<url>http://127\.0\.0\.1:\d+/test-api/echo/\{name\})$")]
    private static partial Regex EchoLine();
}
