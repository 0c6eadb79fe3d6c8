using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Shiming.BaiduEmulator;
using Shiming.Tests.Infrastructure;

namespace Shiming.Tests.Jobs;

[TestClass]
public sealed class VerificationFlowTests
{
    private static ShimingTestApp s_app = null!;

    [ClassInitialize]
    public static async Task StartAsync(TestContext _) => s_app = await ShimingTestApp.GetSharedAsync(SharedApp.TimersRunning);

    [TestMethod]
    public async Task A_front_side_is_accepted_then_completes_with_the_cards_fields()
    {
        var person = SyntheticIdentities.CreatePerson(new Random(2001));

        using var response = await s_app.SubmitAsync(SyntheticCardImages.RenderFront(person));

        Assert.AreEqual(HttpStatusCode.Accepted, response.StatusCode);
        var accepted = await response.Content.ReadFromJsonAsync<JsonElement>();
        var id = accepted.GetProperty("id").GetString()!;
        var statusUri = accepted.GetProperty("statusQueryGetUri").GetString()!;
        Assert.AreEqual(new Uri(s_app.BaseAddress, $"/api/verifications/{id}"), new Uri(statusUri));
        Assert.AreEqual(new Uri(statusUri), response.Headers.Location);
        Assert.IsNotNull(response.Headers.RetryAfter?.Delta);
        Assert.AreEqual($"{statusUri}/terminate", accepted.GetProperty("terminatePostUri").GetString());
        Assert.AreEqual(statusUri, accepted.GetProperty("purgeHistoryDeleteUri").GetString());
        Assert.AreEqual("Pending", accepted.GetProperty("runtimeStatus").GetString());
        StringAssert.EndsWith(accepted.GetProperty("createdTime").GetString(), "Z");

        var status = await s_app.WaitForTerminalAsync(statusUri);

        Assert.AreEqual("Completed", status.GetProperty("runtimeStatus").GetString());
        Assert.AreEqual("IdCardVerification", status.GetProperty("name").GetString());
        Assert.AreEqual(JsonValueKind.Null, status.GetProperty("error").ValueKind);
        var output = status.GetProperty("output");
        Assert.AreEqual("front", output.GetProperty("side").GetString());
        Assert.AreEqual(person.Name, output.GetProperty("name").GetString());
        Assert.AreEqual(person.Gender, output.GetProperty("gender").GetString());
        Assert.AreEqual(person.Ethnicity, output.GetProperty("ethnicity").GetString());
        Assert.AreEqual(person.BirthDate.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), output.GetProperty("birthDate").GetString());
        Assert.AreEqual(person.Address, output.GetProperty("address").GetString());
        Assert.AreEqual(person.IdNumber, output.GetProperty("idNumber").GetString());
        Assert.AreEqual($"{person.IdNumber[..3]}***********{person.IdNumber[^4..]}", output.GetProperty("idNumberMasked").GetString());
        Assert.IsTrue(output.GetProperty("idNumberValid").GetBoolean());
        Assert.AreEqual("normal", output.GetProperty("imageStatus").GetString());
        Assert.AreEqual(0, output.GetProperty("warnings").GetArrayLength());
    }

    [TestMethod]
    public async Task A_back_side_completes_with_the_issuing_authority_and_validity()
    {
        var random = new Random(2002);
        var back = SyntheticIdentities.CreateBack(random, SyntheticIdentities.CreatePerson(random));

        using var response = await s_app.SubmitAsync(SyntheticCardImages.RenderBack(back), side: "back");
        Assert.AreEqual(HttpStatusCode.Accepted, response.StatusCode);
        var status = await s_app.WaitForTerminalAsync(response.Headers.Location!.ToString());

        Assert.AreEqual("Completed", status.GetProperty("runtimeStatus").GetString());
        var output = status.GetProperty("output");
        Assert.AreEqual("back", output.GetProperty("side").GetString());
        Assert.AreEqual(back.IssuingAuthority, output.GetProperty("issuingAuthority").GetString());
        Assert.AreEqual(back.ValidFrom.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), output.GetProperty("validFrom").GetString());
        var expectedUntil = back.ValidUntil == "长期"
            ? "长期"
            : DateOnly.ParseExact(back.ValidUntil, "yyyyMMdd", CultureInfo.InvariantCulture).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        Assert.AreEqual(expectedUntil, output.GetProperty("validUntil").GetString());
        Assert.AreEqual(JsonValueKind.False, output.GetProperty("expired").ValueKind);
    }

    [TestMethod]
    public async Task A_multipart_upload_with_a_side_field_is_accepted_like_a_raw_body()
    {
        var back = SyntheticIdentities.CreateBack(new Random(2003), SyntheticIdentities.CreatePerson(new Random(2003)));
        using var form = new MultipartFormDataContent();
        var image = new ByteArrayContent(SyntheticCardImages.RenderBack(back));
        image.Headers.ContentType = new MediaTypeHeaderValue("image/png");
        form.Add(image, "image", "card.png");
        form.Add(new StringContent("back"), "side");

        using var response = await s_app.Client.PostAsync("/api/verifications", form);

        Assert.AreEqual(HttpStatusCode.Accepted, response.StatusCode);
        var status = await s_app.WaitForTerminalAsync(response.Headers.Location!.ToString());
        Assert.AreEqual("Completed", status.GetProperty("runtimeStatus").GetString());
        Assert.AreEqual(back.IssuingAuthority, status.GetProperty("output").GetProperty("issuingAuthority").GetString());
    }

    [TestMethod]
    public async Task A_picture_that_is_not_an_id_card_fails_with_not_an_id_card()
    {
        using var response = await s_app.SubmitAsync(SyntheticCardImages.RenderPlainPicture());
        Assert.AreEqual(HttpStatusCode.Accepted, response.StatusCode);

        var status = await s_app.WaitForTerminalAsync(response.Headers.Location!.ToString());

        Assert.AreEqual("Failed", status.GetProperty("runtimeStatus").GetString());
        Assert.AreEqual("not_an_id_card", status.GetProperty("error").GetProperty("code").GetString());
        Assert.IsFalse(string.IsNullOrWhiteSpace(status.GetProperty("error").GetProperty("message").GetString()));
        Assert.AreEqual(JsonValueKind.Null, status.GetProperty("output").ValueKind);
    }

    [TestMethod]
    public async Task A_finished_job_leaves_no_image_and_no_message_behind()
    {
        using var response = await s_app.SubmitAsync(SyntheticCardImages.RenderFront(SyntheticIdentities.CreatePerson(new Random(2004))));
        var id = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()!;
        await s_app.WaitForTerminalAsync(response.Headers.Location!.ToString());

        Assert.IsFalse(await AzuriteStorage.ExistsAsync(s_app.Storage.Images, id));
    }

    [TestMethod]
    public async Task An_unknown_id_is_404_problem_details()
    {
        using var response = await s_app.Client.GetAsync("/api/verifications/0123456789abcdef0123456789abcdef");

        Assert.AreEqual(HttpStatusCode.NotFound, response.StatusCode);
        Assert.AreEqual("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.AreEqual("verification_not_found", problem.GetProperty("code").GetString());
    }

    [TestMethod]
    public async Task Another_accounts_job_is_404()
    {
        using var response = await s_app.SubmitAsync(SyntheticCardImages.RenderFront(SyntheticIdentities.CreatePerson(new Random(2005))));
        using var request = new HttpRequestMessage(HttpMethod.Get, response.Headers.Location);
        request.Headers.Add("X-MS-CLIENT-PRINCIPAL-ID", "someone-else");

        using var stranger = await s_app.Client.SendAsync(request);

        Assert.AreEqual(HttpStatusCode.NotFound, stranger.StatusCode);
    }

    [TestMethod]
    [DataRow("image/png", "just some text, not a picture")]
    [DataRow("image/jpeg", "GIF89a pretending to be a JPEG")]
    [DataRow("text/plain", "hello")]
    [DataRow("application/octet-stream", "\u0089PNG")]
    public async Task A_body_that_is_not_a_JPEG_PNG_or_BMP_is_415(string contentType, string body)
    {
        var content = new StringContent(body);
        content.Headers.ContentType = new MediaTypeHeaderValue(contentType);

        using var response = await s_app.Client.PostAsync("/api/verifications", content);

        Assert.AreEqual(HttpStatusCode.UnsupportedMediaType, response.StatusCode);
        Assert.AreEqual("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.AreEqual("unsupported_image_type", problem.GetProperty("code").GetString());
    }
}
