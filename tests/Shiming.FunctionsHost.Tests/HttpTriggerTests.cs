using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace Shiming.FunctionsHost.Tests;

[TestClass]
public sealed class HttpTriggerTests
{
    private static readonly TimeSpan LogWait = TimeSpan.FromSeconds(30);
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
    public async Task A_request_reaches_its_function_under_the_route_prefix_with_route_values_query_headers_and_app_settings()
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "test-api/echo/ada?x=1");
        request.Headers.Add("X-Test", "hello");
        using var response = await _client.SendAsync(request);

        Assert.AreEqual(HttpStatusCode.OK, response.StatusCode);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.AreEqual("ada", body.GetProperty("name").GetString());
        Assert.AreEqual("POST", body.GetProperty("method").GetString());
        Assert.AreEqual("/test-api/echo/ada", body.GetProperty("path").GetString());
        Assert.AreEqual("?x=1", body.GetProperty("query").GetString());
        Assert.AreEqual("hello", body.GetProperty("header").GetString());
        Assert.AreEqual("from local.settings.json", body.GetProperty("setting").GetString());
    }

    [TestMethod]
    public async Task A_body_goes_to_the_worker_and_the_workers_status_headers_and_body_come_back()
    {
        using var response = await _client.PutAsync("test-api/uploads/42", new StringContent("twelve bytes", System.Text.Encoding.UTF8, "text/plain"));

        Assert.AreEqual(HttpStatusCode.Created, response.StatusCode);
        Assert.AreEqual("42", response.Headers.GetValues("X-Upload").Single());
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.AreEqual(12, body.GetProperty("length").GetInt32());
        StringAssert.StartsWith(body.GetProperty("contentType").GetString(), "text/plain");
    }

    [TestMethod]
    public async Task An_unknown_route_is_404()
    {
        using var response = await _client.GetAsync("test-api/nothing-here");

        Assert.AreEqual(HttpStatusCode.NotFound, response.StatusCode);
    }

    [TestMethod]
    public async Task A_route_without_its_prefix_is_404()
    {
        using var response = await _client.GetAsync("echo/ada");

        Assert.AreEqual(HttpStatusCode.NotFound, response.StatusCode);
    }

    [TestMethod]
    public async Task A_route_value_that_fails_its_constraint_is_404()
    {
        using var response = await _client.PutAsync("test-api/uploads/not-a-number", new StringContent("x"));

        Assert.AreEqual(HttpStatusCode.NotFound, response.StatusCode);
    }

    [TestMethod]
    public async Task A_method_the_function_does_not_take_is_404_as_in_the_host()
    {
        using var response = await _client.DeleteAsync("test-api/echo/ada");

        Assert.AreEqual(HttpStatusCode.NotFound, response.StatusCode);
    }

    [TestMethod]
    [DataRow("%2500")]
    [DataRow("%2501%2502")]
    [DataRow("a%250Ab")]
    [DataRow("%25")]
    public async Task A_route_id_with_an_encoded_percent_or_control_character_is_answered_at_once_and_holds_no_invocation(string id)
    {
        // The worker's listener sees the raw path; whatever it answers, the client has it without waiting for a
        // function the worker never ran, and the function gets the decoded text when it does run.
        // A request held for an invocation the worker never took would wait 15 s; this client gives up well before.
        using var patient = new HttpClient { BaseAddress = _client.BaseAddress, Timeout = TimeSpan.FromSeconds(10) };
        using var response = await patient.GetAsync($"test-api/echo/{id}");

        Assert.IsTrue(response.StatusCode is HttpStatusCode.OK || (int)response.StatusCode is >= 400 and < 500, $"{response.StatusCode}");
        if (response.StatusCode == HttpStatusCode.OK)
        {
            var body = await response.Content.ReadFromJsonAsync<System.Text.Json.JsonElement>();
            Assert.AreEqual(Uri.UnescapeDataString(id), body.GetProperty("name").GetString());
        }
    }

    [TestMethod]
    public async Task A_function_that_throws_is_500_without_the_exception_in_the_answer()
    {
        using var response = await _client.GetAsync("test-api/throws");

        Assert.AreEqual(HttpStatusCode.InternalServerError, response.StatusCode);
        var body = await response.Content.ReadAsStringAsync();
        Assert.AreEqual("", body);
    }

    [TestMethod]
    public async Task A_preflight_from_an_allowed_origin_is_answered_by_the_host_and_never_reaches_the_worker()
    {
        var name = $"preflight-{Guid.NewGuid():N}";
        using var preflight = new HttpRequestMessage(HttpMethod.Options, $"test-api/echo/{name}");
        preflight.Headers.Add("Origin", "https://allowed.example");
        preflight.Headers.Add("Access-Control-Request-Method", "POST");
        using var answer = await _client.SendAsync(preflight);

        Assert.AreEqual(HttpStatusCode.NoContent, answer.StatusCode);
        Assert.AreEqual("https://allowed.example", answer.Headers.GetValues("Access-Control-Allow-Origin").Single());
        Assert.AreEqual("true", answer.Headers.GetValues("Access-Control-Allow-Credentials").Single());

        // A later request's log line shows the worker has logged everything before it.
        var after = $"after-{Guid.NewGuid():N}";
        using var request = await _client.GetAsync($"test-api/echo/{after}");
        await _host.WorkerLog.WaitForAsync(e => e.Message.Contains(after, StringComparison.Ordinal), LogWait);
        Assert.IsFalse(_host.WorkerLog.Entries.Any(e => e.Message.Contains(name, StringComparison.Ordinal)));
    }

    [TestMethod]
    public async Task A_request_from_an_allowed_origin_gets_the_cors_headers_and_another_origin_does_not()
    {
        using var allowed = new HttpRequestMessage(HttpMethod.Get, "test-api/echo/cors");
        allowed.Headers.Add("Origin", "https://allowed.example");
        using var other = new HttpRequestMessage(HttpMethod.Get, "test-api/echo/cors");
        other.Headers.Add("Origin", "https://elsewhere.example");

        using var allowedAnswer = await _client.SendAsync(allowed);
        using var otherAnswer = await _client.SendAsync(other);

        Assert.AreEqual(HttpStatusCode.OK, allowedAnswer.StatusCode);
        Assert.AreEqual("https://allowed.example", allowedAnswer.Headers.GetValues("Access-Control-Allow-Origin").Single());
        Assert.AreEqual(HttpStatusCode.OK, otherAnswer.StatusCode);
        Assert.IsFalse(otherAnswer.Headers.Contains("Access-Control-Allow-Origin"));
    }

    [TestMethod]
    public async Task A_functions_log_lines_come_back_over_the_stream_under_its_name()
    {
        var name = $"logged-{Guid.NewGuid():N}";
        using var response = await _client.GetAsync($"test-api/echo/{name}");

        var entry = await _host.WorkerLog.WaitForAsync(e => e.Message == $"Echo answered for {name}", LogWait);
        Assert.AreEqual("Function.Echo", entry.Category);
        Assert.AreEqual(Microsoft.Extensions.Logging.LogLevel.Information, entry.Level);
        Assert.IsNotNull(entry.InvocationId);
    }
}
