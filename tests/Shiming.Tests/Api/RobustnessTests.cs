using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Shiming.BaiduEmulator;
using Shiming.Tests.Infrastructure;

namespace Shiming.Tests.Api;

/// <summary>
/// What the internet can send: random and mutated bodies, headers and ids. None may cause a 5xx or leave
/// a stored job behind a refused request, and the app must still work afterwards.
/// </summary>
[TestClass]
public sealed class RobustnessTests
{
    private const int Requests = 1200;

    private static readonly string[] ContentTypes =
    [
        "image/png", "image/jpeg", "image/bmp", "image/png; charset=utf-8", "text/plain", "application/json",
        "application/octet-stream", "multipart/form-data", "multipart/form-data; boundary=", "multipart/form-data; boundary=\"x\"",
        "multipart/form-data; boundary=" + new string('b', 90), "image/", ";;==", "image/gif",
    ];

    private static readonly string[] Ids =
    [
        "0123456789abcdef0123456789abcdef", "0123456789ABCDEF0123456789ABCDEF", "'", "''", "a'b", "%27%27", "..%2F..%2F", "%2F",
        "%5C", "%23", "%3F", "%00", "%0A%0D", "身份证", "%E8%BA%AB", "\"quoted\"", "null", "-1", new string('x', 3000),
        "0123456789abcdef0123456789abcde", "0123456789abcdef0123456789abcdef0", "%20", "..", "~", "a%2Fb%2Fc",
    ];

    private static readonly string[] Principals =
    [
        "robust-a", "robust-b", new string('p', 500), "has space", "has,comma", "名字", "\"quoted\"", "o'brien", "a/b", "tab\there",
    ];

    private static readonly string[] Sides = ["front", "back", "", "FRONT", "left", "front&side=back", "%00", "背面", new string('s', 2000)];

