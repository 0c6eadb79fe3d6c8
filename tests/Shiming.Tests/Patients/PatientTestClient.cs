using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Shiming.BaiduEmulator;
using Shiming.Tests.Infrastructure;

namespace Shiming.Tests.Patients;

/// <summary>What the patient tests do as a client: complete verifications, then manage the roster.</summary>
internal static class PatientTestClient
{
    /// <summary>Submits the card as <paramref name="account"/> and waits for the verification to finish; returns its id.</summary>
    public static async Task<string> VerifyAsync(ShimingTestApp app, string account, byte[] card, string side = "front")
    {
        var content = new ByteArrayContent(card);
        content.Headers.ContentType = new MediaTypeHeaderValue("image/png");
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/api/verifications?side={side}") { Content = content };
        request.Headers.Add("X-MS-CLIENT-PRINCIPAL-ID", account);
        using var response = await app.Client.SendAsync(request);
        Assert.AreEqual(HttpStatusCode.Accepted, response.StatusCode);
        var id = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()!;

        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        while (true)
        {
            using var poll = new HttpRequestMessage(HttpMethod.Get, $"/api/verifications/{id}");
            poll.Headers.Add("X-MS-CLIENT-PRINCIPAL-ID", account);
            using var status = await app.Client.SendAsync(poll, deadline.Token);
            if (status.StatusCode == HttpStatusCode.OK)
            {
                return id;
            }

            await Task.Delay(200, deadline.Token);
        }
    }

    public static Task<string> VerifyPersonAsync(ShimingTestApp app, string account, SyntheticPerson person) =>
        VerifyAsync(app, account, SyntheticCardImages.RenderFront(person));

    public static async Task<HttpResponseMessage> AddAsync(ShimingTestApp app, string account, string verificationId)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/patients") { Content = JsonContent.Create(new { verificationId }) };
        request.Headers.Add("X-MS-CLIENT-PRINCIPAL-ID", account);
        return await app.Client.SendAsync(request);
    }

    public static async Task<HttpResponseMessage> SendAsync(ShimingTestApp app, string account, HttpMethod method, string uri)
    {
        using var request = new HttpRequestMessage(method, uri);
        request.Headers.Add("X-MS-CLIENT-PRINCIPAL-ID", account);
        return await app.Client.SendAsync(request);
    }

    public static async Task<JsonElement> ListAsync(ShimingTestApp app, string account)
    {
        using var response = await SendAsync(app, account, HttpMethod.Get, "/api/patients");
        Assert.AreEqual(HttpStatusCode.OK, response.StatusCode);
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }
}
