using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Shiming.BaiduEmulator;
using Shiming.Tests.Infrastructure;
using static Shiming.Tests.Patients.PatientTestClient;

namespace Shiming.Tests.Patients;

[TestClass]
public sealed class PatientRosterTests
{
    private static ShimingTestApp s_app = null!;
    private static int s_seed = 9000;

    [ClassInitialize]
    public static async Task StartAsync(TestContext _) =>
        s_app = await ShimingTestApp.StartAsync(s => s["Baidu:QpsLimit"] = "50", emulatorOptions: new EmulatorOptions { QpsLimit = 50 });

    [ClassCleanup]
    public static async Task StopAsync() => await s_app.DisposeAsync();

    [TestMethod]
    public async Task A_patient_is_added_from_a_completed_front_listed_masked_and_removed()
    {
        var account = NewAccount();
        var person = NewPerson();
        var verificationId = await VerifyPersonAsync(s_app, account, person);

        using var added = await AddAsync(s_app, account, verificationId);

        Assert.AreEqual(HttpStatusCode.Created, added.StatusCode);
        var patient = await added.Content.ReadFromJsonAsync<JsonElement>();
        var id = patient.GetProperty("id").GetString()!;
        Assert.AreEqual(new Uri(s_app.BaseAddress, $"/api/patients/{id}"), added.Headers.Location);
        Assert.AreEqual($"{person.IdNumber[..3]}***********{person.IdNumber[^4..]}", patient.GetProperty("idNumberMasked").GetString());
        Assert.AreEqual(MaskedName(person.Name), patient.GetProperty("nameMasked").GetString());
        Assert.AreEqual(verificationId, patient.GetProperty("verificationId").GetString());
        var listed = await ListAsync(s_app, account);
        Assert.AreEqual(1, listed.GetArrayLength());
        Assert.AreEqual(id, listed[0].GetProperty("id").GetString());
        Assert.DoesNotContain(person.IdNumber, listed.GetRawText());
        Assert.DoesNotContain(person.Name, listed.GetRawText());

        using var removed = await SendAsync(s_app, account, HttpMethod.Delete, $"/api/patients/{id}");
        using var removedAgain = await SendAsync(s_app, account, HttpMethod.Delete, $"/api/patients/{id}");

        Assert.AreEqual(HttpStatusCode.NoContent, removed.StatusCode);
        Assert.AreEqual(HttpStatusCode.NotFound, removedAgain.StatusCode);
        Assert.AreEqual(0, (await ListAsync(s_app, account)).GetArrayLength());
    }

    [TestMethod]
    public async Task A_sixth_patient_is_refused_with_409()
    {
        var account = NewAccount();
        var verifications = await Task.WhenAll(Enumerable.Range(0, 6).Select(_ => VerifyPersonAsync(s_app, account, NewPerson())));
        foreach (var verificationId in verifications[..5])
        {
            using var added = await AddAsync(s_app, account, verificationId);
            Assert.AreEqual(HttpStatusCode.Created, added.StatusCode);
        }

        using var sixth = await AddAsync(s_app, account, verifications[5]);

        await AssertProblemAsync(sixth, HttpStatusCode.Conflict, "roster_full");
        Assert.AreEqual(5, (await ListAsync(s_app, account)).GetArrayLength());
    }

    [TestMethod]
    public async Task The_same_person_cannot_be_listed_twice_even_from_another_verification()
    {
        var account = NewAccount();
        var person = NewPerson();
        var first = await VerifyPersonAsync(s_app, account, person);
        var second = await VerifyAsync(s_app, account, SyntheticCardImages.RenderFront(person, riskType: "normal"));
        (await AddAsync(s_app, account, first)).Dispose();

        using var sameVerification = await AddAsync(s_app, account, first);
        using var samePerson = await AddAsync(s_app, account, second);

        await AssertProblemAsync(sameVerification, HttpStatusCode.Conflict, "patient_already_listed");
        await AssertProblemAsync(samePerson, HttpStatusCode.Conflict, "patient_already_listed");
    }

    [TestMethod]
    public async Task Another_accounts_verification_is_refused()
    {
        var verificationId = await VerifyPersonAsync(s_app, NewAccount(), NewPerson());

        using var response = await AddAsync(s_app, NewAccount(), verificationId);

        await AssertProblemAsync(response, HttpStatusCode.UnprocessableEntity, "verification_not_found");
    }

