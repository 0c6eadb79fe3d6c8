using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Shiming.BaiduEmulator;
using Shiming.Tests.Infrastructure;

namespace Shiming.Tests.Api;

/// <summary>
/// Every status code of the verification endpoints, through Kestrel and Azurite. The drain does not run
/// here unless a test runs it, so jobs stay where a test puts them.
/// </summary>
[TestClass]
public sealed class VerificationContractTests
{
    private static ShimingTestApp s_app = null!;
    private static int s_seed = 5000;

    [ClassInitialize]
    public static async Task StartAsync(TestContext _)
    {
        s_app = await ShimingTestApp.StartAsync(s => s["Verifications:MaxLiveJobsPerAccount"] = "3", runTimers: false);
        s_app.Client.DefaultRequestHeaders.Remove("X-MS-CLIENT-PRINCIPAL-ID");
    }

    [ClassCleanup]
    public static async Task StopAsync() => await s_app.DisposeAsync();

    [TestMethod]
    public async Task Submit_202_then_status_202_while_waiting()
    {
        var account = NewAccount();
        using var submitted = await SubmitAsync(account, NewCard());

        Assert.AreEqual(HttpStatusCode.Accepted, submitted.StatusCode);
        using var status = await SendAsync(account, HttpMethod.Get, submitted.Headers.Location!.ToString());
        Assert.AreEqual(HttpStatusCode.Accepted, status.StatusCode);
        Assert.AreEqual(submitted.Headers.Location, status.Headers.Location);
        Assert.IsNotNull(status.Headers.RetryAfter?.Delta);
        var body = await status.Content.ReadFromJsonAsync<JsonElement>();
        Assert.AreEqual("Pending", body.GetProperty("runtimeStatus").GetString());
        Assert.AreEqual(JsonValueKind.String, body.GetProperty("customStatus").GetProperty("estimatedStartTime").ValueKind);
    }

    [TestMethod]
    public async Task Status_200_once_the_drain_has_finished_the_job()
    {
        var account = NewAccount();
        using var submitted = await SubmitAsync(account, NewCard());

        await s_app.DrainOnceAsync();

        using var status = await SendAsync(account, HttpMethod.Get, submitted.Headers.Location!.ToString());
        Assert.AreEqual(HttpStatusCode.OK, status.StatusCode);
        Assert.IsNull(status.Headers.Location);
        Assert.AreEqual("Completed", (await status.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("runtimeStatus").GetString());
    }

    [TestMethod]
    [DataRow("left")]
    [DataRow("FRONTAL")]
    public async Task Submit_400_for_an_unknown_side(string side)
    {
        var content = new ByteArrayContent(NewCard());
        content.Headers.ContentType = new MediaTypeHeaderValue("image/png");

        using var response = await SendAsync(NewAccount(), HttpMethod.Post, $"/api/verifications?side={side}", content);

        await AssertProblemAsync(response, HttpStatusCode.BadRequest, "unknown_side");
    }

    [TestMethod]
    public async Task Submit_400_for_an_empty_body()
    {
        var content = new ByteArrayContent([]);
        content.Headers.ContentType = new MediaTypeHeaderValue("image/png");

        using var response = await SendAsync(NewAccount(), HttpMethod.Post, "/api/verifications", content);

        await AssertProblemAsync(response, HttpStatusCode.BadRequest, "image_empty");
    }

    [TestMethod]
    public async Task Submit_400_for_a_multipart_body_without_an_image_part()
    {
        using var form = new MultipartFormDataContent { { new StringContent("front"), "side" }, { new ByteArrayContent(NewCard()), "photo", "card.png" } };

        using var response = await SendAsync(NewAccount(), HttpMethod.Post, "/api/verifications", form);

        await AssertProblemAsync(response, HttpStatusCode.BadRequest, "image_missing");
    }

    [TestMethod]
    public async Task Submit_400_for_an_unknown_side_in_a_multipart_field()
    {
        using var form = new MultipartFormDataContent { { new StringContent("sideways"), "side" }, { new ByteArrayContent(NewCard()), "image", "card.png" } };

        using var response = await SendAsync(NewAccount(), HttpMethod.Post, "/api/verifications", form);

        await AssertProblemAsync(response, HttpStatusCode.BadRequest, "unknown_side");
    }

    [TestMethod]
    [DataRow("multipart/form-data; boundary=\"not-the-one-used\"")]
    [DataRow("multipart/form-data")]
    public async Task Submit_400_for_a_multipart_body_whose_boundary_does_not_match(string contentType)
    {
        var body = "--real-boundary\r\nContent-Disposition: form-data; name=\"image\"; filename=\"a.png\"\r\n\r\nxxxx\r\n--real-boundary--\r\n";
        var content = new StringContent(body, Encoding.ASCII);
        content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);

        using var response = await SendAsync(NewAccount(), HttpMethod.Post, "/api/verifications", content);

        await AssertProblemAsync(response, HttpStatusCode.BadRequest, "malformed_request");
    }

