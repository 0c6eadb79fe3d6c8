using System.Net;
using Microsoft.Extensions.Time.Testing;

namespace Shiming.BaiduEmulator.Tests;

[TestClass]
public sealed class TokenEndpointTests
{
    [TestMethod]
    public async Task Get_with_the_right_keys_in_the_query_issues_a_token()
    {
        using var response = await SharedEmulator.Client.Http.GetAsync("oauth/2.0/token?grant_type=client_credentials&client_id=test-api-key&client_secret=test-secret-key");
        var reply = await EmulatorClient.ReadAsync(response);

        Assert.AreEqual(HttpStatusCode.OK, reply.Status);
        Assert.AreEqual("application/json;charset=UTF-8", reply.ContentType);
        Assert.AreEqual("no-store", response.Headers.CacheControl?.ToString());
        AssertTokenBody(reply, expectedLifetimeSeconds: 2592000);
    }

    [TestMethod]
    public async Task Post_with_the_keys_in_a_form_body_issues_a_token()
    {
        using var response = await SharedEmulator.Client.Http.PostAsync("oauth/2.0/token", EmulatorClient.Form(
        [
            new("grant_type", "client_credentials"),
            new("client_id", "test-api-key"),
            new("client_secret", "test-secret-key"),
        ]));

        AssertTokenBody(await EmulatorClient.ReadAsync(response), expectedLifetimeSeconds: 2592000);
    }

    [TestMethod]
    public async Task Post_with_the_keys_in_the_query_issues_a_token()
    {
        using var response = await SharedEmulator.Client.Http.PostAsync("oauth/2.0/token?grant_type=client_credentials&client_id=test-api-key&client_secret=test-secret-key", content: null);

        AssertTokenBody(await EmulatorClient.ReadAsync(response), expectedLifetimeSeconds: 2592000);
    }

    [TestMethod]
    public async Task Every_request_issues_a_fresh_token()
    {
        var first = await SharedEmulator.Client.GetTokenAsync();
        var second = await SharedEmulator.Client.GetTokenAsync();

        Assert.AreNotEqual(first, second);
    }

    [TestMethod]
    public async Task Expires_in_follows_the_configured_lifetime()
    {
        await using var host = await BaiduEmulatorHost.StartAsync(new EmulatorOptions { TokenLifetime = TimeSpan.FromHours(2) });
        using var client = new EmulatorClient(host);
        using var response = await client.Http.GetAsync("oauth/2.0/token?grant_type=client_credentials&client_id=emulator-api-key&client_secret=emulator-secret-key");

        AssertTokenBody(await EmulatorClient.ReadAsync(response), expectedLifetimeSeconds: 7200);
    }

    [TestMethod]
    public async Task An_unknown_API_key_is_an_invalid_client_with_unknown_client_id()
    {
        using var response = await SharedEmulator.Client.Http.GetAsync("oauth/2.0/token?grant_type=client_credentials&client_id=someone-else&client_secret=test-secret-key");
        var reply = await EmulatorClient.ReadAsync(response);

        Assert.AreEqual(HttpStatusCode.Unauthorized, reply.Status);
        Assert.AreEqual("application/json;charset=UTF-8", reply.ContentType);
        Assert.AreEqual("invalid_client", reply.Body.GetProperty("error").GetString());
        Assert.AreEqual("unknown client id", reply.Body.GetProperty("error_description").GetString());
    }

    [TestMethod]
    public async Task A_wrong_secret_key_is_an_invalid_client_whose_authentication_failed()
    {
        using var response = await SharedEmulator.Client.Http.PostAsync("oauth/2.0/token", EmulatorClient.Form(
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
    public async Task Another_grant_type_is_unsupported()
    {
        using var response = await SharedEmulator.Client.Http.GetAsync("oauth/2.0/token?grant_type=password&client_id=test-api-key&client_secret=test-secret-key");
        var reply = await EmulatorClient.ReadAsync(response);

        Assert.AreEqual(HttpStatusCode.BadRequest, reply.Status);
        Assert.AreEqual("unsupported_grant_type", reply.Body.GetProperty("error").GetString());
        Assert.AreEqual("Grant type \"password\" not supported", reply.Body.GetProperty("error_description").GetString());
    }

    [TestMethod]
    public async Task A_token_is_accepted_until_its_lifetime_ends_and_is_expired_from_then()
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
    public async Task A_new_token_works_after_the_old_one_expired()
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
