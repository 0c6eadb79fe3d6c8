using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Shiming.Tests.Infrastructure;

namespace Shiming.Tests.Api;

[TestClass]
public sealed class OpenApiAndCorsTests
{
    private const string Frontend = "https://clinic.example.org";
    private static ShimingTestApp s_app = null!;

    [ClassInitialize]
    public static async Task StartAsync(TestContext _) =>
        s_app = await ShimingTestApp.StartAsync(environment: "Production", runTimers: false, corsOrigins: [Frontend, "https://other.example.org"]);

    [ClassCleanup]
    public static async Task StopAsync() => await s_app.DisposeAsync();

    [TestMethod]
    public async Task The_OpenAPI_document_lists_every_operation_with_every_status_of_the_contract()
    {
        // The contract table of the design, operation by operation, and the same contract for the other kinds of job.
        var contract = new Dictionary<(string Path, string Method), string[]>
        {
            [("/api/verifications", "post")] = ["202", "400", "401", "409", "413", "415", "422", "429", "503"],
            [("/api/verifications/{id}", "get")] = ["200", "202", "401", "404", "503"],
            [("/api/verifications/{id}/terminate", "post")] = ["202", "401", "404", "410", "503"],
            [("/api/verifications/{id}", "delete")] = ["200", "401", "404", "503"],
            [("/api/text-recognitions", "post")] = ["202", "400", "401", "409", "413", "415", "422", "429", "503"],
            [("/api/text-recognitions/{id}", "get")] = ["200", "202", "401", "404", "503"],
            [("/api/text-recognitions/{id}/terminate", "post")] = ["202", "401", "404", "410", "503"],
            [("/api/text-recognitions/{id}", "delete")] = ["200", "401", "404", "503"],
            [("/api/image-moderations", "post")] = ["202", "400", "401", "409", "413", "415", "422", "429", "503"],
            [("/api/image-moderations/{id}", "get")] = ["200", "202", "401", "404", "503"],
            [("/api/image-moderations/{id}/terminate", "post")] = ["202", "401", "404", "410", "503"],
            [("/api/image-moderations/{id}", "delete")] = ["200", "401", "404", "503"],
            [("/api/identity-checks", "post")] = ["202", "400", "401", "409", "422", "429", "503"],
            [("/api/identity-checks/{id}", "get")] = ["200", "202", "401", "404", "503"],
            [("/api/identity-checks/{id}/terminate", "post")] = ["202", "401", "404", "410", "503"],
            [("/api/identity-checks/{id}", "delete")] = ["200", "401", "404", "503"],
            [("/api/patients", "get")] = ["200", "401", "503"],
            [("/api/patients", "post")] = ["201", "400", "401", "409", "422", "503"],
            [("/api/patients/{id}", "get")] = ["200", "401", "404", "503"],
            [("/api/patients/{id}", "delete")] = ["204", "401", "404", "503"],
        };

        using var response = await s_app.Client.GetAsync("/api/openapi/v1.json");

        Assert.AreEqual(HttpStatusCode.OK, response.StatusCode);
        var document = await response.Content.ReadFromJsonAsync<JsonElement>();
        var paths = document.GetProperty("paths");
        foreach (var ((path, method), statuses) in contract)
        {
            var operation = paths.GetProperty(path).GetProperty(method);
            var documented = operation.GetProperty("responses").EnumerateObject().Select(r => r.Name).ToArray();
            CollectionAssert.AreEquivalent(statuses, documented, $"{method} {path}");
        }

        var operations = paths.EnumerateObject().SelectMany(p => p.Value.EnumerateObject().Select(m => (p.Name, m.Name))).ToHashSet();
        CollectionAssert.AreEquivalent(contract.Keys.ToArray(), operations.ToArray(), "the document has operations the contract does not, or lacks some");
    }

    [TestMethod]
    public async Task The_OpenAPI_document_needs_no_identity()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/openapi/v1.json");
        using var anonymous = new HttpClient { BaseAddress = s_app.BaseAddress };

        using var response = await anonymous.SendAsync(request);

        Assert.AreEqual(HttpStatusCode.OK, response.StatusCode);
    }

    /// <summary>CORS is the platform's (the site's <c>cors</c> setting; <c>Host.CORS</c> locally), answered before the worker.</summary>
    [TestMethod]
    public async Task A_configured_origin_passes_the_preflight_and_may_read_the_answers()
    {
        using var preflight = new HttpRequestMessage(HttpMethod.Options, "/api/verifications");
        preflight.Headers.Add("Origin", Frontend);
        preflight.Headers.Add("Access-Control-Request-Method", "POST");
        preflight.Headers.Add("Access-Control-Request-Headers", "content-type,idempotency-key,x-ms-client-principal-id");

        using var response = await s_app.Client.SendAsync(preflight);

        Assert.AreEqual(HttpStatusCode.NoContent, response.StatusCode);
        Assert.AreEqual(Frontend, response.Headers.GetValues("Access-Control-Allow-Origin").Single());
        using var get = new HttpRequestMessage(HttpMethod.Get, "/api/verifications/0123456789abcdef0123456789abcdef");
        get.Headers.Add("Origin", Frontend);
        using var actual = await s_app.Client.SendAsync(get);
        Assert.AreEqual(Frontend, actual.Headers.GetValues("Access-Control-Allow-Origin").Single());
    }

    [TestMethod]
    public async Task Another_origin_gets_no_CORS_permission()
    {
        using var preflight = new HttpRequestMessage(HttpMethod.Options, "/api/verifications");
        preflight.Headers.Add("Origin", "https://attacker.example.net");
        preflight.Headers.Add("Access-Control-Request-Method", "POST");

        using var response = await s_app.Client.SendAsync(preflight);

        Assert.IsFalse(response.Headers.Contains("Access-Control-Allow-Origin"));
    }
}
