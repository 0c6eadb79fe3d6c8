using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Azure.Storage.Queues;
using Shiming.Tests.Infrastructure;

namespace Shiming.Tests.Kinds;

/// <summary>Jobs of the kinds beside cards, on the app: submit on a kind's route, run the kind's drain, read its poison queue.</summary>
internal static class KindJobs
{
    public static async Task<HttpResponseMessage> PostAsync(this ShimingTestApp app, TestKind kind, byte[] image, string query = "", string? idempotencyKey = null, string? account = null, string contentType = "image/png")
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

        return await app.Client.SendAsync(request);
    }

    /// <summary>Submits and returns the job's id and status URI; the answer must be 202.</summary>
    public static async Task<(string Id, string StatusUri, JsonElement Accepted)> SubmitAsync(this ShimingTestApp app, TestKind kind, byte[] image, string query = "", string? idempotencyKey = null)
    {
        using var response = await app.PostAsync(kind, image, query, idempotencyKey);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.AreEqual(HttpStatusCode.Accepted, response.StatusCode, body.ToString());
        return (body.GetProperty("id").GetString()!, response.Headers.Location!.ToString(), body);
    }

    public static Task DrainOnceAsync(this ShimingTestApp app, TestKind kind) => app.RunFunctionAsync(kind.DrainFunction);

    /// <summary>Runs the kind's drain, again whenever the job has been put back, until the job is finished.</summary>
    public static Task<JsonElement> DrainUntilFinishedAsync(this ShimingTestApp app, TestKind kind, string statusUri, TimeSpan? timeout = null) =>
        app.DrainUntilFinishedAsync(statusUri, timeout, kind.DrainFunction);

    /// <summary>The kind's own job queue and poison queue (<c>{JobQueue}-{kind}</c>, <c>…-poison</c>).</summary>
    public static QueueClient Queue(this ShimingTestApp app, TestKind kind, bool poison = false) =>
        AzuriteStorage.Queues(app.Azurite).GetQueueClient($"{app.Settings["Verifications:JobQueue"]}-{kind.Name}{(poison ? "-poison" : "")}");

    /// <summary>The job ids named by messages in the kind's poison queue.</summary>
    public static async Task<IReadOnlyList<string>> PoisonedJobIdsAsync(this ShimingTestApp app, TestKind kind)
    {
        var queue = app.Queue(kind, poison: true);
        if (!await queue.ExistsAsync())
        {
            return [];
        }

        var messages = (await queue.ReceiveMessagesAsync(32, TimeSpan.FromSeconds(1))).Value;
        return [.. messages.Select(message => JsonDocument.Parse(message.Body.ToString()).RootElement.GetProperty("id").GetString()!)];
    }
}