    [TestMethod]
    public async Task A_failed_verification_a_back_side_or_an_invalid_number_is_422()
    {
        var account = NewAccount();
        var failed = await VerifyAsync(s_app, account, SyntheticCardImages.RenderPlainPicture());
        var random = new Random(Interlocked.Increment(ref s_seed));
        var back = await VerifyAsync(s_app, account, SyntheticCardImages.RenderBack(SyntheticIdentities.CreateBack(random, SyntheticIdentities.CreatePerson(random))), side: "back");
        var person = NewPerson();
        var invalid = await VerifyPersonAsync(s_app, account, person with { IdNumber = person.IdNumber[..17] + (person.IdNumber[17] == '1' ? '2' : '1') });

        using var notCompleted = await AddAsync(s_app, account, failed);
        using var notFront = await AddAsync(s_app, account, back);
        using var invalidNumber = await AddAsync(s_app, account, invalid);

        await AssertProblemAsync(notCompleted, HttpStatusCode.UnprocessableEntity, "verification_not_completed");
        await AssertProblemAsync(notFront, HttpStatusCode.UnprocessableEntity, "verification_not_front");
        await AssertProblemAsync(invalidNumber, HttpStatusCode.UnprocessableEntity, "id_number_invalid");
    }

    [TestMethod]
    [DataRow("{}")]
    [DataRow("not json")]
    [DataRow("{\"verificationId\": 42}")]
    public async Task A_body_without_a_verification_id_is_400(string body)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/patients") { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        request.Headers.Add("X-MS-CLIENT-PRINCIPAL-ID", NewAccount());

        using var response = await s_app.Client.SendAsync(request);

        await AssertProblemAsync(response, HttpStatusCode.BadRequest, "malformed_request");
    }

    [TestMethod]
    public async Task Twenty_concurrent_adds_to_one_account_end_with_exactly_five_patients()
    {
        var account = NewAccount();
        var verifications = await Task.WhenAll(Enumerable.Range(0, 20).Select(_ => VerifyPersonAsync(s_app, account, NewPerson())));

        var responses = await Task.WhenAll(verifications.Select(v => AddAsync(s_app, account, v)));

        Assert.AreEqual(5, responses.Count(r => r.StatusCode == HttpStatusCode.Created));
        Assert.AreEqual(15, responses.Count(r => r.StatusCode == HttpStatusCode.Conflict));
        Assert.AreEqual(5, (await ListAsync(s_app, account)).GetArrayLength());
        foreach (var response in responses)
        {
            response.Dispose();
        }
    }

    [TestMethod]
    public async Task One_account_cannot_see_or_remove_another_accounts_patient()
    {
        var owner = NewAccount();
        using var added = await AddAsync(s_app, owner, await VerifyPersonAsync(s_app, owner, NewPerson()));
        var location = added.Headers.Location!.ToString();

        using var read = await SendAsync(s_app, "stranger", HttpMethod.Get, location);
        using var remove = await SendAsync(s_app, "stranger", HttpMethod.Delete, location);

        Assert.AreEqual(HttpStatusCode.NotFound, read.StatusCode);
        Assert.AreEqual(HttpStatusCode.NotFound, remove.StatusCode);
        Assert.AreEqual(0, (await ListAsync(s_app, "stranger")).GetArrayLength());
        Assert.AreEqual(1, (await ListAsync(s_app, owner)).GetArrayLength());
    }

    private static string NewAccount() => $"patients-{Guid.NewGuid():N}";

    private static SyntheticPerson NewPerson() => SyntheticIdentities.CreatePerson(new Random(Interlocked.Increment(ref s_seed)));

    private static string MaskedName(string name) => name.Length switch
    {
        2 => name[0] + "*",
        _ => name[0] + new string('*', name.Length - 2) + name[^1],
    };

    private static async Task AssertProblemAsync(HttpResponseMessage response, HttpStatusCode status, string code)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.AreEqual(status, response.StatusCode, body);
        Assert.AreEqual(code, JsonDocument.Parse(body).RootElement.GetProperty("code").GetString());
    }
}
