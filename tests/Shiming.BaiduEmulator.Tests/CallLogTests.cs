using System.Net;
using System.Text.Json;
using Microsoft.Extensions.Time.Testing;

namespace Shiming.BaiduEmulator.Tests;

[TestClass]
public sealed class CallLogTests
{
    private static readonly byte[] Front = SyntheticCardImages.RenderFront(SyntheticIdentities.CreatePerson(new Random(51)));

    [TestMethod]
    public async Task Every_OCR_call_is_recorded_with_its_arrival_side_error_image_status_and_answer()
    {
        var clock = new FakeTimeProvider(new DateTimeOffset(2031, 3, 4, 5, 6, 7, TimeSpan.Zero));
        await using var host = await BaiduEmulatorHost.StartAsync(new EmulatorOptions { QpsLimit = 1 }, clock);
        using var client = new EmulatorClient(host);
        var token = await client.GetTokenAsync();
        var start = clock.GetUtcNow();

        await client.RecognizeAsync(token, Front, "front");
        await client.RecognizeAsync(token, Front, "front");
        clock.Advance(TimeSpan.FromSeconds(1));
        await client.RecognizeAsync(token, Front, "back");
        clock.Advance(TimeSpan.FromSeconds(1));
        await client.RecognizeAsync(token, Front, "left");
        clock.Advance(TimeSpan.FromSeconds(1));
        await client.RecognizeAsync(token, SyntheticCardImages.RenderPlainPicture(), "front");
        await client.RecognizeAsync("unknown", Front, "front");

        var expected = new List<EmulatorCall>
        {
            new(start, "idcard", "front", null, "normal", null, start),
            new(start, "idcard", "front", 18, null, null, start),
            new(start.AddSeconds(1), "idcard", "back", null, "reversed_side", null, start.AddSeconds(1)),
            new(start.AddSeconds(2), "idcard", "left", 216100, null, null, start.AddSeconds(2)),
            new(start.AddSeconds(3), "idcard", "front", null, "non_idcard", null, start.AddSeconds(3)),
            new(start.AddSeconds(3), "idcard", "front", 110, null, null, start.AddSeconds(3)),
        };
        CollectionAssert.AreEqual(expected, host.Calls.ToList());
    }

    [TestMethod]
    public async Task Token_requests_are_not_recorded()
    {
        await using var host = await BaiduEmulatorHost.StartAsync();
        using var client = new EmulatorClient(host);

        await client.GetTokenAsync();

        Assert.IsEmpty(host.Calls);
    }

    [TestMethod]
    public async Task Clear_calls_forgets_what_was_recorded()
    {
        await using var host = await BaiduEmulatorHost.StartAsync();
        using var client = new EmulatorClient(host);
        var token = await client.GetTokenAsync();
        await client.RecognizeAsync(token, Front, "front");

        host.ClearCalls();
        await client.RecognizeAsync(token, Front, "back");

        Assert.HasCount(1, host.Calls);
        Assert.AreEqual("back", host.Calls[0].Side);
    }

    [TestMethod]
    public async Task The_call_log_is_served_as_JSON_for_out_of_process_clients()
    {
        var clock = new FakeTimeProvider(new DateTimeOffset(2031, 3, 4, 5, 6, 7, TimeSpan.Zero));
        await using var host = await BaiduEmulatorHost.StartAsync(timeProvider: clock);
        using var client = new EmulatorClient(host);
        var token = await client.GetTokenAsync();
        await client.RecognizeAsync(token, Front, "front");
        await client.RecognizeAsync(token, Front, "sideways");

        using var response = await client.Http.GetAsync("emulator/calls");
        using var document = JsonDocument.Parse(await response.Content.ReadAsStringAsync());

        Assert.AreEqual(HttpStatusCode.OK, response.StatusCode);
        var calls = document.RootElement.EnumerateArray().ToList();
        Assert.HasCount(2, calls);
        Assert.AreEqual(clock.GetUtcNow(), calls[0].GetProperty("arrivedAt").GetDateTimeOffset());
        Assert.AreEqual("idcard", calls[0].GetProperty("endpoint").GetString());
        Assert.AreEqual("front", calls[0].GetProperty("side").GetString());
        Assert.AreEqual(JsonValueKind.Null, calls[0].GetProperty("errorCode").ValueKind);
        Assert.AreEqual("normal", calls[0].GetProperty("imageStatus").GetString());
        Assert.AreEqual(JsonValueKind.Null, calls[0].GetProperty("fault").ValueKind);
        Assert.AreEqual(clock.GetUtcNow(), calls[0].GetProperty("answeredAt").GetDateTimeOffset());
        Assert.AreEqual(216100, calls[1].GetProperty("errorCode").GetInt32());
        Assert.AreEqual(JsonValueKind.Null, calls[1].GetProperty("imageStatus").ValueKind);
    }

    [TestMethod]
    public async Task Deleting_the_call_log_over_HTTP_clears_it()
    {
        await using var host = await BaiduEmulatorHost.StartAsync();
        using var client = new EmulatorClient(host);
        await client.RecognizeAsync(await client.GetTokenAsync(), Front, "front");

        using var deleted = await client.Http.DeleteAsync("emulator/calls");
        var afterwards = await client.Http.GetStringAsync("emulator/calls");

        Assert.AreEqual(HttpStatusCode.NoContent, deleted.StatusCode);
        Assert.IsEmpty(host.Calls);
        Assert.AreEqual("[]", afterwards);
    }

    [TestMethod]
    public async Task The_call_log_holds_no_image_or_recognised_text()
    {
        var person = SyntheticIdentities.CreatePerson(new Random(52));
        await using var host = await BaiduEmulatorHost.StartAsync();
        using var client = new EmulatorClient(host);
        await client.RecognizeAsync(await client.GetTokenAsync(), SyntheticCardImages.RenderFront(person), "front");

        using var document = JsonDocument.Parse(await client.Http.GetStringAsync("emulator/calls"));

        var call = document.RootElement.EnumerateArray().Single();
        CollectionAssert.AreEquivalent(
            new[] { "arrivedAt", "endpoint", "side", "errorCode", "imageStatus", "fault", "answeredAt", "conclusionType", "verifyStatus", "subject" },
            call.EnumerateObject().Select(property => property.Name).ToList());
        var texts = call.EnumerateObject().Where(property => property.Value.ValueKind == JsonValueKind.String).Select(property => property.Value.GetString()!).ToList();
        CollectionAssert.DoesNotContain(texts, person.Name);
        CollectionAssert.DoesNotContain(texts, person.IdNumber);
    }
}
