using System.Diagnostics;
using System.Text.Json;
using Cronos;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Shiming.Hosting;
using Shiming.Tests.Infrastructure;

namespace Shiming.Tests.Hosting;

/// <summary>The function.json files the host reads describe exactly the endpoints and timers the app has.</summary>
[TestClass]
public sealed class FunctionMetadataTests
{
    private static ShimingTestApp s_app = null!;
    private static string s_scriptRoot = null!;

    [ClassInitialize]
    public static async Task GenerateAsync(TestContext _)
    {
        s_app = await ShimingTestApp.StartAsync(s => s["Baidu:QpsLimit"] = "1");
        s_scriptRoot = Directory.CreateTempSubdirectory("shiming-script-root-").FullName;

        // The same command the publish step runs.
        using var process = Process.Start(new ProcessStartInfo("dotnet")
        {
            ArgumentList = { Path.Combine(AppContext.BaseDirectory, "Shiming.Functions.dll"), "--write-function-metadata", s_scriptRoot },
        })!;
        await process.WaitForExitAsync();
        Assert.AreEqual(0, process.ExitCode);
    }

    [ClassCleanup]
    public static async Task CleanupAsync()
    {
        await s_app.DisposeAsync();
        Directory.Delete(s_scriptRoot, recursive: true);
    }

    [TestMethod]
    public void Every_http_function_json_matches_an_endpoint_with_the_same_name_route_and_methods()
    {
        var endpoints = FunctionEndpoints();
        var folders = Directory.GetDirectories(s_scriptRoot).Select(Path.GetFileName).ToHashSet();

        foreach (var (name, (route, methods)) in endpoints)
        {
            Assert.Contains(name, folders, $"no function folder for endpoint {name}");
            var trigger = Binding(name, "httpTrigger");
            Assert.AreEqual(route, $"{ShimingFunctions.RoutePrefix}/{trigger.GetProperty("route").GetString()}");
            CollectionAssert.AreEquivalent(
                methods.Select(m => m.ToLowerInvariant()).ToArray(),
                trigger.GetProperty("methods").EnumerateArray().Select(m => m.GetString()).ToArray());
            Assert.AreEqual("http", Binding(name, "http").GetProperty("type").GetString());
        }
    }

    [TestMethod]
    public void Every_function_folder_is_either_an_endpoint_or_a_timer_the_app_runs()
    {
        var endpoints = FunctionEndpoints();
        var timers = ShimingFunctions.Timers.Select(t => t.Name).ToHashSet();

        foreach (var folder in Directory.GetDirectories(s_scriptRoot).Select(Path.GetFileName))
        {
            Assert.IsTrue(endpoints.ContainsKey(folder!) || timers.Contains(folder!), $"{folder} has a function.json but nothing in the app answers it");
        }

        Assert.AreEqual(endpoints.Count + timers.Count, Directory.GetDirectories(s_scriptRoot).Length);
    }

    [TestMethod]
    public void Every_timer_function_json_carries_the_schedule_the_in_process_scheduler_runs()
    {
        foreach (var timer in ShimingFunctions.Timers)
        {
            var trigger = Binding(timer.Name, "timerTrigger");
            Assert.AreEqual(timer.Schedule, trigger.GetProperty("schedule").GetString());
            Assert.AreEqual(TimerInvocation.BindingName, trigger.GetProperty("name").GetString());
            Assert.IsFalse(trigger.GetProperty("runOnStartup").GetBoolean());
            _ = CronExpression.Parse(trigger.GetProperty("schedule").GetString()!, CronFormat.IncludeSeconds);
        }
    }

    [TestMethod]
    public void The_drain_runs_every_second()
    {
        var schedule = CronExpression.Parse(Binding("DrainVerifications", "timerTrigger").GetProperty("schedule").GetString()!, CronFormat.IncludeSeconds);
        var from = new DateTime(2026, 1, 5, 10, 15, 0, DateTimeKind.Utc);

        var next = schedule.GetOccurrences(from, from.AddSeconds(5), fromInclusive: false, toInclusive: true).ToList();

        Assert.HasCount(5, next);
    }

    /// <summary>The app's /api endpoints, by endpoint name: route and methods.</summary>
    private static Dictionary<string, (string Route, IReadOnlyList<string> Methods)> FunctionEndpoints() =>
        s_app.Services.GetRequiredService<EndpointDataSource>().Endpoints
            .OfType<RouteEndpoint>()
            .Where(e => e.RoutePattern.RawText?.TrimStart('/').StartsWith($"{ShimingFunctions.RoutePrefix}/", StringComparison.Ordinal) == true)
            .ToDictionary(
                e => e.Metadata.GetMetadata<IEndpointNameMetadata>()?.EndpointName ?? throw new AssertFailedException($"{e.DisplayName} has no name"),
                e => (e.RoutePattern.RawText!.TrimStart('/'), e.Metadata.GetMetadata<HttpMethodMetadata>()!.HttpMethods));

    private static JsonElement Binding(string function, string type)
    {
        using var document = JsonDocument.Parse(File.ReadAllText(Path.Combine(s_scriptRoot, function, "function.json")));
        return document.RootElement.GetProperty("bindings").EnumerateArray().Single(b => b.GetProperty("type").GetString() == type).Clone();
    }
}