    [TestMethod]
    public async Task Submit_400_for_an_unusable_idempotency_key()
    {
        var content = new ByteArrayContent(NewCard());
        content.Headers.ContentType = new MediaTypeHeaderValue("image/png");
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/verifications") { Content = content };
        request.Headers.Add("X-MS-CLIENT-PRINCIPAL-ID", NewAccount());
        request.Headers.Add("Idempotency-Key", new string('k', 201));

        using var response = await s_app.Client.SendAsync(request);

        await AssertProblemAsync(response, HttpStatusCode.BadRequest, "invalid_idempotency_key");
    }

    [TestMethod]
    public async Task Submit_413_for_an_image_larger_than_Baidu_accepts_whether_its_length_is_declared_or_not()
    {
        var oversize = new byte[(3 * 1024 * 1024) + 1];
        TestImages.PngHeader(856, 540).CopyTo(oversize, 0);

        var declared = new ByteArrayContent(oversize);
        declared.Headers.ContentType = new MediaTypeHeaderValue("image/png");
        using var withLength = await SendAsync(NewAccount(), HttpMethod.Post, "/api/verifications", declared);
        await AssertProblemAsync(withLength, HttpStatusCode.RequestEntityTooLarge, "image_too_large");

        var chunked = new StreamContent(new MemoryStream(oversize));
        chunked.Headers.ContentType = new MediaTypeHeaderValue("image/png");
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/verifications") { Content = chunked };
        request.Headers.TransferEncodingChunked = true;
        request.Headers.Add("X-MS-CLIENT-PRINCIPAL-ID", NewAccount());
        using var streamed = await s_app.Client.SendAsync(request);
        await AssertProblemAsync(streamed, HttpStatusCode.RequestEntityTooLarge, "image_too_large");
    }

    [TestMethod]
    public async Task Submit_415_for_bytes_that_are_not_a_JPEG_PNG_or_BMP_whatever_the_declared_type()
    {
        var content = new ByteArrayContent("GIF89a............"u8.ToArray());
        content.Headers.ContentType = new MediaTypeHeaderValue("image/jpeg");

        using var response = await SendAsync(NewAccount(), HttpMethod.Post, "/api/verifications", content);

        await AssertProblemAsync(response, HttpStatusCode.UnsupportedMediaType, "unsupported_image_type");
    }

    [TestMethod]
    [DataRow(10, 540)]
    [DataRow(5000, 3000)]
    public async Task Submit_422_for_an_image_outside_Baidus_size_bounds(int width, int height)
    {
        var content = new ByteArrayContent(TestImages.PngHeader(width, height));
        content.Headers.ContentType = new MediaTypeHeaderValue("image/png");

        using var response = await SendAsync(NewAccount(), HttpMethod.Post, "/api/verifications", content);

        var problem = await AssertProblemAsync(response, HttpStatusCode.UnprocessableEntity, "image_unusable");
        StringAssert.Contains(problem.GetProperty("detail").GetString(), $"{width}×{height}");
    }

    [TestMethod]
    public async Task Submit_422_for_a_truncated_header()
    {
        var content = new ByteArrayContent(TestImages.PngHeader(856, 540)[..20]);
        content.Headers.ContentType = new MediaTypeHeaderValue("image/png");

        using var response = await SendAsync(NewAccount(), HttpMethod.Post, "/api/verifications", content);

        await AssertProblemAsync(response, HttpStatusCode.UnprocessableEntity, "image_unusable");
    }

