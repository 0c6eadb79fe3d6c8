using System.Net;
using System.Text;
using System.Text.Json;

namespace Shiming.BaiduEmulator.Tests;

/// <summary>A reply as a client sees it on the wire: status, raw content type, parsed body, raw text.</summary>
internal sealed record BaiduReply(HttpStatusCode Status, string? ContentType, JsonElement Body, string Text)
{
    public int? ErrorCode => Body.TryGetProperty("error_code", out var code) ? code.GetInt32() : null;

    public string? ErrorMessage => Body.TryGetProperty("error_msg", out var message) ? message.GetString() : null;

    public string? ImageStatus => Body.TryGetProperty("image_status", out var status) ? status.GetString() : null;

    public string Words(string field) => Body.GetProperty("words_result").GetProperty(field).GetProperty("words").GetString()!;

    /// <summary>The text APIs' lines, in the order answered.</summary>
    public IReadOnlyList<string> Lines => [.. Body.GetProperty("words_result").EnumerateArray().Select(line => line.GetProperty("words").GetString()!)];

    /// <summary>The identity check with validity's <c>result.verify_status</c>.</summary>
    public int VerifyStatus => Body.GetProperty("result").GetProperty("verify_status").GetInt32();

    /// <summary>The moderation API's <c>conclusionType</c>.</summary>
    public int? ConclusionType => Body.TryGetProperty("conclusionType", out var type) ? type.GetInt32() : null;
}

/// <summary>Talks to a running emulator over HTTP, building form bodies by hand as Baidu clients must for large images.</summary>
internal sealed class EmulatorClient(BaiduEmulatorHost host) : IDisposable
{
    public const string IdCardPath = "rest/2.0/ocr/v1/idcard";
    public const string ModerationPath = "rest/2.0/solution/v1/img_censor/v2/user_defined";

    /// <summary>The path of a text OCR API: <c>general_basic</c>, <c>accurate_basic</c>, <c>general</c> or <c>accurate</c>.</summary>
    public static string TextPath(string api) => $"rest/2.0/ocr/v1/{api}";

    public HttpClient Http { get; } = new() { BaseAddress = host.BaseAddress };

    public static HttpContent Form(IEnumerable<KeyValuePair<string, string>> fields)
    {
        // FormUrlEncodedContent fails on very long values; WebUtility.UrlEncode does not.
        var body = string.Join('&', fields.Select(field => $"{WebUtility.UrlEncode(field.Key)}={WebUtility.UrlEncode(field.Value)}"));
        return new StringContent(body, Encoding.ASCII, "application/x-www-form-urlencoded");
    }

    public static async Task<BaiduReply> ReadAsync(HttpResponseMessage response)
    {
        // Raw, before reading the body parses it into "application/json; charset=UTF-8".
        response.Content.Headers.NonValidated.TryGetValues("Content-Type", out var contentType);
        var rawContentType = contentType.ToString();
        var text = await response.Content.ReadAsStringAsync();
        using var document = JsonDocument.Parse(text);
        return new BaiduReply(response.StatusCode, rawContentType, document.RootElement.Clone(), text);
    }

    public async Task<string> GetTokenAsync()
    {
        using var response = await Http.PostAsync("oauth/2.0/token", Form(
        [
            new("grant_type", "client_credentials"),
            new("client_id", host.Options.ApiKey),
            new("client_secret", host.Options.SecretKey),
        ]));
        var reply = await ReadAsync(response);
        Assert.AreEqual(HttpStatusCode.OK, reply.Status, reply.Text);
        return reply.Body.GetProperty("access_token").GetString()!;
    }

    public Task<BaiduReply> RecognizeAsync(string token, byte[] image, string side, params (string Name, string Value)[] extra) =>
        PostIdCardAsync(
            $"{IdCardPath}?access_token={Uri.EscapeDataString(token)}",
            [new("id_card_side", side), new("image", Convert.ToBase64String(image)), .. extra.Select(e => new KeyValuePair<string, string>(e.Name, e.Value))]);

    /// <summary>Reads an image's text with one of the text OCR APIs.</summary>
    public Task<BaiduReply> ReadTextAsync(string token, byte[] image, string api = EmulatorApis.GeneralBasic, params (string Name, string Value)[] extra) =>
        PostIdCardAsync(
            $"{TextPath(api)}?access_token={Uri.EscapeDataString(token)}",
            [new("image", Convert.ToBase64String(image)), .. extra.Select(e => new KeyValuePair<string, string>(e.Name, e.Value))]);

    /// <summary>Has an image moderated.</summary>
    public Task<BaiduReply> ModerateAsync(string token, byte[] image, params (string Name, string Value)[] extra) =>
        PostIdCardAsync(
            $"{ModerationPath}?access_token={Uri.EscapeDataString(token)}",
            [new("image", Convert.ToBase64String(image)), .. extra.Select(e => new KeyValuePair<string, string>(e.Name, e.Value))]);

    public const string IdMatchPath = "rest/2.0/face/v3/person/idmatch";
    public const string IdMatchDatePath = "rest/2.0/face/v4/idmatch_date";

    /// <summary>Posts a raw body (JSON, or whatever a test sends in its place) to an identity check.</summary>
    public async Task<BaiduReply> PostJsonAsync(string path, string token, string json)
    {
        using var content = new StringContent(json, Encoding.UTF8, "application/json");
        using var response = await Http.PostAsync($"{path}?access_token={Uri.EscapeDataString(token)}", content);
        return await ReadAsync(response);
    }

    /// <summary>Asks <c>idmatch</c> whether the name belongs to the number.</summary>
    public Task<BaiduReply> IdMatchAsync(string token, string idNumber, string name) =>
        PostJsonAsync(IdMatchPath, token, JsonSerializer.Serialize(new Dictionary<string, string> { ["id_card_number"] = idNumber, ["name"] = name }));

    /// <summary>Asks <c>idmatch_date</c> whether the name and the validity dates belong to the number.</summary>
    public Task<BaiduReply> IdMatchDateAsync(string token, string idNumber, string name, string startDate, string endDate) =>
        PostJsonAsync(IdMatchDatePath, token, JsonSerializer.Serialize(new Dictionary<string, string>
        {
            ["id_card_number"] = idNumber,
            ["name"] = name,
            ["start_date"] = startDate,
            ["end_date"] = endDate,
        }));

    /// <summary>Posts a form to any of the emulator's APIs.</summary>
    public Task<BaiduReply> PostAsync(string pathAndQuery, IEnumerable<KeyValuePair<string, string>> form) => PostIdCardAsync(pathAndQuery, form);

    public async Task<BaiduReply> PostIdCardAsync(string pathAndQuery, IEnumerable<KeyValuePair<string, string>> form)
    {
        using var response = await Http.PostAsync(pathAndQuery, Form(form));
        return await ReadAsync(response);
    }

    public void Dispose() => Http.Dispose();
}
