using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Shiming.BaiduEmulator;
using Shiming.Tests.Infrastructure;

namespace Shiming.Tests.IdentityChecks;

/// <summary>
/// The authority's check after every front side and for details typed in, through the real worker and the Baidu
/// emulator's registry: a card the emulator has read is registered as printed, unless its ground truth says otherwise.
/// </summary>
[TestClass]
[DoNotParallelize] // the burst measures arrival times at the emulator
public sealed class IdentityCheckFlowTests
{
    private const int IdentityQps = 2;

    [TestMethod]
    public async Task A_burst_of_fronts_is_checked_within_the_identity_budget_and_each_gets_the_authoritys_answer()
    {
        await using var app = await StartAsync(runTimers: true);
        var people = Enumerable.Range(0, 16).Select(i => SyntheticIdentities.CreatePerson(new Random(27_000 + i))).ToList();
        var mismatched = people.Take(4).ToHashSet();

        var statusUris = await Task.WhenAll(people.Select(async person =>
        {
            using var response = await app.SubmitAsync(mismatched.Contains(person)
                ? SyntheticCardImages.RenderFront(person, AuthorityOutcome.Mismatched)
                : SyntheticCardImages.RenderFront(person));
            Assert.AreEqual(HttpStatusCode.Accepted, response.StatusCode);
            return response.Headers.Location!.ToString();
        }));
        var results = await Task.WhenAll(statusUris.Select(uri => app.WaitForTerminalAsync(uri, TimeSpan.FromMinutes(3))));

        Assert.IsTrue(results.All(r => r.GetProperty("runtimeStatus").GetString() == "Completed"));
        var checks = results.Select(r => r.GetProperty("output").GetProperty("identityCheck").GetProperty("result").GetString()).ToList();
        Assert.AreEqual(12, checks.Count(c => c == "matched"));
        Assert.AreEqual(4, checks.Count(c => c == "mismatched"));
        for (var i = 0; i < people.Count; i++)
        {
            Assert.AreEqual(mismatched.Contains(people[i]) ? "mismatched" : "matched", checks[i], $"card {i}");
        }

        var idmatch = app.CallsTo(EmulatorApis.IdMatch);
        Assert.HasCount(people.Count, idmatch, "one check per front, no more");
        Assert.IsLessThanOrEqualTo(IdentityQps, StartWindows.MaxStartsInAnySecond(idmatch.Select(c => c.ArrivedAt)));
        Assert.IsFalse(idmatch.Any(c => c.ErrorCode == 18), "the identity line kept within its own budget");
    }

    [TestMethod]
    public async Task A_front_waits_at_the_identity_stage_with_its_place_then_completes_with_the_result()
    {
        await using var app = await StartAsync(runTimers: false);
        var person = SyntheticIdentities.CreatePerson(new Random(27_100));
        var (_, statusUri) = await app.SubmitJobAsync(SyntheticCardImages.RenderFront(person));

        await app.DrainOnceAsync();
        var (code, waiting) = await app.GetStatusAsync(statusUri);

        Assert.AreEqual(HttpStatusCode.Accepted, code);
        Assert.AreEqual("Running", waiting.GetProperty("runtimeStatus").GetString());
        Assert.AreEqual("identityCheck", waiting.GetProperty("customStatus").GetProperty("stage").GetString());
        Assert.AreEqual(1, waiting.GetProperty("customStatus").GetProperty("queuePosition").GetInt32());
        Assert.AreEqual(JsonValueKind.Null, waiting.GetProperty("output").ValueKind, "no output before the authority has answered");
        Assert.IsEmpty(app.CallsTo(EmulatorApis.IdMatch));

        await app.RunFunctionAsync("DrainIdentityChecks");
        var done = await app.WaitForTerminalAsync(statusUri);

        var check = done.GetProperty("output").GetProperty("identityCheck");
        Assert.AreEqual("matched", check.GetProperty("result").GetString());
        StringAssert.EndsWith(check.GetProperty("checkedAt").GetString(), "Z");
        Assert.AreEqual(person.Name, done.GetProperty("output").GetProperty("name").GetString());
    }