    [TestMethod]
    public async Task Random_and_mutated_requests_never_cause_a_5xx_or_store_a_refused_job()
    {
        await using var app = await ShimingTestApp.StartAsync(runTimers: false);
        using var client = new HttpClient(new SocketsHttpHandler
        {
            // Let headers carry non-ASCII text, as a hostile client can.
            RequestHeaderEncodingSelector = (_, _) => Encoding.UTF8,
        })
        { BaseAddress = app.BaseAddress };
        var random = new Random(20261124);
        var validCards = Enumerable.Range(0, 8).Select(i => SyntheticCardImages.RenderFront(SyntheticIdentities.CreatePerson(new Random(700 + i)))).ToArray();
        var accepted = new HashSet<string>();
        var statuses = new Dictionary<int, int>();

        for (var i = 0; i < Requests; i++)
        {
            using var request = NextRequest(random, validCards);
            using var response = await client.SendAsync(request);
            var status = (int)response.StatusCode;
            statuses[status] = statuses.GetValueOrDefault(status) + 1;
            Assert.IsLessThan(500, status, $"request {i}: {request.Method} {request.RequestUri} answered {status}: {await response.Content.ReadAsStringAsync()}");
            if (response.StatusCode == HttpStatusCode.Accepted && request.Method == HttpMethod.Post && request.RequestUri!.AbsolutePath == "/api/verifications")
            {
                accepted.Add((await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()!);
            }
        }

        // Refused requests stored nothing: every stored image and record belongs to an accepted job.
        var stored = new HashSet<string>();
        await foreach (var entity in app.Table("Verifications:JobTable").QueryAsync<Azure.Data.Tables.TableEntity>())
        {
            stored.Add(entity.RowKey);
        }

        var images = new HashSet<string>();
        await foreach (var blob in app.Storage.Images.GetBlobsAsync())
        {
            images.Add(blob.Name);
        }

        Assert.IsTrue(stored.IsSubsetOf(accepted), "a job was stored for a refused request");
        Assert.IsTrue(images.IsSubsetOf(accepted), "an image was stored for a refused request");
        Assert.IsGreaterThan(3, statuses.Keys.Count(s => s is >= 400 and < 500), "the requests should reach many kinds of refusal");

        // Still healthy: a proper submission is accepted and finishes.
        var person = SyntheticIdentities.CreatePerson(new Random(99));
        var content = new ByteArrayContent(SyntheticCardImages.RenderFront(person));
        content.Headers.ContentType = new MediaTypeHeaderValue("image/png");
        using var healthy = await app.Client.PostAsync("/api/verifications", content);
        Assert.AreEqual(HttpStatusCode.Accepted, healthy.StatusCode);
        JsonElement result;
        do
        {
            // The accepted requests above are queued ahead of it; the drain works through them all.
            await app.DrainOnceAsync();
            using var status = await app.Client.GetAsync(healthy.Headers.Location);
            result = await status.Content.ReadFromJsonAsync<JsonElement>();
        }
        while (result.GetProperty("runtimeStatus").GetString() is "Pending" or "Running");

        Assert.AreEqual("Completed", result.GetProperty("runtimeStatus").GetString());
        Assert.AreEqual(person.IdNumber, result.GetProperty("output").GetProperty("idNumber").GetString());
    }

    private static HttpRequestMessage NextRequest(Random random, byte[][] validCards)
    {
        var id = Pick(random, Ids);
        HttpRequestMessage request = random.Next(10) switch
        {
            < 6 => NewSubmission(random, validCards),
            6 => new HttpRequestMessage(HttpMethod.Get, $"/api/verifications/{id}"),
            7 => new HttpRequestMessage(HttpMethod.Post, $"/api/verifications/{id}/terminate"),
            8 => new HttpRequestMessage(HttpMethod.Delete, $"/api/verifications/{id}"),
            _ => new HttpRequestMessage(Pick(random, [HttpMethod.Put, HttpMethod.Patch, HttpMethod.Get, HttpMethod.Delete]), "/api/verifications"),
        };

        if (random.Next(8) != 0)
        {
            request.Headers.TryAddWithoutValidation("X-MS-CLIENT-PRINCIPAL-ID", Pick(random, Principals));
        }

        if (random.Next(4) == 0)
        {
            request.Headers.TryAddWithoutValidation("Idempotency-Key", random.Next(3) switch
            {
                0 => Guid.NewGuid().ToString(),
                1 => new string('k', random.Next(150, 400)),
                _ => "键-" + random.Next(5),
            });
        }

        return request;
    }

    private static HttpRequestMessage NewSubmission(Random random, byte[][] validCards)
    {
        var side = Uri.EscapeDataString(Pick(random, Sides));
        var request = new HttpRequestMessage(HttpMethod.Post, random.Next(3) == 0 ? "/api/verifications" : $"/api/verifications?side={side}");
        var body = NextBody(random, validCards);
        var contentType = Pick(random, ContentTypes);
        if (contentType.StartsWith("multipart", StringComparison.Ordinal) && random.Next(2) == 0)
        {
            var form = new MultipartFormDataContent("real-" + random.Next(1000));
            form.Add(new ByteArrayContent(body), Pick(random, ["image", "Image", "file", "images"]), "card.bin");
            if (random.Next(2) == 0)
            {
                form.Add(new StringContent(Pick(random, Sides)), "side");
            }

            if (random.Next(4) == 0)
            {
                form.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType.Contains('=') ? "multipart/form-data; boundary=\"wrong\"" : contentType);
            }

            request.Content = form;
            return request;
        }

        request.Content = new ByteArrayContent(body);
        request.Content.Headers.TryAddWithoutValidation("Content-Type", contentType);
        return request;
    }

    private static byte[] NextBody(Random random, byte[][] validCards)
    {
        switch (random.Next(6))
        {
            case 0:
                return [];
            case 1:
                var noise = new byte[random.Next(1, 4000)];
                random.NextBytes(noise);
                return noise;
            case 2:
                return Pick(random, [TestImages.PngHeader(random.Next(0, 9000), random.Next(0, 9000)), TestImages.JpegHeader(random.Next(0, 9000), random.Next(0, 9000)), TestImages.BmpHeader(random.Next(-9000, 9000), random.Next(-9000, 9000))]);
            case 3:
                var card = Pick(random, validCards);
                return card[..random.Next(1, Math.Min(card.Length, 200))];
            case 4:
                var mutated = (byte[])Pick(random, validCards).Clone();
                for (var flips = random.Next(1, 8); flips > 0; flips--)
                {
                    mutated[random.Next(Math.Min(mutated.Length, 64))] = (byte)random.Next(256);
                }

                return mutated;
            default:
                return Pick(random, validCards);
        }
    }

    private static T Pick<T>(Random random, IReadOnlyList<T> items) => items[random.Next(items.Count)];
}
