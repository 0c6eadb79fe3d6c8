using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Azure.Data.Tables;
using Shiming.BaiduEmulator;

namespace Shiming.Tests.Infrastructure;

/// <summary>What a test needs to see of a job beyond the HTTP API: its status, its attempts as recorded, the poison queue.</summary>
internal sealed partial class ShimingTestApp
{
    /// <summary>The calls that reached the Baidu emulator.</summary>
    public IReadOnlyList<EmulatorCall> Calls => Emulator.Calls;

    /// <summary>The calls that reached one Baidu API.</summary>
    public IReadOnlyList<EmulatorCall> CallsTo(string api) => [.. Emulator.Calls.Where(call => call.Endpoint == api)];

    /// <summary>Submits a card and returns the job's id and status URI; the answer must be 202.</summary>
    public async Task<(string Id, string StatusUri)> SubmitJobAsync(byte[] image, string side = "front")
    {
        using var response = await SubmitAsync(image, side);
        Assert.AreEqual(HttpStatusCode.Accepted, response.StatusCode, await response.Content.ReadAsStringAsync());
        var accepted = await response.Content.ReadFromJsonAsync<JsonElement>();
        return (accepted.GetProperty("id").GetString()!, response.Headers.Location!.ToString());
    }

    /// <summary>The status answer, as the app's test account or another: 200 once the job is finished, 202 while it waits.</summary>
    public async Task<(HttpStatusCode Code, JsonElement Body)> GetStatusAsync(string statusUri, string? account = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, statusUri);
        if (account is not null)
        {
            request.Headers.Add("X-MS-CLIENT-PRINCIPAL-ID", account);
        }

        using var response = await Client.SendAsync(request);
        return (response.StatusCode, await response.Content.ReadFromJsonAsync<JsonElement>());
    }

    /// <summary>Runs a drain (the cards' unless another is named), again whenever the job has been put back, until the job is finished.</summary>
    public async Task<JsonElement> DrainUntilFinishedAsync(string statusUri, TimeSpan? timeout = null, string drain = "DrainVerifications")
    {
        using var deadline = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(45));
        while (true)
        {
            await RunFunctionAsync(drain);
            var (code, body) = await GetStatusAsync(statusUri);
            if (code == HttpStatusCode.OK)
            {
                return body;
            }

            Assert.AreEqual(HttpStatusCode.Accepted, code, body.ToString());

            // A job put back after a fault is invisible for its backoff (one to two seconds after the first attempt).
            await Task.Delay(TimeSpan.FromMilliseconds(200), deadline.Token);
        }
    }

    /// <summary>The attempts at Baidu counted in the job's record.</summary>
    public async Task<int> AttemptsAsync(string id)
    {
        await foreach (var entity in Storage.Records.QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"RowKey eq {id}")))
        {
            return entity.GetInt32("Attempts") ?? 0;
        }

        throw new AssertFailedException($"No record of job {id}.");
    }

    /// <summary>The job ids named by messages in the cards' poison queue (read, and so hidden for a while, not removed).</summary>
    public async Task<IReadOnlyList<string>> PoisonedJobIdsAsync()
    {
        var messages = (await Storage.Poison.ReceiveMessagesAsync(32, TimeSpan.FromSeconds(1))).Value;
        return [.. messages.Select(message => JsonDocument.Parse(message.Body.ToString()).RootElement.GetProperty("id").GetString()!)];
    }
}
