using System.Net.Http.Json;
using System.Text.Json;
using NCrontab;
using Shiming.Tests.Infrastructure;

namespace Shiming.Tests.Hosting;

/// <summary>
/// What <c>dotnet build</c> writes for the Functions host (functions.metadata, worker.config.json) lists every
/// function, and the OpenAPI document the app serves describes exactly its HTTP functions.
/// </summary>
[TestClass]
public sealed class FunctionMetadataTests
{
    private static readonly string[] HttpFunctions =
    [
        "SubmitVerification", "GetVerificationStatus", "TerminateVerification", "PurgeVerification",
        "SubmitTextRecognition", "GetTextRecognitionStatus", "TerminateTextRecognition", "PurgeTextRecognition",
        "SubmitImageModeration", "GetImageModerationStatus", "TerminateImageModeration", "PurgeImageModeration",
        "SubmitIdentityCheck", "GetIdentityCheckStatus", "TerminateIdentityCheck", "PurgeIdentityCheck",
        "ListPatients", "AddPatient", "GetPatient", "RemovePatient", "GetOpenApiDocument", "WebPage",
    ];

    /// <summary>Served, but not part of the API the document describes.</summary>
    private static readonly string[] Undocumented = ["GetOpenApiDocument", "WebPage"];

    private static ShimingTestApp s_app = null!;
    private static JsonElement s_metadata;
    private static JsonElement s_document;

    [ClassInitialize]
    public static async Task StartAsync(TestContext _)
    {
        s_app = await ShimingTestApp.GetSharedAsync(SharedApp.TimersDisabled);
        s_metadata = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(WorkerHost.ScriptRoot, "functions.metadata"))).RootElement;
        s_document = await s_app.Client.GetFromJsonAsync<JsonElement>("/api/openapi/v1.json");
    }

    [TestMethod]
    public void The_build_writes_every_function_and_no_function_json()
    {
        CollectionAssert.AreEquivalent(
            HttpFunctions.Concat(["DrainVerifications", "DrainIdentityChecks", "DrainTextRecognitions", "DrainImageModerations", "PurgeExpiredVerifications"]).ToArray(),
            s_metadata.EnumerateArray().Select(f => f.GetProperty("name").GetString()).ToArray());
        Assert.IsTrue(s_metadata.EnumerateArray().All(f => f.GetProperty("language").GetString() == "dotnet-isolated"));
        Assert.IsEmpty(Directory.GetFiles(WorkerHost.ScriptRoot, "function.json", SearchOption.AllDirectories));

        using var config = JsonDocument.Parse(File.ReadAllText(Path.Combine(WorkerHost.ScriptRoot, "worker.config.json")));
        var description = config.RootElement.GetProperty("description");
        Assert.AreEqual("dotnet", description.GetProperty("defaultExecutablePath").GetString());
        Assert.AreEqual("Shiming.Functions.dll", description.GetProperty("defaultWorkerPath").GetString());
    }

    [TestMethod]
    public void The_OpenAPI_document_has_exactly_the_routes_and_methods_of_the_http_functions()
    {
        var fromMetadata = (
            from function in s_metadata.EnumerateArray()
            let name = function.GetProperty("name").GetString()!
            where !Undocumented.Contains(name)
            from binding in function.GetProperty("bindings").EnumerateArray()
            where binding.GetProperty("type").GetString() == "httpTrigger"
            from method in binding.GetProperty("methods").EnumerateArray()
            select $"{method.GetString()!.ToUpperInvariant()} /api/{binding.GetProperty("route").GetString()} {name}").ToArray();
        var fromDocument = (
            from path in s_document.GetProperty("paths").EnumerateObject()
            from operation in path.Value.EnumerateObject()
            select $"{operation.Name.ToUpperInvariant()} {path.Name} {operation.Value.GetProperty("operationId").GetString()}").ToArray();

        CollectionAssert.AreEquivalent(fromMetadata, fromDocument);
    }

    [TestMethod]
    public void Every_documented_operation_answers_401_without_an_account_and_has_a_success_status()
    {
        foreach (var path in s_document.GetProperty("paths").EnumerateObject())
        {
            foreach (var operation in path.Value.EnumerateObject())
            {
                var statuses = operation.Value.GetProperty("responses").EnumerateObject().Select(r => r.Name).ToList();
                Assert.Contains("401", statuses, $"{operation.Name} {path.Name}");
                Assert.IsTrue(statuses.Any(s => s.StartsWith('2')), $"{operation.Name} {path.Name} has no success status");
            }
        }
    }

    [TestMethod]
    public void The_timers_are_a_drain_of_each_kind_every_second_and_the_daily_retention_purge()
    {
        var from = new DateTime(2026, 1, 5, 10, 15, 0, DateTimeKind.Utc);
        foreach (var name in new[] { "DrainVerifications", "DrainIdentityChecks", "DrainTextRecognitions", "DrainImageModerations" })
        {
            Assert.HasCount(5, Schedule(name).GetNextOccurrences(from, from.AddSeconds(5.5)).ToList(), name);
        }

        var purge = Schedule("PurgeExpiredVerifications");
        Assert.HasCount(1, purge.GetNextOccurrences(from, from.AddDays(1)).ToList());
    }

    private static CrontabSchedule Schedule(string function)
    {
        var trigger = s_metadata.EnumerateArray().Single(f => f.GetProperty("name").GetString() == function)
            .GetProperty("bindings").EnumerateArray().Single(b => b.GetProperty("type").GetString() == "timerTrigger");
        return CrontabSchedule.Parse(trigger.GetProperty("schedule").GetString()!, new CrontabSchedule.ParseOptions { IncludingSeconds = true });
    }
}