    [TestMethod]
    public async Task Submit_429_with_Retry_After_beyond_the_accounts_live_jobs_but_a_repeat_is_still_answered()
    {
        var account = NewAccount();
        var first = NewCard();
        using var accepted = await SubmitAsync(account, first);
        (await SubmitAsync(account, NewCard())).Dispose();
        (await SubmitAsync(account, NewCard())).Dispose();

        using var refused = await SubmitAsync(account, NewCard());
        using var repeat = await SubmitAsync(account, first);

        await AssertProblemAsync(refused, HttpStatusCode.TooManyRequests, "too_many_pending");
        Assert.IsNotNull(refused.Headers.RetryAfter?.Delta);
        Assert.AreEqual(HttpStatusCode.Accepted, repeat.StatusCode);
        Assert.AreEqual(accepted.Headers.Location, repeat.Headers.Location);
        using var otherAccount = await SubmitAsync(NewAccount(), NewCard());
        Assert.AreEqual(HttpStatusCode.Accepted, otherAccount.StatusCode);
    }

    [TestMethod]
    public async Task Submit_401_without_an_identity_outside_development()
    {
        await using var production = await ShimingTestApp.StartAsync(environment: "Production", runTimers: false);
        var content = new ByteArrayContent(NewCard());
        content.Headers.ContentType = new MediaTypeHeaderValue("image/png");
        production.Client.DefaultRequestHeaders.Remove("X-MS-CLIENT-PRINCIPAL-ID");

        using var response = await production.Client.PostAsync("/api/verifications", content);

        await AssertProblemAsync(response, HttpStatusCode.Unauthorized, "unauthenticated");
    }

    [TestMethod]
    public async Task The_principal_header_is_refused_in_production_unless_App_Service_Authentication_vouches_for_it()
    {
        await using var unprotected = await ShimingTestApp.StartAsync(environment: "Production", runTimers: false);
        await using var protectedByPlatform = await ShimingTestApp.StartAsync(s => s["WEBSITE_AUTH_ENABLED"] = "True", environment: "Production", runTimers: false);

        using var refused = await unprotected.Client.GetAsync("/api/verifications/0123456789abcdef0123456789abcdef");
        using var trusted = await protectedByPlatform.Client.GetAsync("/api/verifications/0123456789abcdef0123456789abcdef");

        await AssertProblemAsync(refused, HttpStatusCode.Unauthorized, "unauthenticated");
        await AssertProblemAsync(trusted, HttpStatusCode.NotFound, "verification_not_found");
    }

    [TestMethod]
    public async Task The_development_identity_is_refused_when_running_in_Azure()
    {
        await using var inAzure = await ShimingTestApp.StartAsync(s => s["WEBSITE_INSTANCE_ID"] = "0123abcd", runTimers: false);
        inAzure.Client.DefaultRequestHeaders.Remove("X-MS-CLIENT-PRINCIPAL-ID");

        using var anonymous = await inAzure.Client.GetAsync("/api/verifications/0123456789abcdef0123456789abcdef");
        using var claimed = await SendAsync(inAzure, "anyone", HttpMethod.Get, "/api/verifications/0123456789abcdef0123456789abcdef");

        await AssertProblemAsync(anonymous, HttpStatusCode.Unauthorized, "unauthenticated");
        await AssertProblemAsync(claimed, HttpStatusCode.Unauthorized, "unauthenticated");
    }

    [TestMethod]
    [DataRow("0123456789abcdef0123456789abcdef")]
    [DataRow("it's-not-an-id")]
    [DataRow("..%2F..%2Fetc")]
    [DataRow("%E8%BA%AB%E4%BB%BD%E8%AF%81")]
    public async Task Status_terminate_and_purge_404_for_an_unknown_id(string id)
    {
        var account = NewAccount();

        using var status = await SendAsync(account, HttpMethod.Get, $"/api/verifications/{id}");
        using var terminate = await SendAsync(account, HttpMethod.Post, $"/api/verifications/{id}/terminate");
        using var purge = await SendAsync(account, HttpMethod.Delete, $"/api/verifications/{id}");

        await AssertProblemAsync(status, HttpStatusCode.NotFound, "verification_not_found");
        await AssertProblemAsync(terminate, HttpStatusCode.NotFound, "verification_not_found");
        await AssertProblemAsync(purge, HttpStatusCode.NotFound, "verification_not_found");
    }

