using System.Globalization;
using System.Net;
using System.Text;

namespace Shiming.BaiduEmulator.Tests;

/// <summary>
/// The identity checks, <c>idmatch</c> and <c>idmatch_date</c>, against the emulator's authority records: filled by
/// the synthetic fronts its ID-card API reads and by its admin API.
/// </summary>
[TestClass]
public sealed class IdentityCheckTests
{
    private static BaiduEmulatorHost _host = null!;
    private static EmulatorClient _client = null!;
    private static string _token = null!;
    private static int _seed = 3000;

    public TestContext TestContext { get; set; } = null!;

    [ClassInitialize]
    public static async Task StartAsync(TestContext _)
    {
        _host = await BaiduEmulatorHost.StartAsync(new EmulatorOptions
        {
            Apis =
            {
                [EmulatorApis.IdCard] = new EmulatorApiOptions { QpsLimit = 10_000 },
                [EmulatorApis.IdMatch] = new EmulatorApiOptions { QpsLimit = 10_000 },
                [EmulatorApis.IdMatchDate] = new EmulatorApiOptions { QpsLimit = 10_000 },
            },
        });
        _client = new EmulatorClient(_host);
        _token = await _client.GetTokenAsync();
    }

    [ClassCleanup]
    public static async Task StopAsync()
    {
        _client?.Dispose();
        if (_host is not null)
        {
            await _host.DisposeAsync();
        }
    }

    [TestMethod]
    public async Task A_generated_front_once_read_is_matched_with_the_face_APIs_envelope()
    {
        var (person, _) = await ReadCardAsync(AuthorityOutcome.Matched);

        var reply = await _client.IdMatchAsync(_token, person.IdNumber, person.Name);

        Assert.AreEqual(HttpStatusCode.OK, reply.Status);
        Assert.AreEqual("application/json;charset=UTF-8", reply.ContentType);
        Assert.AreEqual(0, reply.ErrorCode, reply.ErrorMessage);
        Assert.AreEqual("SUCCESS", reply.ErrorMessage);
        CollectionAssert.AreEquivalent(
            new[] { "error_code", "error_msg", "log_id", "timestamp", "cached", "result" },
            reply.Body.EnumerateObject().Select(property => property.Name).ToList());
        Assert.AreEqual(0, reply.Body.GetProperty("cached").GetInt32());
        Assert.AreEqual(System.Text.Json.JsonValueKind.Null, reply.Body.GetProperty("result").ValueKind);
        Assert.IsGreaterThan(1_500_000_000_000_000_000UL, reply.Body.GetProperty("log_id").GetUInt64());
    }

    [TestMethod]
    public async Task A_person_no_card_of_whom_was_read_or_registered_is_unknown_to_the_authority()
    {
        var person = SyntheticIdentities.CreatePerson(new Random(Interlocked.Increment(ref _seed)));

        var reply = await _client.IdMatchAsync(_token, person.IdNumber, person.Name);

        Assert.AreEqual(222351, reply.ErrorCode);
        Assert.AreEqual("id number and name not match or id number not exist", reply.ErrorMessage);
    }

    [TestMethod]
    public async Task A_mismatched_card_is_222351_for_idmatch_and_verify_status_1_with_its_dates()
    {
        var (person, back) = await ReadCardAsync(AuthorityOutcome.Mismatched);

        var nameOnly = await _client.IdMatchAsync(_token, person.IdNumber, person.Name);
        var withDates = await _client.IdMatchDateAsync(_token, person.IdNumber, person.Name, Start(back), End(back));

        Assert.AreEqual(222351, nameOnly.ErrorCode);
        Assert.AreEqual(0, withDates.ErrorCode);
        Assert.AreEqual(1, withDates.VerifyStatus);
    }

    [TestMethod]
    public async Task A_lost_card_is_matched_by_name_but_not_verified_with_its_dates()
    {
        var (person, back) = await ReadCardAsync(AuthorityOutcome.Lost);

        var nameOnly = await _client.IdMatchAsync(_token, person.IdNumber, person.Name);
        var withDates = await _client.IdMatchDateAsync(_token, person.IdNumber, person.Name, Start(back), End(back));

        Assert.AreEqual(0, nameOnly.ErrorCode);
        Assert.AreEqual(1, withDates.VerifyStatus);
    }

