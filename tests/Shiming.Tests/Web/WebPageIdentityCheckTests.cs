using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.Playwright;
using Shiming.BaiduEmulator;
using Shiming.Tests.Infrastructure;
using static Microsoft.Playwright.Assertions;

namespace Shiming.Tests.Web;

/// <summary>
/// The page and the authority's identity check (公安身份核验): what it says before the upload, the stage while
/// the check runs, each result after, and the roster's mark for verified patients. The photo is uploaded to the
/// real app; the status polls and the roster are answered as the service's contract says, so that every result
/// can be shown on demand.
/// </summary>
[TestClass]
public sealed class WebPageIdentityCheckTests
{
    private static readonly Regex StatusPoll = new("/api/verifications/[0-9a-f]+$");
    private static readonly Regex Patients = new("/api/patients$");

    private static ShimingTestApp s_app = null!;
    private static Chromium s_chromium = null!;

    public TestContext TestContext { get; set; } = null!;

    [ClassInitialize]
    public static async Task StartAsync(TestContext _)
    {
        s_app = await ShimingTestApp.GetSharedAsync(SharedApp.TimersDisabled);
        s_chromium = await Chromium.GetSharedAsync();
    }

    [TestMethod]
    public async Task Before_the_upload_the_page_says_that_a_front_sides_name_and_number_are_checked_with_the_authority()
    {
        await using var session = await PageSession.OpenAsync(s_chromium, s_app.BaseAddress, Chromium.Phone, principalId: "identity-notice");
        var page = session.Page;
        var notice = page.Locator("#identity-notice");

        await Expect(notice).ToBeVisibleAsync();
        await Expect(notice).ToContainTextAsync("公安身份核验");
        Assert.AreEqual("identity-notice", await page.Locator("#submit-button").GetAttributeAsync("aria-describedby"));

        await session.ChooseSideAsync("back");
        await Expect(notice).ToBeHiddenAsync();

        await session.ChooseSideAsync("front");
        await page.Locator("#language-toggle").ClickAsync();
        await Expect(notice).ToBeVisibleAsync();
        await Expect(notice).ToContainTextAsync("checked against the public security records");
    }

    [TestMethod]
    public async Task A_read_front_shows_the_identity_check_stage_with_its_estimate_then_the_authoritys_answer()
    {
        await using var session = await PageSession.OpenAsync(s_chromium, s_app.BaseAddress, Chromium.Phone, principalId: "identity-stage");
        var page = session.Page;
        var person = SyntheticIdentities.CreatePerson(new Random(7101));
        var start = DateTimeOffset.UtcNow.AddSeconds(40);
        var answer = Checking(start, queuePosition: 3);
        await page.RouteAsync(StatusPoll, route => route.FulfillAsync(answer));

        await session.ChooseFileAsync(CardFiles.Front(person));
        await session.SubmitAsync();

        var section = page.Locator("#status-section");
        await Expect(section).ToHaveAttributeAsync("data-stage", "identityCheck");
        await session.ExpectStateAsync("waiting");
        await Expect(page.Locator("#status-text")).ToHaveTextAsync("正在与公安数据核验…");
        var details = page.Locator("#status-details");
        await Expect(details).ToContainTextAsync("排在第 3 位");
        await Expect(details).ToContainTextAsync(new Regex(@"预计 \d{2}:\d{2}:\d{2} 开始（约 \d+ 秒后）"));
        await Expect(page.Locator("#cancel-button")).ToBeHiddenAsync();
        await Expect(page.Locator("#result-section")).ToBeHiddenAsync();
        await session.ScreenshotAsync(TestContext, "08-identity-check-stage");

        answer = Finished(person, "matched");

        await session.ExpectStateAsync("Completed");
        await Expect(section).ToHaveAttributeAsync("data-stage", "");
        var check = page.Locator("#identity-check");
        await Expect(check).ToHaveAttributeAsync("data-result", "matched");
        await Expect(page.Locator("#identity-result")).ToHaveTextAsync("✓ 已核验");
        await Expect(page.Locator("#identity-advice")).ToContainTextAsync(new Regex(@"核验于 \d{2}:\d{2}:\d{2}"));
        await Expect(page.Locator("#add-patient-button")).ToBeEnabledAsync();
        Assert.IsEmpty(session.Errors, string.Join("\n", session.Errors));
    }

