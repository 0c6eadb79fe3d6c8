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
        using var loggers = LoggerFactory.Create(logging => logging.SetMinimumLevel(LogLevel.Information).AddProvider(new FakeLoggerProvider(collector)));
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
        Assert.IsTrue(records.Any(r => r.Category == "Host.Triggers" && r.Message.StartsWith("Executed 'Functions.Report' (Succeeded", StringComparison.Ordinal)));
    }
}
