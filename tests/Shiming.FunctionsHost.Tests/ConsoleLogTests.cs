using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;

namespace Shiming.FunctionsHost.Tests;

[TestClass]
public sealed class ConsoleLogTests
{
    [TestMethod]
    public async Task The_workers_log_items_and_console_lines_go_to_the_hosts_logger_under_the_functions_name()
    {
        var collector = new FakeLogCollector();
        using var loggers = Collecting(collector);
        await using var host = await TestHosts.StartAsync(loggerFactory: loggers);
        var marker = $"console-{Guid.NewGuid():N}";

        await host.RunFunctionAsync("Report", marker);
        await host.StopAsync();

        var records = collector.GetSnapshot();
        Assert.IsTrue(records.Any(r => r.Category == "Function.Report" && r.Level == LogLevel.Information && r.Message == $"Report received {marker}"));
        var warned = records.Single(r => r.Category == "Function.Report" && r.Message.StartsWith($"Report warned about {marker}", StringComparison.Ordinal));
        Assert.AreEqual(LogLevel.Warning, warned.Level);
        StringAssert.Contains(warned.Message, $"System.FormatException: format trouble {marker}");
        Assert.IsTrue(records.Any(r => r.Category == "Host.Worker.Console" && r.Message.EndsWith($"Report wrote {marker} to stderr", StringComparison.Ordinal)));
        // The WebJobs SDK's line under the function's category: 'Report' here, 'Functions.Report' in the host.
        Assert.IsTrue(records.Any(r => r.Category == "Function.Report" && IsExecuted(r, "Report", "Succeeded")));
    }

    [TestMethod]
    public async Task A_failed_invocation_is_logged_at_error_with_the_workers_exception_as_the_Functions_host_does()
    {
        var collector = new FakeLogCollector();
        using var loggers = Collecting(collector);
        await using var host = await TestHosts.StartAsync(loggerFactory: loggers);
        var marker = $"fail-{Guid.NewGuid():N}";

        var run = await host.RunFunctionAsync("Report", marker);
        using (var http = new HttpClient { BaseAddress = host.BaseAddress })
        using (var thrown = await http.GetAsync("test-api/throws"))
        {
            Assert.AreEqual(System.Net.HttpStatusCode.InternalServerError, thrown.StatusCode);
        }

        await host.StopAsync();

        Assert.IsFalse(run.Succeeded);
        var records = collector.GetSnapshot();
        var timer = records.Single(r => r.Category == "Function.Report" && IsExecuted(r, "Report", "Failed"));
        Assert.AreEqual(LogLevel.Error, timer.Level);
        StringAssert.Contains(timer.Message, $"(Failed, Id={run.InvocationId}");
        StringAssert.Contains(timer.Exception?.ToString(), $"System.InvalidOperationException: asked to fail by {marker}");
        var forwarded = records.Single(r => r.Message.StartsWith("Executed 'Functions.Throws' (", StringComparison.Ordinal));
        Assert.AreEqual(LogLevel.Error, forwarded.Level);
        StringAssert.StartsWith(forwarded.Message, "Executed 'Functions.Throws' (Failed, Id=");
        StringAssert.Contains(forwarded.Message, "System.InvalidOperationException: secret failure detail");
        Assert.IsFalse(records.Any(r => r.Level < LogLevel.Error && r.Message.Contains("(Failed, Id=", StringComparison.Ordinal)));
    }

    [TestMethod]
    public async Task Host_json_log_levels_quiet_a_functions_executed_lines_and_keep_its_failures()
    {
        // The test worker's host.json sets Function.Work to Warning, as the app's quiets its drains.
        var collector = new FakeLogCollector();
        using var loggers = Collecting(collector);
        await using var host = await TestHosts.StartAsync(loggerFactory: loggers);

        Assert.IsTrue((await host.RunFunctionAsync("Work", $"ok-{Guid.NewGuid():N}")).Succeeded);
        var failed = await host.RunFunctionAsync("Work", $"fail-{Guid.NewGuid():N}");
        Assert.IsTrue((await host.RunFunctionAsync("Report", $"ok-{Guid.NewGuid():N}")).Succeeded);
        await host.StopAsync();

        var records = collector.GetSnapshot();
        Assert.IsFalse(records.Any(r => r.Category == "Function.Work" && r.Message.StartsWith("Executing '", StringComparison.Ordinal)));
        Assert.IsFalse(records.Any(r => r.Category == "Function.Work" && IsExecuted(r, "Work", "Succeeded")));
        var failure = records.Single(r => r.Category == "Function.Work" && IsExecuted(r, "Work", "Failed"));
        Assert.AreEqual(LogLevel.Error, failure.Level);
        StringAssert.Contains(failure.Message, failed.InvocationId);
        Assert.IsTrue(records.Any(r => r.Category == "Function.Report" && IsExecuted(r, "Report", "Succeeded")), "Other functions keep their lines.");
    }

    [TestMethod]
    public async Task Storage_gone_before_the_host_stops_is_one_warning_and_no_exception()
    {
        var collector = new FakeLogCollector();
        using var loggers = Collecting(collector);
        var storage = await Shiming.Tests.Infrastructure.Azurite.StartAsync();
        FunctionsHost host;
        try
        {
            host = await TestHosts.StartAsync(settings: new Dictionary<string, string> { ["AzureWebJobsStorage"] = storage.ConnectionString }, loggerFactory: loggers);
            await host.WorkerLog.WaitForAsync(e => e.Message.StartsWith("Tick started", StringComparison.Ordinal), TimeSpan.FromSeconds(60));
        }
        finally
        {
            // As Ctrl-C on a command that stopped Azurite first: the timer's listener lock cannot be given up.
            await storage.DisposeAsync();
        }

        await host.DisposeAsync();

        var records = collector.GetSnapshot();
        var warnings = records.Where(r => r.Level == LogLevel.Warning && r.Message.Contains("lock", StringComparison.OrdinalIgnoreCase)).ToArray();
        Assert.HasCount(1, warnings, string.Join("\n", records.Where(r => r.Level >= LogLevel.Warning).Select(r => $"{r.Category} {r.Level} {r.Message}")));
        Assert.IsNull(warnings[0].Exception);
    }

    private static bool IsExecuted(FakeLogRecord record, string function, string outcome) =>
        (record.Message.StartsWith($"Executed '{function}' ({outcome}", StringComparison.Ordinal)
            || record.Message.StartsWith($"Executed 'Functions.{function}' ({outcome}", StringComparison.Ordinal));

    private static ILoggerFactory Collecting(FakeLogCollector collector) =>
        LoggerFactory.Create(logging => logging.SetMinimumLevel(LogLevel.Information).AddProvider(new FakeLoggerProvider(collector)));
}