    [TestMethod]
    public async Task A_card_the_authority_cannot_answer_for_gets_system_busy_from_both_checks()
    {
        var (person, back) = await ReadCardAsync(AuthorityOutcome.Unavailable);

        var nameOnly = await _client.IdMatchAsync(_token, person.IdNumber, person.Name);
        var withDates = await _client.IdMatchDateAsync(_token, person.IdNumber, person.Name, Start(back), End(back));

        Assert.AreEqual(222361, nameOnly.ErrorCode);
        Assert.AreEqual("system busy", nameOnly.ErrorMessage);
        Assert.AreEqual(222361, withDates.ErrorCode);
    }

    [TestMethod]
    public async Task Idmatch_date_verifies_the_name_and_the_card_dates_and_nothing_else()
    {
        var (person, back) = await ReadCardAsync(AuthorityOutcome.Matched);
        var otherEnd = DateOnly.ParseExact(Start(back), "yyyyMMdd", CultureInfo.InvariantCulture).AddYears(30).ToString("yyyyMMdd", CultureInfo.InvariantCulture);

        var right = await _client.IdMatchDateAsync(_token, person.IdNumber, person.Name, Start(back), End(back));
        var wrongDates = await _client.IdMatchDateAsync(_token, person.IdNumber, person.Name, Start(back), otherEnd == End(back) ? "00000000" : otherEnd);
        var wrongName = await _client.IdMatchDateAsync(_token, person.IdNumber, CardAuthority.AnotherName(person.Name), Start(back), End(back));

        Assert.AreEqual(0, right.VerifyStatus, right.Text);
        CollectionAssert.AreEquivalent(new[] { "error_code", "error_msg", "log_id", "timestamp", "cached", "result" }, right.Body.EnumerateObject().Select(p => p.Name).ToList());
        Assert.AreEqual(1, wrongDates.VerifyStatus);
        Assert.AreEqual(1, wrongName.VerifyStatus);
    }

    [TestMethod]
    public async Task A_long_term_card_is_sent_with_the_end_date_00000000()
    {
        var person = SyntheticIdentities.CreatePerson(new Random(Interlocked.Increment(ref _seed)));
        _host.RegisterPerson(new RegisteredPerson(person.IdNumber, person.Name, "20100504", "长期"));

        var reply = await _client.IdMatchDateAsync(_token, person.IdNumber, person.Name, "20100504", "00000000");

        Assert.AreEqual(0, reply.VerifyStatus, reply.Text);
    }

    [TestMethod]
    public async Task The_admin_API_registers_one_person_or_many_and_counts_them_without_saying_who()
    {
        var people = Enumerable.Range(0, 3).Select(_ => SyntheticIdentities.CreatePerson(new Random(Interlocked.Increment(ref _seed)))).ToList();
        var before = _host.PeopleRegistered;

        using var one = await PostPeopleAsync($$"""{"idNumber":"{{people[0].IdNumber}}","name":"{{people[0].Name}}"}""");
        using var many = await PostPeopleAsync($$"""
            [{"idNumber":"{{people[1].IdNumber}}","name":"{{people[1].Name}}","validFrom":"20150101","validUntil":"20250101"},
             {"idNumber":"{{people[2].IdNumber}}","name":"{{people[2].Name}}","status":"no_result"}]
            """);
        var count = await _client.Http.GetStringAsync("emulator/people", TestContext.CancellationToken);

        Assert.AreEqual(HttpStatusCode.NoContent, one.StatusCode);
        Assert.AreEqual(HttpStatusCode.NoContent, many.StatusCode);
        Assert.AreEqual(0, (await _client.IdMatchAsync(_token, people[0].IdNumber, people[0].Name)).ErrorCode);
        Assert.AreEqual(0, (await _client.IdMatchDateAsync(_token, people[1].IdNumber, people[1].Name, "20150101", "20250101")).VerifyStatus);
        Assert.AreEqual(222355, (await _client.IdMatchAsync(_token, people[2].IdNumber, people[2].Name)).ErrorCode);
        StringAssert.StartsWith(count, "{\"registered\":");
        Assert.IsGreaterThanOrEqualTo(before + 3, _host.PeopleRegistered);
    }