    [TestMethod]
    [DataRow("matched", true, "✓ 已核验", "一致", true, null)]
    [DataRow("mismatched", true, "✗ 信息不一致", "请核对证件是否为本人的有效证件", false, "公安核验信息不一致")]
    [DataRow("unavailable", true, "! 暂时无法核验", "请稍后重新上传人像面再试", false, "请稍后重新上传人像面")]
    [DataRow("skipped", true, "– 未核验", "没有开启公安身份核验", true, null)]
    [DataRow("skipped", false, "– 未核验", "身份证号没有通过校验", false, "身份证号未通过校验")]
    public async Task Each_result_of_the_check_is_shown_with_advice_and_only_a_person_who_may_be_added_is_offered(
        string result, bool numberValid, string shown, string advice, bool addable, string? hint)
    {
        await using var session = await PageSession.OpenAsync(s_chromium, s_app.BaseAddress, Chromium.Phone, principalId: $"identity-{result}-{numberValid}");
        var page = session.Page;
        var person = SyntheticIdentities.CreatePerson(new Random(7201));
        await page.RouteAsync(StatusPoll, route => route.FulfillAsync(Finished(person, result, numberValid)));

        await session.ChooseFileAsync(CardFiles.Front(person));
        await session.SubmitAsync();

        await session.ExpectStateAsync("Completed");
        await Expect(page.Locator("#identity-check")).ToHaveAttributeAsync("data-result", result);
        await Expect(page.Locator("#identity-result")).ToHaveTextAsync(shown);
        await Expect(page.Locator("#identity-advice")).ToContainTextAsync(advice);
        await Expect(page.Locator("#result-fields")).ToContainTextAsync(person.Name);
        var add = page.Locator("#add-patient-button");
        if (addable)
        {
            await Expect(add).ToBeEnabledAsync();
            await Expect(page.Locator("#add-hint")).ToBeHiddenAsync();
        }
        else
        {
            await Expect(add).ToBeDisabledAsync();
            await Expect(page.Locator("#add-hint")).ToContainTextAsync(hint!);
        }

        if (result == "mismatched")
        {
            await session.ScreenshotAsync(TestContext, "09-identity-mismatched");
        }
    }

    [TestMethod]
    public async Task A_back_side_and_a_service_without_the_check_show_no_identity_result()
    {
        await using var session = await PageSession.OpenAsync(s_chromium, s_app.BaseAddress, Chromium.Phone, principalId: "identity-none");
        var page = session.Page;
        var person = SyntheticIdentities.CreatePerson(new Random(7301));
        await page.RouteAsync(StatusPoll, route => route.FulfillAsync(Finished(person, result: null)));

        await session.ChooseFileAsync(CardFiles.Front(person));
        await session.SubmitAsync();

        await session.ExpectStateAsync("Completed");
        await Expect(page.Locator("#result-fields")).ToContainTextAsync(person.Name);
        await Expect(page.Locator("#identity-check")).ToBeHiddenAsync();
        await Expect(page.Locator("#add-patient-button")).ToBeEnabledAsync();
    }

    [TestMethod]
    public async Task A_roster_refusal_for_the_identity_is_shown_as_advice_and_in_English_as_the_services_detail()
    {
        await using var session = await PageSession.OpenAsync(s_chromium, s_app.BaseAddress, Chromium.Phone, principalId: "identity-refused");
        var page = session.Page;
        var person = SyntheticIdentities.CreatePerson(new Random(7401));
        await page.RouteAsync(StatusPoll, route => route.FulfillAsync(Finished(person, "matched")));
        // Only the type names the reason here: the page must read the code from it.
        await page.RouteAsync(Patients, route => route.Request.Method == "POST"
            ? route.FulfillAsync(new RouteFulfillOptions
            {
                Status = 422,
                ContentType = "application/problem+json",
                Body = """
                    {"type":"urn:shiming:problem:identity_unavailable","title":"The identity could not be checked.",
                     "status":422,"detail":"The authority did not answer. Try again later."}
                    """,
            })
            : route.ContinueAsync());
        await session.ChooseFileAsync(CardFiles.Front(person));
        await session.SubmitAsync();
        await session.ExpectStateAsync("Completed");

        await page.Locator("#add-patient-button").ClickAsync();

        await Expect(page.Locator("#message-detail")).ToHaveTextAsync("公安核验暂时无法完成，不能添加为就诊人。请稍后再试。");
        await session.ExpectFreePlacesAsync(5);
        await page.Locator("#language-toggle").ClickAsync();
        await Expect(page.Locator("#message-detail")).ToHaveTextAsync("The authority did not answer. Try again later.");
    }