    [TestMethod]
    public async Task A_card_terminated_at_the_identity_stage_takes_its_check_with_it_and_no_call_is_spent()
    {
        await using var app = await StartAsync(runTimers: false);
        var (_, statusUri) = await app.SubmitJobAsync(SyntheticCardImages.RenderFront(SyntheticIdentities.CreatePerson(new Random(27_150))));
        await app.DrainOnceAsync();
        Assert.AreEqual("identityCheck", (await app.GetStatusAsync(statusUri)).Body.GetProperty("customStatus").GetProperty("stage").GetString());

        using var terminated = await app.Client.PostAsync($"{statusUri}/terminate", null);
        await app.RunFunctionAsync("DrainIdentityChecks");

        Assert.AreEqual(HttpStatusCode.Accepted, terminated.StatusCode);
        var (code, status) = await app.GetStatusAsync(statusUri);
        Assert.AreEqual(HttpStatusCode.OK, code);
        Assert.AreEqual("Terminated", status.GetProperty("runtimeStatus").GetString());
        Assert.IsEmpty(app.CallsTo(EmulatorApis.IdMatch), "the check of a terminated card was still sent");
    }

    [TestMethod]
    public async Task A_matched_card_registers_a_patient_a_mismatched_one_is_refused_and_typed_in_details_are_checked_too()
    {
        await using var app = await StartAsync(runTimers: true);
        var matched = SyntheticIdentities.CreatePerson(new Random(27_200));
        var altered = SyntheticIdentities.CreatePerson(new Random(27_201));
        var typedIn = SyntheticIdentities.CreatePerson(new Random(27_202));
        var matchedCard = await ReadAsync(app, SyntheticCardImages.RenderFront(matched));
        var alteredCard = await ReadAsync(app, SyntheticCardImages.RenderFront(altered, AuthorityOutcome.Mismatched));
        _ = await ReadAsync(app, SyntheticCardImages.RenderFront(typedIn)); // the emulator's registry learns the person from the card

        using var fromMatched = await app.Client.PostAsJsonAsync("/api/patients", new { verificationId = matchedCard });
        using var fromAltered = await app.Client.PostAsJsonAsync("/api/patients", new { verificationId = alteredCard });

        Assert.AreEqual(HttpStatusCode.Created, fromMatched.StatusCode);
        Assert.AreEqual("matched", (await fromMatched.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("identityCheck").GetProperty("result").GetString());
        await AssertProblemAsync(fromAltered, HttpStatusCode.UnprocessableEntity, "identity_mismatched");

        var sameDetails = await CheckAsync(app, new { name = typedIn.Name, idNumber = typedIn.IdNumber });
        var otherName = await CheckAsync(app, new { name = matched.Name, idNumber = typedIn.IdNumber });

        Assert.AreEqual("matched", sameDetails.Output.GetProperty("result").GetString());
        Assert.IsFalse(sameDetails.Output.GetProperty("withValidity").GetBoolean());
        Assert.AreEqual("mismatched", otherName.Output.GetProperty("result").GetString());
        Assert.AreEqual("IdentityCheck", sameDetails.Output.ValueKind == JsonValueKind.Object ? "IdentityCheck" : "");

        using var fromCheck = await app.Client.PostAsJsonAsync("/api/patients", new { identityCheckId = sameDetails.Id });
        using var fromMismatchedCheck = await app.Client.PostAsJsonAsync("/api/patients", new { identityCheckId = otherName.Id });
        Assert.AreEqual(HttpStatusCode.Created, fromCheck.StatusCode);
        await AssertProblemAsync(fromMismatchedCheck, HttpStatusCode.UnprocessableEntity, "identity_mismatched");
        var roster = await app.Client.GetFromJsonAsync<JsonElement>("/api/patients");
        Assert.AreEqual(2, roster.GetArrayLength());
        Assert.IsTrue(roster.EnumerateArray().All(p => p.GetProperty("identityCheck").GetProperty("result").GetString() == "matched"));
    }

    [TestMethod]
    public async Task Details_that_cannot_be_right_are_refused_at_once_with_no_call_spent()
    {
        await using var app = await StartAsync(runTimers: false);
        var person = SyntheticIdentities.CreatePerson(new Random(27_300));
        var badCheck = person.IdNumber[..17] + (person.IdNumber[17] == '0' ? '1' : '0');

        using var badNumber = await app.Client.PostAsJsonAsync("/api/identity-checks", new { name = person.Name, idNumber = badCheck });
        using var noName = await app.Client.PostAsJsonAsync("/api/identity-checks", new { name = "", idNumber = person.IdNumber });
        using var datesOutOfOrder = await app.Client.PostAsJsonAsync("/api/identity-checks", new { name = person.Name, idNumber = person.IdNumber, validFrom = "2030-01-01", validUntil = "2020-01-01" });
        using var notJson = await app.Client.PostAsync("/api/identity-checks", new StringContent("name=x", System.Text.Encoding.UTF8, "application/x-www-form-urlencoded"));

        await AssertProblemAsync(badNumber, HttpStatusCode.UnprocessableEntity, "id_number_invalid");
        await AssertProblemAsync(noName, HttpStatusCode.UnprocessableEntity, "name_invalid");
        await AssertProblemAsync(datesOutOfOrder, HttpStatusCode.UnprocessableEntity, "validity_invalid");
        await AssertProblemAsync(notJson, HttpStatusCode.BadRequest, "malformed_request");
        await app.RunFunctionAsync("DrainIdentityChecks");
        Assert.IsEmpty(app.CallsTo(EmulatorApis.IdMatch));
        Assert.IsEmpty(app.CallsTo(EmulatorApis.IdMatchDate));
    }

    [TestMethod]
    public async Task Dates_go_to_idmatch_date_and_a_card_reported_lost_is_not_confirmed()
    {
        await using var app = await StartAsync(runTimers: true);
        var random = new Random(27_400);
        var person = SyntheticIdentities.CreatePerson(random);
        var back = SyntheticIdentities.CreateBack(random, person);
        var lost = SyntheticIdentities.CreatePerson(random);
        var lostBack = SyntheticIdentities.CreateBack(random, lost);
        _ = await ReadAsync(app, SyntheticCardImages.RenderFront(person, AuthorityOutcome.Matched, back));
        _ = await ReadAsync(app, SyntheticCardImages.RenderFront(lost, AuthorityOutcome.Lost, lostBack));

        var valid = await CheckAsync(app, new { name = person.Name, idNumber = person.IdNumber, validFrom = Iso(back.ValidFrom), validUntil = Until(back) });
        var reportedLost = await CheckAsync(app, new { name = lost.Name, idNumber = lost.IdNumber, validFrom = Iso(lostBack.ValidFrom), validUntil = Until(lostBack) });

        Assert.AreEqual("matched", valid.Output.GetProperty("result").GetString());
        Assert.IsTrue(valid.Output.GetProperty("withValidity").GetBoolean());
        Assert.AreEqual("mismatched", reportedLost.Output.GetProperty("result").GetString());
        Assert.HasCount(2, app.CallsTo(EmulatorApis.IdMatchDate));
    }

    [TestMethod]
    public async Task An_authority_that_cannot_answer_ends_the_check_unavailable_after_the_retries()
    {
        await using var app = await StartAsync(runTimers: true);
        var person = SyntheticIdentities.CreatePerson(new Random(27_500));

        var status = await app.WaitForTerminalAsync(await SubmitAsync(app, SyntheticCardImages.RenderFront(person, AuthorityOutcome.Unavailable)), TimeSpan.FromMinutes(2));

        Assert.AreEqual("Completed", status.GetProperty("runtimeStatus").GetString());
        Assert.AreEqual("unavailable", status.GetProperty("output").GetProperty("identityCheck").GetProperty("result").GetString());
        Assert.HasCount(2, app.CallsTo(EmulatorApis.IdMatch), "Verifications__MaxAttempts calls, then no more");
    }

    [TestMethod]
    public async Task A_worker_killed_while_readings_and_checks_are_in_flight_loses_no_job_and_ends_none_without_its_check()
    {
        const int cards = 12;
        var emulator = new EmulatorOptions { LatencyMedian = TimeSpan.FromMilliseconds(300), LatencyP99 = TimeSpan.FromMilliseconds(300) };
        await using var app = await ShimingTestApp.StartDrainedAsync(emulator, maxAttempts: 5, configure: s =>
        {
            s["IdentityCheck:Enabled"] = "true";
            s["Verifications:ProcessingLease"] = "00:00:10";
            s["Verifications:DrainDuration"] = "00:00:30";
        });
        var people = Enumerable.Range(0, cards).Select(i => SyntheticIdentities.CreatePerson(new Random(27_600 + i))).ToList();
        var statusUris = new List<string>();
        foreach (var person in people)
        {
            statusUris.Add((await app.SubmitJobAsync(SyntheticCardImages.RenderFront(person))).StatusUri);
        }

        // Readings at 10 a second and checks at 2: once some checks are out, readings still are too.
        var readings = app.Host.RunFunctionAsync("DrainVerifications");
        await WaitUntilAsync(() => app.CallsTo(EmulatorApis.IdCard).Count >= 4, TimeSpan.FromSeconds(60));
        var checks = app.Host.RunFunctionAsync("DrainIdentityChecks");
        await WaitUntilAsync(() => app.CallsTo(EmulatorApis.IdMatch).Count >= 1, TimeSpan.FromSeconds(60));
        Assert.IsLessThan(cards, app.CallsTo(EmulatorApis.IdCard).Count, "the crash came after every card was read");
        await app.Host.KillWorkerAsync();
        _ = await Task.WhenAll(readings, checks);

        var results = new Dictionary<string, JsonElement>();
        await WaitUntilAsync(
            async () =>
            {
                await app.RunFunctionAsync("DrainVerifications");
                await app.RunFunctionAsync("DrainIdentityChecks");
                foreach (var uri in statusUris.Where(u => !results.ContainsKey(u)))
                {
                    var (code, body) = await app.GetStatusAsync(uri);
                    if (code == HttpStatusCode.OK)
                    {
                        results[uri] = body;
                    }
                }

                return results.Count == cards;
            },
            TimeSpan.FromMinutes(3));

        Assert.IsTrue(results.Values.All(r => r.GetProperty("runtimeStatus").GetString() == "Completed"));
        Assert.IsTrue(results.Values.All(r => r.GetProperty("output").GetProperty("identityCheck").GetProperty("result").GetString() == "matched"));
        var subjects = app.CallsTo(EmulatorApis.IdMatch).Where(c => c.ErrorCode is null or 0).Select(c => c.Subject).Distinct().Count();
        Assert.AreEqual(cards, subjects, "every card's person was checked");
    }

    private static Task<ShimingTestApp> StartAsync(bool runTimers) =>
        ShimingTestApp.StartAsync(
            s =>
            {
                s["IdentityCheck:Enabled"] = "true";
                s["Verifications:MaxAttempts"] = "2";
                s["Verifications:MaxLiveJobsPerAccount"] = "100";
                s["Baidu:PacingMarginMin"] = "0.2"; // room for a loaded test machine's jitter between a start and its arrival
            },
            runTimers: runTimers);

    private static async Task<string> SubmitAsync(ShimingTestApp app, byte[] card)
    {
        using var response = await app.SubmitAsync(card);
        Assert.AreEqual(HttpStatusCode.Accepted, response.StatusCode);
        return response.Headers.Location!.ToString();
    }

    /// <summary>Reads a front to its end and returns the verification's id.</summary>
    private static async Task<string> ReadAsync(ShimingTestApp app, byte[] card)
    {
        var statusUri = await SubmitAsync(app, card);
        var status = await app.WaitForTerminalAsync(statusUri, TimeSpan.FromMinutes(2));
        Assert.AreEqual("Completed", status.GetProperty("runtimeStatus").GetString());
        return status.GetProperty("id").GetString()!;
    }

    private static async Task<(string Id, JsonElement Output)> CheckAsync(ShimingTestApp app, object details)
    {
        using var response = await app.Client.PostAsJsonAsync("/api/identity-checks", details);
        Assert.AreEqual(HttpStatusCode.Accepted, response.StatusCode, await response.Content.ReadAsStringAsync());
        var status = await app.WaitForTerminalAsync(response.Headers.Location!.ToString(), TimeSpan.FromMinutes(2));
        Assert.AreEqual("Completed", status.GetProperty("runtimeStatus").GetString());
        Assert.AreEqual("IdentityCheck", status.GetProperty("name").GetString());
        return (status.GetProperty("id").GetString()!, status.GetProperty("output"));
    }

    private static async Task AssertProblemAsync(HttpResponseMessage response, HttpStatusCode status, string code)
    {
        Assert.AreEqual(status, response.StatusCode);
        Assert.AreEqual("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        StringAssert.EndsWith((await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("type").GetString(), code);
    }

    private static string Iso(DateOnly date) => date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    private static string Until(SyntheticCardBack back) =>
        back.ValidUntil == "长期" ? "长期" : Iso(DateOnly.ParseExact(back.ValidUntil, "yyyyMMdd", CultureInfo.InvariantCulture));

    private static Task WaitUntilAsync(Func<bool> condition, TimeSpan timeout) => WaitUntilAsync(() => Task.FromResult(condition()), timeout);

    private static async Task WaitUntilAsync(Func<Task<bool>> condition, TimeSpan timeout)
    {
        using var deadline = new CancellationTokenSource(timeout);
        while (!await condition())
        {
            await Task.Delay(200, deadline.Token);
        }
    }
}