    [TestMethod]
    public async Task The_admin_API_refuses_a_person_without_a_valid_number_and_echoes_nothing()
    {
        var person = SyntheticIdentities.CreatePerson(new Random(Interlocked.Increment(ref _seed)));
        var wrongCheck = person.IdNumber[..17] + (person.IdNumber[17] == '1' ? '2' : '1');
        var before = _host.PeopleRegistered;

        using var response = await PostPeopleAsync($$"""{"idNumber":"{{wrongCheck}}","name":"{{person.Name}}"}""");

        Assert.AreEqual(HttpStatusCode.BadRequest, response.StatusCode);
        var text = await response.Content.ReadAsStringAsync(TestContext.CancellationToken);
        Assert.DoesNotContain(wrongCheck, text);
        Assert.DoesNotContain(person.Name, text);
        Assert.AreEqual(222351, (await _client.IdMatchAsync(_token, person.IdNumber, person.Name)).ErrorCode, "nobody was registered");
    }

    [TestMethod]
    public async Task Missing_fields_are_222001_naming_the_first_one_missing()
    {
        var person = SyntheticIdentities.CreatePerson(new Random(Interlocked.Increment(ref _seed)));

        var notJson = await _client.PostJsonAsync(EmulatorClient.IdMatchPath, _token, "id_card_number=1&name=2");
        var noName = await _client.PostJsonAsync(EmulatorClient.IdMatchPath, _token, $$"""{"id_card_number":"{{person.IdNumber}}"}""");
        var emptyName = await _client.PostJsonAsync(EmulatorClient.IdMatchPath, _token, $$"""{"id_card_number":"{{person.IdNumber}}","name":""}""");
        var noEndDate = await _client.PostJsonAsync(EmulatorClient.IdMatchDatePath, _token, $$"""{"id_card_number":"{{person.IdNumber}}","name":"{{person.Name}}","start_date":"20150101"}""");

        Assert.AreEqual("param[id_card_number] is null", notJson.ErrorMessage);
        Assert.AreEqual(222001, notJson.ErrorCode);
        Assert.AreEqual("param[name] is null", noName.ErrorMessage);
        Assert.AreEqual("param[name] is null", emptyName.ErrorMessage);
        Assert.AreEqual("param[end_date] is null", noEndDate.ErrorMessage);
    }

    [TestMethod]
    [DataRow("99010119900101001", DisplayName = "17 characters")]
    [DataRow("99010119901301001X", DisplayName = "no such birth month")]
    [DataRow("99010120990101001X", DisplayName = "born in the future")]
    [DataRow("99010A19900101001X", DisplayName = "a letter among the digits")]
    public async Task A_malformed_number_is_222022_before_the_name_or_the_registry_is_looked_at(string number)
    {
        var reply = await _client.IdMatchAsync(_token, number, "Bad Name");

        Assert.AreEqual(222022, reply.ErrorCode);
        Assert.AreEqual("param[id_card_number] format error", reply.ErrorMessage);
    }

    [TestMethod]
    public async Task A_number_failing_its_check_character_is_222022_even_when_registered()
    {
        var person = SyntheticIdentities.CreatePerson(new Random(Interlocked.Increment(ref _seed)));
        var wrongCheck = person.IdNumber[..17] + (person.IdNumber[17] == '1' ? '2' : '1');

        var reply = await _client.IdMatchAsync(_token, wrongCheck, person.Name);

        Assert.AreEqual(222022, reply.ErrorCode);
    }

    [TestMethod]
    [DataRow("Wang Fang", DisplayName = "Latin letters")]
    [DataRow("王1", DisplayName = "a digit")]
    [DataRow("·王芳", DisplayName = "a leading dot")]
    [DataRow("王芳王芳王芳王芳王芳王芳王芳王芳王芳王芳王", DisplayName = "21 characters")]
    public async Task A_malformed_name_is_222023_before_the_registry_is_looked_at(string name)
    {
        var (person, _) = await ReadCardAsync(AuthorityOutcome.Matched);

        var reply = await _client.IdMatchAsync(_token, person.IdNumber, name);

        Assert.AreEqual(222023, reply.ErrorCode);
        Assert.AreEqual("param[name] format error", reply.ErrorMessage);
    }