    [TestMethod]
    public async Task Terminate_202_stops_a_pending_job_which_is_then_never_sent_to_Baidu()
    {
        // An app of its own, so that any call the emulator sees could only be for this job.
        await using var app = await ShimingTestApp.StartAsync(runTimers: false);
        var account = NewAccount();
        using var submitted = await SendAsync(app, account, HttpMethod.Post, "/api/verifications", PngContent(NewCard()));
        var accepted = await submitted.Content.ReadFromJsonAsync<JsonElement>();

        using var terminated = await SendAsync(app, account, HttpMethod.Post, accepted.GetProperty("terminatePostUri").GetString()!);
        await app.DrainOnceAsync();

        Assert.AreEqual(HttpStatusCode.Accepted, terminated.StatusCode);
        using var status = await SendAsync(app, account, HttpMethod.Get, accepted.GetProperty("statusQueryGetUri").GetString()!);
        Assert.AreEqual(HttpStatusCode.OK, status.StatusCode);
        Assert.AreEqual("Terminated", (await status.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("runtimeStatus").GetString());
        Assert.IsFalse(app.Emulator.Calls.Any(c => c.Endpoint.Contains("idcard", StringComparison.Ordinal)));
        Assert.IsFalse(await AzuriteStorage.ExistsAsync(app.Storage.Images, accepted.GetProperty("id").GetString()!));
    }

    [TestMethod]
    public async Task Terminate_410_once_the_job_has_finished()
    {
        var account = NewAccount();
        using var submitted = await SubmitAsync(account, NewCard());
        await s_app.DrainOnceAsync();

        using var terminate = await SendAsync(account, HttpMethod.Post, $"{submitted.Headers.Location}/terminate");

        await AssertProblemAsync(terminate, HttpStatusCode.Gone, "verification_finished");
    }

    [TestMethod]
    public async Task Purge_200_removes_the_image_and_the_record()
    {
        var account = NewAccount();
        using var submitted = await SubmitAsync(account, NewCard());
        var statusUri = submitted.Headers.Location!.ToString();
        var id = statusUri[(statusUri.LastIndexOf('/') + 1)..];

        using var purged = await SendAsync(account, HttpMethod.Delete, statusUri);

        Assert.AreEqual(HttpStatusCode.OK, purged.StatusCode);
        Assert.AreEqual(1, (await purged.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("instancesDeleted").GetInt32());
        using var status = await SendAsync(account, HttpMethod.Get, statusUri);
        Assert.AreEqual(HttpStatusCode.NotFound, status.StatusCode);
        Assert.IsFalse(await AzuriteStorage.ExistsAsync(s_app.Storage.Images, id));
        Assert.IsFalse((await s_app.Storage.Records.GetEntityIfExistsAsync<Azure.Data.Tables.TableEntity>(new Shiming.Api.CallerAccount(account).Key, id)).HasValue);
    }

    [TestMethod]
    public async Task The_same_Idempotency_Key_returns_the_same_job_and_queues_nothing_more()
    {
        var account = NewAccount();
        using var first = await SubmitAsync(account, NewCard(), idempotencyKey: "order-42");
        using var retried = await SubmitAsync(account, NewCard(), idempotencyKey: "order-42");
        using var otherKey = await SubmitAsync(account, NewCard(), idempotencyKey: "order-43");

        Assert.AreEqual(HttpStatusCode.Accepted, retried.StatusCode);
        Assert.AreEqual(first.Headers.Location, retried.Headers.Location);
        Assert.AreNotEqual(first.Headers.Location, otherKey.Headers.Location);
        Assert.AreEqual(2, await CountLiveJobsAsync(account));
    }

    [TestMethod]
    [DataRow("at-once-1", DisplayName = "with one Idempotency-Key")]
    [DataRow(null, DisplayName = "the same image without a key")]
    public async Task Identical_submissions_at_the_same_moment_create_one_job_and_all_get_it(string? idempotencyKey)
    {
        var account = NewAccount();
        var card = NewCard();

        var responses = await Task.WhenAll(Enumerable.Range(0, 6).Select(_ => SubmitAsync(account, card, idempotencyKey: idempotencyKey)));

        try
        {
            foreach (var response in responses)
            {
                Assert.AreEqual(HttpStatusCode.Accepted, response.StatusCode, await response.Content.ReadAsStringAsync());
            }

            Assert.AreEqual(1, responses.Select(r => r.Headers.Location).Distinct().Count());
            Assert.AreEqual(1, await CountLiveJobsAsync(account));
        }
        finally
        {
            foreach (var response in responses)
            {
                response.Dispose();
            }
        }
    }

    [TestMethod]
    public async Task Submit_409_with_Retry_After_while_the_same_key_is_claimed_by_an_acceptance_still_under_way()
    {
        var account = NewAccount();
        await PutKeyClaimAsync(account, "in-flight", DateTimeOffset.UtcNow);

        using var response = await SubmitAsync(account, NewCard(), idempotencyKey: "in-flight");

        await AssertProblemAsync(response, HttpStatusCode.Conflict, "submission_in_progress");
        Assert.AreEqual(TimeSpan.FromSeconds(1), response.Headers.RetryAfter?.Delta);
        Assert.AreEqual(0, await CountLiveJobsAsync(account));
    }

    [TestMethod]
    public async Task A_key_claimed_long_ago_for_a_job_that_never_came_is_taken_over()
    {
        var account = NewAccount();
        await PutKeyClaimAsync(account, "abandoned", DateTimeOffset.UtcNow.AddMinutes(-5));

        using var response = await SubmitAsync(account, NewCard(), idempotencyKey: "abandoned");

        Assert.AreEqual(HttpStatusCode.Accepted, response.StatusCode, await response.Content.ReadAsStringAsync());
        Assert.AreEqual(1, await CountLiveJobsAsync(account));
    }

    [TestMethod]
    public async Task A_key_refused_at_the_cap_is_free_for_the_same_request_once_there_is_room()
    {
        var account = NewAccount();
        using var first = await SubmitAsync(account, NewCard());
        (await SubmitAsync(account, NewCard())).Dispose();
        (await SubmitAsync(account, NewCard())).Dispose();
        var card = NewCard();
        using var refused = await SubmitAsync(account, card, idempotencyKey: "after-the-cap");
        await AssertProblemAsync(refused, HttpStatusCode.TooManyRequests, "too_many_pending");

        using var terminated = await SendAsync(account, HttpMethod.Post, first.Headers.Location + "/terminate");
        Assert.AreEqual(HttpStatusCode.Accepted, terminated.StatusCode);
        using var retried = await SubmitAsync(account, card, idempotencyKey: "after-the-cap");

        Assert.AreEqual(HttpStatusCode.Accepted, retried.StatusCode, await retried.Content.ReadAsStringAsync());
        Assert.AreNotEqual(first.Headers.Location, retried.Headers.Location);
    }

    [TestMethod]
    public async Task The_same_image_resubmitted_while_its_job_is_live_returns_that_job_but_a_finished_one_does_not()
    {
        var account = NewAccount();
        var card = NewCard();
        using var first = await SubmitAsync(account, card);
        using var again = await SubmitAsync(account, card);
        using var otherSide = await SubmitAsync(account, card, side: "back");

        Assert.AreEqual(first.Headers.Location, again.Headers.Location);
        Assert.AreNotEqual(first.Headers.Location, otherSide.Headers.Location);

        await s_app.DrainOnceAsync();
        using var afterFinish = await SubmitAsync(account, card);
        Assert.AreEqual(HttpStatusCode.Accepted, afterFinish.StatusCode);
        Assert.AreNotEqual(first.Headers.Location, afterFinish.Headers.Location);
    }

    [TestMethod]
    public async Task One_account_cannot_read_terminate_or_purge_another_accounts_job()
    {
        var owner = NewAccount();
        using var submitted = await SubmitAsync(owner, NewCard());
        var statusUri = submitted.Headers.Location!.ToString();

        using var read = await SendAsync("stranger", HttpMethod.Get, statusUri);
        using var terminate = await SendAsync("stranger", HttpMethod.Post, $"{statusUri}/terminate");
        using var purge = await SendAsync("stranger", HttpMethod.Delete, statusUri);

        await AssertProblemAsync(read, HttpStatusCode.NotFound, "verification_not_found");
        await AssertProblemAsync(terminate, HttpStatusCode.NotFound, "verification_not_found");
        await AssertProblemAsync(purge, HttpStatusCode.NotFound, "verification_not_found");
        using var ownersView = await SendAsync(owner, HttpMethod.Get, statusUri);
        Assert.AreEqual(HttpStatusCode.Accepted, ownersView.StatusCode);
        Assert.AreEqual("Pending", (await ownersView.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("runtimeStatus").GetString());
    }

    private static ByteArrayContent PngContent(byte[] image)
    {
        var content = new ByteArrayContent(image);
        content.Headers.ContentType = new MediaTypeHeaderValue("image/png");
        return content;
    }

    private static string NewAccount() => $"account-{Guid.NewGuid():N}";

    private static byte[] NewCard() => SyntheticCardImages.RenderFront(SyntheticIdentities.CreatePerson(new Random(Interlocked.Increment(ref s_seed))));

    /// <summary>A key row as a request that is accepting a job leaves it before the job exists (the store's own layout).</summary>
    private static async Task PutKeyClaimAsync(string account, string idempotencyKey, DateTimeOffset claimedAt)
    {
        var keys = s_app.Storage.Keys;
        await keys.CreateIfNotExistsAsync();
        var rowKey = "k-" + Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(Encoding.UTF8.GetBytes(idempotencyKey)));
        await keys.UpsertEntityAsync(new Azure.Data.Tables.TableEntity(new Shiming.Api.CallerAccount(account).Key, rowKey)
        {
            ["JobId"] = Guid.NewGuid().ToString("N"),
            ["ClaimedAt"] = claimedAt,
        });
    }

    private static async Task<int> CountLiveJobsAsync(string account)
    {
        var table = s_app.Storage.Records;
        var count = 0;
        await foreach (var _ in table.QueryAsync<Azure.Data.Tables.TableEntity>(Azure.Data.Tables.TableClient.CreateQueryFilter($"PartitionKey eq {new Shiming.Api.CallerAccount(account).Key}")))
        {
            count++;
        }

        return count;
    }

    private static Task<HttpResponseMessage> SubmitAsync(string account, byte[] image, string side = "front", string? idempotencyKey = null)
    {
        var content = new ByteArrayContent(image);
        content.Headers.ContentType = new MediaTypeHeaderValue("image/png");
        var headers = idempotencyKey is null ? null : new Dictionary<string, string> { ["Idempotency-Key"] = idempotencyKey };
        return SendAsync(account, HttpMethod.Post, $"/api/verifications?side={side}", content, headers);
    }

    private static Task<HttpResponseMessage> SendAsync(string account, HttpMethod method, string uri, HttpContent? content = null, Dictionary<string, string>? headers = null) =>
        SendAsync(s_app, account, method, uri, content, headers);

    private static async Task<HttpResponseMessage> SendAsync(
        ShimingTestApp app, string account, HttpMethod method, string uri, HttpContent? content = null, Dictionary<string, string>? headers = null)
    {
        using var request = new HttpRequestMessage(method, uri) { Content = content };
        request.Headers.Add("X-MS-CLIENT-PRINCIPAL-ID", account);
        foreach (var (name, value) in headers ?? [])
        {
            request.Headers.Add(name, value);
        }

        return await app.Client.SendAsync(request);
    }

    private static async Task<JsonElement> AssertProblemAsync(HttpResponseMessage response, HttpStatusCode status, string code)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.AreEqual(status, response.StatusCode, body);
        Assert.AreEqual("application/problem+json", response.Content.Headers.ContentType?.MediaType, body);
        var problem = JsonDocument.Parse(body).RootElement;
        Assert.AreEqual(code, problem.GetProperty("code").GetString());
        Assert.AreEqual($"urn:shiming:problem:{code}", problem.GetProperty("type").GetString());
        Assert.IsFalse(string.IsNullOrWhiteSpace(problem.GetProperty("detail").GetString()));
        return problem;
    }
}