    [TestMethod]
    public async Task The_roster_marks_each_patient_the_authority_verified()
    {
        await using var session = await PageSession.OpenAsync(
            s_chromium, s_app.BaseAddress, Chromium.Phone, principalId: "identity-roster", waitForRoster: false);
        var page = session.Page;
        var added = DateTimeOffset.UtcNow.AddDays(-1);
        await page.RouteAsync(Patients, route => route.FulfillAsync(Json(200, $$$"""
            [{"id":"p1","nameMasked":"测*","idNumberMasked":"110***********0011","gender":"男","verificationId":"v1","addedTime":"{{{added:O}}}",
              "identityCheck":{"result":"matched","checkedAt":"{{{added:O}}}"}},
             {"id":"p2","nameMasked":"试*","idNumberMasked":"110***********0022","gender":"女","verificationId":"v2","addedTime":"{{{added:O}}}",
              "identityCheck":null},
             {"id":"p3","nameMasked":"例*","idNumberMasked":"110***********0033","gender":"女","verificationId":"v3","addedTime":"{{{added:O}}}"}]
            """)));

        await session.ReloadAsync();

        var patients = page.Locator("#roster-list li");
        await Expect(patients).ToHaveCountAsync(3);
        await Expect(patients.Nth(0).Locator(".patient-verified")).ToHaveTextAsync("✓ 已核验");
        await Expect(patients.Nth(1).Locator(".patient-verified")).ToHaveCountAsync(0);
        await Expect(patients.Nth(2).Locator(".patient-verified")).ToHaveCountAsync(0);
        await session.ScreenshotAsync(TestContext, "10-roster-verified");
        await page.Locator("#language-toggle").ClickAsync();
        await Expect(patients.Nth(0).Locator(".patient-verified")).ToHaveTextAsync("✓ Verified");
    }

    /// <summary>A read front side waiting for the authority, as the status endpoint answers it.</summary>
    private static RouteFulfillOptions Checking(DateTimeOffset estimatedStart, int queuePosition) => Json(202, $$$"""
        {"id":"x","name":"IdCardVerification","runtimeStatus":"Running","createdTime":"{{{DateTimeOffset.UtcNow:O}}}",
         "lastUpdatedTime":"{{{DateTimeOffset.UtcNow:O}}}","output":null,"error":null,
         "customStatus":{"stage":"identityCheck","queuePosition":{{{queuePosition}}},"estimatedStartTime":"{{{estimatedStart.UtcDateTime:yyyy-MM-ddTHH:mm:ssZ}}}"}}
        """);

    /// <summary>A completed front side with the authority's <paramref name="result"/> (none: a service without the check).</summary>
    private static RouteFulfillOptions Finished(SyntheticPerson person, string? result, bool numberValid = true)
    {
        var output = new Dictionary<string, object?>
        {
            ["side"] = "front",
            ["name"] = person.Name,
            ["gender"] = person.Gender,
            ["ethnicity"] = person.Ethnicity,
            ["birthDate"] = person.BirthDate.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture),
            ["address"] = person.Address,
            ["idNumberMasked"] = $"{person.IdNumber[..3]}***********{person.IdNumber[^4..]}",
            ["idNumberValid"] = numberValid,
            ["imageStatus"] = "normal",
            ["riskType"] = "normal",
            ["warnings"] = Array.Empty<object>(),
        };
        if (result is not null)
        {
            output["identityCheck"] = new { result, checkedAt = DateTimeOffset.UtcNow.ToString("yyyy-MM-ddTHH:mm:ssZ", System.Globalization.CultureInfo.InvariantCulture) };
        }

        var body = new
        {
            id = "x",
            name = "IdCardVerification",
            runtimeStatus = "Completed",
            createdTime = DateTimeOffset.UtcNow,
            lastUpdatedTime = DateTimeOffset.UtcNow,
            customStatus = (object?)null,
            output,
            error = (object?)null,
        };
        return Json(200, JsonSerializer.Serialize(body));
    }

    private static RouteFulfillOptions Json(int status, string body) => new()
    {
        Status = status,
        ContentType = "application/json",
        Headers = new Dictionary<string, string> { ["Retry-After"] = "1" },
        Body = body,
    };
}
