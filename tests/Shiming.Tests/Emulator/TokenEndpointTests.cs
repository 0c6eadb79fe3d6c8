using System.Net;
using Microsoft.Extensions.Time.Testing;
using Shiming.BaiduEmulator;

namespace Shiming.Tests.Emulator;

[TestClass]
public sealed class TokenEndpointTests
{
    private static BaiduEmulatorHost s_host = null!;
    private static EmulatorClient s_client = null!;

    [ClassInitialize]
    public static async Task StartEmulatorAsync(TestContext context)
    {
        s_host = await BaiduEmulatorHost.StartAsync(new EmulatorOptions { ApiKey = "test-api-key", SecretKey = "test-secret-key" });
        s_client = new EmulatorClient(s_host);
    }

    [ClassCleanup]
    public static async Task StopEmulatorAsync()
    {
        s_client.Dispose();
        await s_host.DisposeAsync();
    }

    [TestMethod]
    public async Task GetWithTheRightKeysInTheQueryIssuesAToken()
    {
        using var response = await s_client.Http.GetAsync("oauth/2.0/token?grant_type=client_credentials&client_id=test-api-key&client_secret=test-secret-key");
        var reply = await EmulatorClient.ReadAsync(response);

        Assert.AreEqual(HttpStatusCode.OK, reply.Status);
        Assert.AreEqual("application/json;charset=UTF-8", reply.ContentType);
        Assert.AreEqual("no-store", response.Headers.CacheControl?.ToString());
        AssertTokenBody(reply, expectedLifetimeSeconds: 2592000);
    }

    [TestMethod]
    public async Task PostWithTheKeysInAFormBodyIssuesAToken()
    {
        using var response = await s_client.Http.PostAsync("oauth/2.0/token", EmulatorClient.Form(
        [
            new("grant_type", "client_credentials"),
            new("client_id", "test-api-key"),
            new("client_secret", "test-secret-key"),
        ]));

        AssertTokenBody(await EmulatorClient.ReadAsync(response), expectedLifetimeSeconds: 2592000);
    }

    [TestMethod]
    public async Task PostWithTheKeysInTheQueryIssuesAToken()
    {
        using var response = await s_client.Http.PostAsync("oauth/2.0/token?grant_type=client_credentials&client_id=test-api-key&client_secret=test-secret-key", content: null);

        AssertTokenBody(await EmulatorClient.ReadAsync(response), expectedLifetimeSeconds: 2592000);
    }

    [TestMethod]
    public async Task EveryRequestIssuesAFreshToken()
    {
        var first = await s_client.GetTokenAsync();
        var second = await s_client.GetTokenAsync();

        Assert.AreNotEqual(first, second);
    }

    [TestMethod]
    public async Task ExpiresInFollowsTheConfiguredLifetime()
    {
        await using var host = await BaiduEmulatorHost.StartAsync(new EmulatorOptions { TokenLifetime = TimeSpan.FromHours(2) });
        using var client = new EmulatorClient(host);
        using var response = await client.Http.GetAsync("oauth/2.0/token?grant_type=client_credentials&client_id=emulator-api-key&client_secret=emulator-secret-key");

        AssertTokenBody(await EmulatorClient.ReadAsync(response), expectedLifetimeSeconds: 7200);
    }

    [TestMethod]
    public async Task AnUnknownApiKeyIsAnInvalidClientWithUnknownClientId()
    {
        using var response = await s_client.Http.GetAsync("oauth/2.0/token?grant_type=client_credentials&client_id=someone-else&client_secret=test-secret-key");
        var reply = await EmulatorClient.ReadAsync(response);

        Assert.AreEqual(HttpStatusCode.Unauthorized, reply.Status);
        Assert.AreEqual("application/json;charset=UTF-8", reply.ContentType);
        Assert.AreEqual("invalid_client", reply.Body.GetProperty("error").GetString());
        Assert.AreEqual("unknown client id", reply.Body.GetProperty("error_description").GetString());
    }

