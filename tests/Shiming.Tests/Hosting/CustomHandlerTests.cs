using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Shiming.BaiduEmulator;
using Shiming.Tests.Infrastructure;

namespace Shiming.Tests.Hosting;

/// <summary>The handler as the Functions host runs it: its own process, forwarded HTTP, timer invocations.</summary>
[TestClass]
public sealed class CustomHandlerTests
{
    private static BaiduEmulatorHost s_emulator = null!;
    private static HandlerProcess s_handler = null!;

    [ClassInitialize]
    public static async Task StartAsync(TestContext _)
    {
        var azurite = await Azurite.GetSharedAsync();
        s_emulator = await BaiduEmulatorHost.StartAsync();
        s_handler = await HandlerProcess.StartAsync(ShimingTestApp.StandaloneSettings(azurite, s_emulator));
        s_handler.Client.DefaultRequestHeaders.Add("X-MS-CLIENT-PRINCIPAL-ID", "handler-test");
    }

    [ClassCleanup]
    public static async Task StopAsync()
    {
        await s_handler.DisposeAsync();
        await s_emulator.DisposeAsync();
    }

    [TestMethod]
    public async Task The_handler_listens_on_the_port_the_host_gives_it()
    {
        using var response = await s_handler.Client.GetAsync("/");

        Assert.AreEqual(HttpStatusCode.OK, response.StatusCode);
        StringAssert.Contains(s_handler.Output, $"port {s_handler.Port}");
    }

    [TestMethod]
    public async Task A_forwarded_request_gets_URIs_on_the_public_address_from_the_forwarded_headers()
    {
        using var response = await SubmitFrontAsync(forwardedHost: "shiming.example.org");

        Assert.AreEqual(HttpStatusCode.Accepted, response.StatusCode);
        var accepted = await response.Content.ReadFromJsonAsync<JsonElement>();
        var id = accepted.GetProperty("id").GetString();
        Assert.AreEqual($"https://shiming.example.org/api/verifications/{id}", accepted.GetProperty("statusQueryGetUri").GetString());
        Assert.AreEqual(new Uri($"https://shiming.example.org/api/verifications/{id}"), response.Headers.Location);
    }

    [TestMethod]
    public async Task A_timer_invocation_drains_the_queue_and_answers_in_the_custom_handler_shape()
    {
        using var submitted = await SubmitFrontAsync(forwardedHost: null);
        var id = (await submitted.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString();

        // Exactly what the host posts for a timer: the timer info as an object, metadata under "sys".
        const string payload = """
            {
              "Data": { "timer": { "Schedule": { "AdjustForDST": true }, "ScheduleStatus": null, "IsPastDue": false } },
              "Metadata": { "sys": { "MethodName": "DrainVerifications", "UtcNow": "2026-01-05T10:15:00.0123456Z", "RandGuid": "0f8fad5b-d9cb-469f-a165-70867728950e" } }
            }
            """;
        using var invocation = await s_handler.Client.PostAsync("/DrainVerifications", new StringContent(payload, Encoding.UTF8, "application/json"));

        await AssertCustomHandlerReplyAsync(invocation);
        using var status = await s_handler.Client.GetAsync($"/api/verifications/{id}");
        Assert.AreEqual(HttpStatusCode.OK, status.StatusCode);
        Assert.AreEqual("Completed", (await status.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("runtimeStatus").GetString());
    }

    [TestMethod]
    public async Task A_timer_invocation_with_double_encoded_values_is_understood()
    {
        // Values that are not JSON objects arrive as JSON text inside a string.
        const string payload = """
            {
              "Data": { "timer": "{\"Schedule\":{\"AdjustForDST\":true},\"IsPastDue\":\"true\"}" },
              "Metadata": { "sys": { "MethodName": "\"DrainVerifications\"", "UtcNow": "\"2026-01-05T10:15:00Z\"" } }
            }
            """;

        using var invocation = await s_handler.Client.PostAsync("/DrainVerifications", new StringContent(payload, Encoding.UTF8, "application/json"));

        await AssertCustomHandlerReplyAsync(invocation);
    }

    [TestMethod]
    public async Task A_timer_invocation_that_is_not_JSON_is_refused_with_400()
    {
        using var invocation = await s_handler.Client.PostAsync("/DrainVerifications", new StringContent("not json", Encoding.UTF8, "application/json"));

        Assert.AreEqual(HttpStatusCode.BadRequest, invocation.StatusCode);
    }

    private static async Task AssertCustomHandlerReplyAsync(HttpResponseMessage invocation)
    {
        Assert.AreEqual(HttpStatusCode.OK, invocation.StatusCode, s_handler.Output);
        Assert.AreEqual("application/json", invocation.Content.Headers.ContentType?.MediaType);
        var reply = await invocation.Content.ReadFromJsonAsync<JsonElement>();
        CollectionAssert.AreEquivalent(new[] { "Outputs", "Logs", "ReturnValue" }, reply.EnumerateObject().Select(p => p.Name).ToArray());
        Assert.AreEqual(JsonValueKind.Object, reply.GetProperty("Outputs").ValueKind);
        Assert.AreEqual(JsonValueKind.Array, reply.GetProperty("Logs").ValueKind);
        Assert.IsTrue(reply.GetProperty("Logs").EnumerateArray().All(l => l.ValueKind == JsonValueKind.String));
        Assert.AreEqual(JsonValueKind.Null, reply.GetProperty("ReturnValue").ValueKind);
    }

    private static async Task<HttpResponseMessage> SubmitFrontAsync(string? forwardedHost)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/verifications?side=front")
        {
            Content = new ByteArrayContent(SyntheticCardImages.RenderFront(SyntheticIdentities.CreatePerson(new Random(3001)))),
        };
        request.Content.Headers.ContentType = new("image/png");
        if (forwardedHost is not null)
        {
            request.Headers.Add("X-Forwarded-Host", forwardedHost);
            request.Headers.Add("X-Forwarded-Proto", "https");
        }

        return await s_handler.Client.SendAsync(request);
    }
}