    [TestMethod]
    public async Task A_minority_name_with_a_middle_dot_is_well_formed()
    {
        var person = SyntheticIdentities.CreatePerson(new Random(Interlocked.Increment(ref _seed)));
        _host.RegisterPerson(new RegisteredPerson(person.IdNumber, "阿依古丽·买买提"));

        var reply = await _client.IdMatchAsync(_token, person.IdNumber, "阿依古丽·买买提");

        Assert.AreEqual(0, reply.ErrorCode, reply.ErrorMessage);
    }

    [TestMethod]
    [DataRow("19831231", "20231231", DisplayName = "issued before 1984")]
    [DataRow("20150101", "20190101", DisplayName = "valid under five years")]
    [DataRow("2015-01-01", "20250101", DisplayName = "not yyyyMMdd")]
    [DataRow("20150101", "长期", DisplayName = "long-term not as 00000000")]
    public async Task Dates_that_break_the_rules_are_216100_before_the_lookup(string start, string end)
    {
        var person = SyntheticIdentities.CreatePerson(new Random(Interlocked.Increment(ref _seed)));

        var reply = await _client.IdMatchDateAsync(_token, person.IdNumber, person.Name, start, end);

        Assert.AreEqual(216100, reply.ErrorCode);
        Assert.AreEqual("invalid param", reply.ErrorMessage);
    }

    [TestMethod]
    public async Task The_call_log_records_each_check_by_API_outcome_and_a_keyed_hash_never_the_name_or_number()
    {
        var (person, back) = await ReadCardAsync(AuthorityOutcome.Mismatched);

        await _client.IdMatchAsync(_token, person.IdNumber, person.Name);
        await _client.IdMatchDateAsync(_token, person.IdNumber, person.Name, Start(back), End(back));
        var log = await _client.Http.GetStringAsync("emulator/calls", TestContext.CancellationToken);

        var subject = _host.SubjectOf(person.IdNumber);
        var calls = _host.Calls.Where(call => call.Subject == subject).ToList();
        Assert.HasCount(2, calls);
        Assert.AreEqual(EmulatorApis.IdMatch, calls[0].Endpoint);
        Assert.AreEqual(222351, calls[0].ErrorCode);
        Assert.AreEqual(EmulatorApis.IdMatchDate, calls[1].Endpoint);
        Assert.IsNull(calls[1].ErrorCode);
        Assert.AreEqual(1, calls[1].VerifyStatus);
        Assert.IsTrue(calls.All(call => call.AnsweredAt >= call.ArrivedAt));
        Assert.DoesNotContain(person.IdNumber, log);
        Assert.DoesNotContain(person.IdNumber[..17], log);
        Assert.DoesNotContain(person.Name, log);
        Assert.DoesNotContain(JsonEscaped(person.Name), log);
    }

    /// <summary>A generated front with the outcome and the dates of its back, read by the ID-card API as the app reads it.</summary>
    private static async Task<(SyntheticPerson Person, SyntheticCardBack Back)> ReadCardAsync(AuthorityOutcome outcome)
    {
        var random = new Random(Interlocked.Increment(ref _seed));
        var person = SyntheticIdentities.CreatePerson(random);
        var back = SyntheticIdentities.CreateBack(random, person);
        var read = await _client.RecognizeAsync(_token, SyntheticCardImages.RenderFront(person, outcome, back), "front");
        Assert.IsNull(read.ErrorCode, read.Text);
        return (person, back);
    }

    private async Task<HttpResponseMessage> PostPeopleAsync(string json)
    {
        using var content = new StringContent(json, Encoding.UTF8, "application/json");
        return await _client.Http.PostAsync("emulator/people", content, TestContext.CancellationToken);
    }

    private static string Start(SyntheticCardBack back) => back.ValidFrom.ToString("yyyyMMdd", CultureInfo.InvariantCulture);

    private static string End(SyntheticCardBack back) => back.ValidUntil == "长期" ? "00000000" : back.ValidUntil;

    private static string JsonEscaped(string text) => string.Concat(text.Select(c => $"\\u{(int)c:X4}"));
}
