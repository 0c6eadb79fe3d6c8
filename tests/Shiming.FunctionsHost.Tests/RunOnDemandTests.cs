using System.Net;
using System.Net.Http.Json;
using Microsoft.Extensions.Logging;
using Shiming.FunctionsHost.Worker;

namespace Shiming.FunctionsHost.Tests;

[TestClass]
public sealed class RunOnDemandTests
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(60);
    private static FunctionsHost _host = null!;
    private static HttpClient _client = null!;

    [ClassInitialize]
    public static async Task StartAsync(TestContext _)
    {
        _host = await TestHosts.GetSharedAsync();
        _client = new HttpClient { BaseAddress = _host.BaseAddress };
    }

    [ClassCleanup]
    public static void Stop() => _client.Dispose();

    [TestMethod]
    public async Task A_queue_function_runs_with_the_input_and_the_result_carries_its_log_items_level_category_and_exception()
    {
        var marker = $"ok-{Guid.NewGuid():N}";

        var result = await _host.RunFunctionAsync("Report", marker);

        Assert.IsTrue(result.Succeeded);
        Assert.IsFalse(result.WorkerLost);
        Assert.IsNull(result.Exception);
        Assert.IsTrue(result.Logs.All(e => e.InvocationId == result.InvocationId && e.FunctionName == "Report" && e.Category == "Function.Report"));
        var received = result.Logs.Single(e => e.Message == $"Report received {marker}");
        Assert.AreEqual(LogLevel.Information, received.Level);
        Assert.AreEqual(WorkerLogKind.User, received.Kind);
        var warned = result.Logs.Single(e => e.Message == $"Report warned about {marker}");
        Assert.AreEqual(LogLevel.Warning, warned.Level);
        Assert.IsNotNull(warned.Exception);
        Assert.AreEqual("System.FormatException", warned.Exception.Type);
        Assert.AreEqual($"format trouble {marker}", warned.Exception.Message);
    }

    [TestMethod]
    public async Task A_run_that_throws_reports_the_exception_type_and_message()
    {
        var marker = $"fail-{Guid.NewGuid():N}";

        var result = await _host.RunFunctionAsync("Report", marker);

        Assert.IsFalse(result.Succeeded);
        Assert.IsFalse(result.WorkerLost);
        StringAssert.Contains(result.ExceptionType, "InvalidOperationException");
        StringAssert.Contains(result.ExceptionMessage, $"asked to fail by {marker}");
    }

    [TestMethod]
    public async Task The_workers_console_lines_are_kept_apart_from_its_log_items_and_a_search_finds_text_anywhere()
    {
        var marker = $"console-{Guid.NewGuid():N}";

        await _host.RunFunctionAsync("Report", marker);

        // The console is read on its own pipe; the line may come a moment after the invocation's answer.
        using var timeout = new CancellationTokenSource(Wait);
        while (!_host.WorkerLog.ConsoleLines.Any(l => l.Text == $"Report wrote {marker} to stderr")
            || !_host.WorkerLog.ConsoleLines.Any(l => l.Text == $"Report wrote {marker} to stdout"))
        {
            await Task.Delay(100, timeout.Token);
        }

        Assert.IsTrue(_host.WorkerLog.ConsoleLines.Single(l => l.Text == $"Report wrote {marker} to stderr").IsError);
        Assert.IsFalse(_host.WorkerLog.ConsoleLines.Single(l => l.Text == $"Report wrote {marker} to stdout").IsError);
        var found = _host.WorkerLog.WhereContains(marker);
        Assert.IsTrue(found.Any(f => f.EndsWith(": message", StringComparison.Ordinal)));
        Assert.IsTrue(found.Any(f => f.EndsWith(": exception message", StringComparison.Ordinal)));
        Assert.IsTrue(found.Any(f => f.StartsWith("stderr line", StringComparison.Ordinal)));
        Assert.IsTrue(found.Any(f => f.StartsWith("stdout line", StringComparison.Ordinal)));
        Assert.IsFalse(found.Any(f => f.Contains(marker, StringComparison.Ordinal)), "A match is described by where it is, not by what it says.");
        Assert.AreEqual(0, _host.WorkerLog.WhereContains($"never-logged-{Guid.NewGuid():N}").Count);
    }

    [TestMethod]
    public async Task Only_timer_and_queue_functions_run_on_demand()
    {
        await Assert.ThrowsExactlyAsync<ArgumentException>(() => _host.RunFunctionAsync("NoSuchFunction"));
        await Assert.ThrowsExactlyAsync<ArgumentException>(() => _host.RunFunctionAsync("Echo"));
    }

    [TestMethod]
    public async Task The_admin_api_answers_202_and_runs_the_function_with_the_input()
    {
        var marker = $"admin-{Guid.NewGuid():N}";

        using var response = await _client.PostAsJsonAsync("admin/functions/Report", new { input = marker });

        Assert.AreEqual(HttpStatusCode.Accepted, response.StatusCode);
        var entry = await _host.WorkerLog.WaitForAsync(e => e.Message == $"Report received {marker}", Wait);
        Assert.AreEqual("Function.Report", entry.Category);
    }

    [TestMethod]
    public async Task The_admin_api_answers_an_unknown_or_http_function_404_a_bad_body_400_and_another_method_405()
    {
        using var unknown = await _client.PostAsJsonAsync("admin/functions/NoSuchFunction", new { input = "x" });
        using var http = await _client.PostAsJsonAsync("admin/functions/Echo", new { input = "x" });
        using var notJson = await _client.PostAsync("admin/functions/Report", new StringContent("not json", System.Text.Encoding.UTF8, "application/json"));
        using var empty = await _client.PostAsync("admin/functions/Report", new StringContent(""));
        using var get = await _client.GetAsync("admin/functions/Report");

        Assert.AreEqual(HttpStatusCode.NotFound, unknown.StatusCode);
        Assert.AreEqual(HttpStatusCode.NotFound, http.StatusCode);
        Assert.AreEqual(HttpStatusCode.BadRequest, notJson.StatusCode);
        Assert.AreEqual("application/problem+json", notJson.Content.Headers.ContentType?.MediaType);
        Assert.AreEqual(HttpStatusCode.BadRequest, empty.StatusCode);
        Assert.AreEqual(HttpStatusCode.MethodNotAllowed, get.StatusCode);
    }
}