    [TestMethod]
    public async Task AWrongSecretKeyIsAnInvalidClientWhoseAuthenticationFailed()
    {
        using var response = await s_client.Http.PostAsync("oauth/2.0/token", EmulatorClient.Form(
        [
            new("grant_type", "client_credentials"),
            new("client_id", "test-api-key"),
            new("client_secret", "not-the-secret"),
        ]));
        var reply = await EmulatorClient.ReadAsync(response);

        Assert.AreEqual(HttpStatusCode.Unauthorized, reply.Status);
        Assert.AreEqual("invalid_client", reply.Body.GetProperty("error").GetString());
        Assert.AreEqual("Client authentication failed", reply.Body.GetProperty("error_description").GetString());
    }

    [TestMethod]
    public async Task AnotherGrantTypeIsUnsupported()
    {
        using var response = await s_client.Http.GetAsync("oauth/2.0/token?grant_type=password&client_id=test-api-key&client_secret=test-secret-key");
        var reply = await EmulatorClient.ReadAsync(response);

        Assert.AreEqual(HttpStatusCode.BadRequest, reply.Status);
        Assert.AreEqual("unsupported_grant_type", reply.Body.GetProperty("error").GetString());
        Assert.AreEqual("Grant type \"password\" not supported", reply.Body.GetProperty("error_description").GetString());
    }

    [TestMethod]
    public async Task ATokenIsAcceptedUntilItsLifetimeEndsAndIsExpiredFromThen()
    {
        var clock = new FakeTimeProvider();
        await using var host = await BaiduEmulatorHost.StartAsync(new EmulatorOptions { TokenLifetime = TimeSpan.FromDays(30) }, clock);
        using var client = new EmulatorClient(host);
        var token = await client.GetTokenAsync();
        var card = SyntheticCardImages.RenderFront(SyntheticIdentities.CreatePerson(new Random(1)));

        clock.Advance(TimeSpan.FromDays(30) - TimeSpan.FromSeconds(1));
        var lastSecond = await client.RecognizeAsync(token, card, "front");
        clock.Advance(TimeSpan.FromSeconds(1));
        var expired = await client.RecognizeAsync(token, card, "front");

        Assert.IsNull(lastSecond.ErrorCode, lastSecond.Text);
        Assert.AreEqual(HttpStatusCode.OK, expired.Status);
        Assert.AreEqual(111, expired.ErrorCode);
        Assert.AreEqual("Access token expired", expired.ErrorMessage);
    }

    [TestMethod]
    public async Task ANewTokenWorksAfterTheOldOneExpired()
    {
        var clock = new FakeTimeProvider();
        await using var host = await BaiduEmulatorHost.StartAsync(new EmulatorOptions { TokenLifetime = TimeSpan.FromMinutes(5) }, clock);
        using var client = new EmulatorClient(host);
        var card = SyntheticCardImages.RenderFront(SyntheticIdentities.CreatePerson(new Random(2)));
        var old = await client.GetTokenAsync();

        clock.Advance(TimeSpan.FromMinutes(6));
        var renewed = await client.GetTokenAsync();

        Assert.AreEqual(111, (await client.RecognizeAsync(old, card, "front")).ErrorCode);
        Assert.IsNull((await client.RecognizeAsync(renewed, card, "front")).ErrorCode);
    }

    private static void AssertTokenBody(BaiduReply reply, long expectedLifetimeSeconds)
    {
        Assert.AreEqual(HttpStatusCode.OK, reply.Status, reply.Text);
        var body = reply.Body;
        Assert.StartsWith("24.", body.GetProperty("access_token").GetString()!);
        Assert.StartsWith("25.", body.GetProperty("refresh_token").GetString()!);
        Assert.AreEqual(expectedLifetimeSeconds, body.GetProperty("expires_in").GetInt64());
        CollectionAssert.Contains(body.GetProperty("scope").GetString()!.Split(' '), "brain_all_scope");
        Assert.IsFalse(string.IsNullOrEmpty(body.GetProperty("session_key").GetString()));
        Assert.IsFalse(string.IsNullOrEmpty(body.GetProperty("session_secret").GetString()));
    }
}
