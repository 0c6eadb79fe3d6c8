using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Azure.Data.Tables;
using Azure.Storage.Queues;
using Shiming.BaiduEmulator;
using Shiming.Tests.Infrastructure;

namespace Shiming.Tests.Kinds;

/// <summary>
/// The real app with its timers left out, for jobs of the kinds beside cards: submit on a kind's route, run the kind's
/// drain through the host, read the job's record and the kind's poison queue.
/// </summary>
internal sealed class KindsApp : IAsyncDisposable
{
    private KindsApp(ShimingTestApp app) => App = app;

    public ShimingTestApp App { get; }

    public BaiduEmulatorHost Emulator => App.Emulator;

    public static async Task<KindsApp> StartAsync(EmulatorOptions? emulator = null, int maxAttempts = 2, Action<Dictionary<string, string?>>? configure = null) =>
        new(await ShimingTestApp.StartAsync(
            settings =>
            {
                settings["Verifications:MaxAttempts"] = maxAttempts.ToString(System.Globalization.CultureInfo.InvariantCulture);
                settings["Verifications:DrainDuration"] = "00:00:01";
                configure?.Invoke(settings);
            },
            emulator ?? new EmulatorOptions(),
            runTimers: false));

    /// <summary>The calls that reached the kind's Baidu API.</summary>
    public IReadOnlyList<EmulatorCall> CallsTo(string api) => [.. Emulator.Calls.Where(call => call.Endpoint == api)];

    public async Task<HttpResponseMessage> PostAsync(TestKind kind, byte[] image, string query = "", string? idempotencyKey = null, string? account = null, string contentType = "image/png")
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/api/{kind.Route}{query}") { Content = new ByteArrayContent(image) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue(contentType);
        if (idempotencyKey is not null)
        {
            request.Headers.Add("Idempotency-Key", idempotencyKey);
        }

        if (account is not null)
        {
            request.Headers.Remove("X-MS-CLIENT-PRINCIPAL-ID");
            request.Headers.Add("X-MS-CLIENT-PRINCIPAL-ID", account);
        }

        return await App.Client.SendAsync(request);
    }

    /// <summary>Submits and returns the job's id and status URI; the answer must be 202.</summary>
    public async Task<(string Id, string StatusUri, JsonElement Accepted)> SubmitAsync(TestKind kind, byte[] image, string query = "", string? idempotencyKey = null)
    {
        using var response = await PostAsync(kind, image, query, idempotencyKey);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.AreEqual(HttpStatusCode.Accepted, response.StatusCode, body.ToString());
        return (body.GetProperty("id").GetString()!, response.Headers.Location!.ToString(), body);
    }

    public async Task<(HttpStatusCode Code, JsonElement Body)> GetStatusAsync(string statusUri, string? account = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, statusUri);
        if (account is not null)
        {
            request.Headers.Add("X-MS-CLIENT-PRINCIPAL-ID", account);
        }

        using var response = await App.Client.SendAsync(request);
        return (response.StatusCode, await response.Content.ReadFromJsonAsync<JsonElement>());
    }

    public Task DrainOnceAsync(TestKind kind) => App.RunFunctionAsync(kind.DrainFunction);

    /// <summary>Runs the kind's drain, again whenever the job has been put back, until the job is finished.</summary>
    public async Task<JsonElement> DrainUntilFinishedAsync(TestKind kind, string statusUri, TimeSpan? timeout = null)
    {
        using var deadline = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(45));
        while (true)
        {
            await DrainOnceAsync(kind);
            var (code, body) = await GetStatusAsync(statusUri);
            if (code == HttpStatusCode.OK)
            {
                return body;
            }

            Assert.AreEqual(HttpStatusCode.Accepted, code, body.ToString());
            await Task.Delay(TimeSpan.FromMilliseconds(200), deadline.Token);
        }
    }

    /// <summary>The attempts at Baidu counted in the job's record.</summary>
    public async Task<int> AttemptsAsync(string id)
    {
        await foreach (var entity in App.Storage.Records.QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"RowKey eq {id}")))
        {
            return entity.GetInt32("Attempts") ?? 0;
        }

        throw new AssertFailedException($"No record of job {id}.");
    }

    /// <summary>The kind's own job queue and poison queue (<c>{JobQueue}-{kind}</c>, <c>…-poison</c>).</summary>
    public QueueClient Queue(TestKind kind, bool poison = false) =>
        AzuriteStorage.Queues(App.Azurite).GetQueueClient($"{App.Settings["Verifications:JobQueue"]}-{kind.Name}{(poison ? "-poison" : "")}");

    /// <summary>The job ids named by messages in the kind's poison queue.</summary>
    public async Task<IReadOnlyList<string>> PoisonedJobIdsAsync(TestKind kind)
    {
        var queue = Queue(kind, poison: true);
        if (!await queue.ExistsAsync())
        {
            return [];
        }

        var messages = (await queue.ReceiveMessagesAsync(32, TimeSpan.FromSeconds(1))).Value;
        return [.. messages.Select(message => JsonDocument.Parse(message.Body.ToString()).RootElement.GetProperty("id").GetString()!)];
    }

    public ValueTask DisposeAsync() => App.DisposeAsync();
}
