using System.Text.RegularExpressions;
using Microsoft.Playwright;
using Shiming.BaiduEmulator;
using Shiming.Tests.Infrastructure;
using static Microsoft.Playwright.Assertions;

namespace Shiming.Tests.Web;

/// <summary>
/// The page in headless Chromium against the real app, Azurite and the Baidu emulator. The drain is run by
/// the test, so every state the page passes through can be seen and photographed.
/// </summary>
[TestClass]
public sealed class WebPageFlowTests
{
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
    public async Task A_person_uploads_a_card_sees_the_result_fills_the_roster_to_five_and_removes_one()
    {
        // The development account, as the page acts locally: it sends no identity of its own.
        await using var session = await PageSession.OpenAsync(s_chromium, s_app.BaseAddress, Chromium.Phone);
        var page = session.Page;
        var people = Enumerable.Range(0, 6).Select(i => SyntheticIdentities.CreatePerson(new Random(6100 + i))).ToArray();
        Assert.AreEqual("zh-CN", await page.Locator("html").GetAttributeAsync("lang"));
        await session.ExpectFreePlacesAsync(5);
        await Expect(page.Locator("#roster-summary")).ToContainTextAsync("还没有就诊人");

        // Choose, upload, wait.
        await session.ChooseFileAsync(CardFiles.Front(people[0]));
        await Expect(page.Locator("#preview-image")).ToBeVisibleAsync();
        await session.ScreenshotAsync(TestContext, "01-card-chosen");
        await session.SubmitAsync();
        await session.ExpectStateAsync("waiting");
        await Expect(page.Locator("#upload-progress")).ToHaveAttributeAsync("value", "100");
        await Expect(page.Locator("#status-text")).ToHaveTextAsync("照片已收到，正在排队等待识别。");
        await Expect(page.Locator("#status-details li").First).ToHaveTextAsync("排在第 1 位");
        await Expect(page.Locator("#status-details li").Nth(1)).ToContainTextAsync(new Regex("开始"));
        await Expect(page.Locator("#cancel-button")).ToBeVisibleAsync();
        await session.ScreenshotAsync(TestContext, "02-waiting");

        // The job runs; the page's next poll finds it finished.
        await s_app.DrainOnceAsync();
        await session.ExpectStateAsync("Completed");
        await Expect(page.Locator("#result-section")).ToBeVisibleAsync();
        await Expect(page.Locator("#cancel-button")).ToBeHiddenAsync();
        var fields = page.Locator("#result-fields");
        await Expect(fields).ToContainTextAsync(people[0].Name);
        await Expect(fields).ToContainTextAsync(people[0].Address);
        await Expect(fields).ToContainTextAsync($"{people[0].IdNumber[..3]}***********{people[0].IdNumber[^4..]}");
        await Expect(fields).ToContainTextAsync("号码校验通过");
        await Expect(page.Locator("#result-heading")).ToBeFocusedAsync();
        Assert.DoesNotContain(people[0].IdNumber, await session.EverythingOnThePageAsync());
        Assert.IsTrue(await page.EvaluateAsync<bool>("() => document.documentElement.scrollWidth <= window.innerWidth"), "the page scrolls sideways on a phone");
        await session.ScreenshotAsync(TestContext, "03-result");

        // Add as patient.
        await page.Locator("#add-patient-button").ClickAsync();
        await session.ExpectFreePlacesAsync(4);
        await Expect(page.Locator("#roster-list li")).ToHaveCountAsync(1);
        await Expect(page.Locator("#roster-list li").First).ToContainTextAsync($"{people[0].Name[..1]}*");
        await Expect(page.Locator("#add-patient-button")).ToBeDisabledAsync();
        await Expect(page.Locator("#notice")).ToContainTextAsync("已添加为就诊人");

        // Four more fill the roster.
        for (var i = 1; i < 5; i++)
        {
            await page.Locator("#start-over-button").ClickAsync();
            await VerifyAsync(session, CardFiles.Front(people[i]));
            await page.Locator("#add-patient-button").ClickAsync();
            await session.ExpectFreePlacesAsync(4 - i);
        }

        await Expect(page.Locator("#roster-list li")).ToHaveCountAsync(5);
        await Expect(page.Locator("#roster-summary")).ToContainTextAsync("名额已满");

        // A sixth person cannot be added while the roster is full, and the page says what to do.
        await page.Locator("#start-over-button").ClickAsync();
        await VerifyAsync(session, CardFiles.Front(people[5]));
        await Expect(page.Locator("#add-patient-button")).ToBeDisabledAsync();
        await Expect(page.Locator("#add-hint")).ToContainTextAsync("请先在下方移除一位");
        await session.ScreenshotAsync(TestContext, "04-roster-full");

        // Removing one frees a place, and the sixth person can then be added.
        var first = page.Locator("#roster-list li").First;
        await first.GetByRole(AriaRole.Button).ClickAsync();
        await Expect(page.Locator("#remove-dialog")).ToBeVisibleAsync();
        await Expect(page.Locator("#remove-text")).ToContainTextAsync($"{people[0].Name[..1]}*");
        await page.Locator("#remove-confirm").ClickAsync();
        await session.ExpectFreePlacesAsync(1);
        await Expect(page.Locator("#roster-list li")).ToHaveCountAsync(4);
        await Expect(page.Locator("#add-patient-button")).ToBeEnabledAsync();
        await page.Locator("#add-patient-button").ClickAsync();
        await session.ExpectFreePlacesAsync(0);
        await session.ScreenshotAsync(TestContext, "05-after-removal");

        var everything = await session.EverythingOnThePageAsync();
        foreach (var person in people)
        {
            Assert.DoesNotContain(person.IdNumber, everything, "a full ID number reached the page");
        }

        Assert.IsEmpty(session.Errors, string.Join("\n", session.Errors));
        var roster = await Patients.PatientTestClient.ListAsync(s_app, Shiming.Api.CallerAccount.DevelopmentPrincipalId);
        Assert.AreEqual(5, roster.GetArrayLength());
    }

    [TestMethod]
    public async Task A_roster_filled_elsewhere_meanwhile_is_explained_and_shown_when_adding_fails()
    {
        // The page's own account, as App Service Authentication names it; another device of the same account adds patients too.
        const string Account = "test-account";
        var people = Enumerable.Range(0, 6).Select(i => SyntheticIdentities.CreatePerson(new Random(6901 + i))).ToArray();
        var elsewhere = await VerifyThroughApiAsync(people[..5]);
        foreach (var id in elsewhere[..4])
        {
            using var added = await Patients.PatientTestClient.AddAsync(s_app, Account, id);
            Assert.AreEqual(System.Net.HttpStatusCode.Created, added.StatusCode);
        }

        await using var session = await PageSession.OpenAsync(s_chromium, s_app.BaseAddress, Chromium.Phone, principalId: Account);
        var page = session.Page;
        await session.ExpectFreePlacesAsync(1);
        await VerifyAsync(session, CardFiles.Front(people[5]));
        using (var fifth = await Patients.PatientTestClient.AddAsync(s_app, Account, elsewhere[4]))
        {
            Assert.AreEqual(System.Net.HttpStatusCode.Created, fifth.StatusCode);
        }

        await page.Locator("#add-patient-button").ClickAsync();

        await Expect(page.Locator("#message-detail")).ToHaveTextAsync("已有 5 位就诊人。请先移除一位，再添加。");
        await session.ExpectFreePlacesAsync(0);
        await Expect(page.Locator("#roster-list li")).ToHaveCountAsync(5);
        await Expect(page.Locator("#add-patient-button")).ToBeDisabledAsync();
    }

    [TestMethod]
    public async Task English_is_one_click_away_and_the_choice_is_remembered()
    {
        await using var session = await PageSession.OpenAsync(s_chromium, s_app.BaseAddress, Chromium.Phone, principalId: "english");
        var page = session.Page;
        var toggle = page.Locator("#language-toggle");
        await Expect(toggle).ToHaveTextAsync("English");

        await toggle.ClickAsync();

        await Expect(page.Locator("html")).ToHaveAttributeAsync("lang", "en");
        await Expect(page.Locator("h1")).ToHaveTextAsync("ID card check · Patients");
        await Expect(toggle).ToHaveTextAsync("中文");
        await Expect(page.Locator("label[for=camera-input]")).ToHaveTextAsync("Take a photo");
        await VerifyAsync(session, CardFiles.Front(SyntheticIdentities.CreatePerson(new Random(6301))));
        await Expect(page.Locator("#result-fields")).ToContainTextAsync("checksum valid");
        await session.ScreenshotAsync(TestContext, "06-english");

        await session.ReloadAsync();
        await Expect(page.Locator("html")).ToHaveAttributeAsync("lang", "en");
        await toggle.ClickAsync();
        await Expect(page.Locator("html")).ToHaveAttributeAsync("lang", "zh-CN");
        await Expect(page.Locator("h1")).ToHaveTextAsync("身份证实名认证 · 就诊人");
    }

    [TestMethod]
    public async Task A_refused_upload_and_a_photo_that_is_not_a_card_are_explained_as_advice()
    {
        await using var session = await PageSession.OpenAsync(s_chromium, s_app.BaseAddress, Chromium.Phone, principalId: "advice");
        var page = session.Page;

        // Not an image at all: refused at once with 415.
        await session.ChooseFileAsync(CardFiles.Write("notes.png", "these are not the bytes of an image"u8.ToArray()));
        await session.SubmitAsync();
        await Expect(page.Locator("#message")).ToBeVisibleAsync();
        await Expect(page.Locator("#message-detail")).ToHaveTextAsync("这不是 JPEG、PNG 或 BMP 图片。请上传身份证的照片。");
        await Expect(page.Locator("#status-section")).ToBeHiddenAsync();

        // A picture with no card in it: accepted, then failed with advice.
        await session.ChooseFileAsync(CardFiles.Write("plain.png", SyntheticCardImages.RenderPlainPicture()));
        await Expect(page.Locator("#message")).ToBeHiddenAsync();
        await session.SubmitAsync();
        await session.ExpectStateAsync("waiting");
        await s_app.DrainOnceAsync();
        await session.ExpectStateAsync("Failed");
        await Expect(page.Locator("#status-text")).ToHaveTextAsync("未能识别这张照片。");
        await Expect(page.Locator("#status-details")).ToContainTextAsync("请拍摄身份证原件");
        await Expect(page.Locator("#result-section")).ToBeHiddenAsync();
        await session.ScreenshotAsync(TestContext, "07-not-a-card");

        // In English, the service's own advice.
        await page.Locator("#language-toggle").ClickAsync();
        await Expect(page.Locator("#status-details")).Not.ToContainTextAsync("请");
        await Expect(page.Locator("#status-details li")).ToHaveCountAsync(1);
    }

    [TestMethod]
    public async Task The_back_of_a_card_shows_its_validity_and_is_not_offered_as_a_patient()
    {
        await using var session = await PageSession.OpenAsync(s_chromium, s_app.BaseAddress, Chromium.Phone, principalId: "back");
        var page = session.Page;
        var random = new Random(6401);
        var back = SyntheticIdentities.CreateBack(random, SyntheticIdentities.CreatePerson(random));

        await session.ChooseSideAsync("back");
        await VerifyAsync(session, CardFiles.Back(back));

        await Expect(page.Locator("#result-fields")).ToContainTextAsync(back.IssuingAuthority);
        await Expect(page.Locator("#add-patient-button")).ToBeHiddenAsync();
        await Expect(page.Locator("#add-hint")).ToContainTextAsync("请上传人像面");
    }

    [TestMethod]
    public async Task A_waiting_job_can_be_cancelled_and_the_page_stops_polling()
    {
        await using var session = await PageSession.OpenAsync(s_chromium, s_app.BaseAddress, Chromium.Phone, principalId: "cancel");
        var page = session.Page;

        await session.ChooseFileAsync(CardFiles.Front(SyntheticIdentities.CreatePerson(new Random(6501))));
        await session.SubmitAsync();
        await session.ExpectStateAsync("waiting");
        await page.Locator("#cancel-button").ClickAsync();

        await session.ExpectStateAsync("Terminated");
        await Expect(page.Locator("#status-text")).ToHaveTextAsync("已取消识别，照片已删除。");
        var polls = session.Requests.Count(IsStatusPoll);
        await Task.Delay(TimeSpan.FromSeconds(2.5));
        Assert.AreEqual(polls, session.Requests.Count(IsStatusPoll), "the page polled after the job had finished");

        static bool IsStatusPoll(string url) => Regex.IsMatch(url, "/api/verifications/[0-9a-f]+$");
    }

    [TestMethod]
    public async Task Waiting_shows_the_place_in_the_queue_the_estimated_start_and_why_the_queue_is_paused()
    {
        await using var session = await PageSession.OpenAsync(s_chromium, s_app.BaseAddress, Chromium.Phone, principalId: "queue");
        var page = session.Page;
        // The service does not report a place or a pause yet: answer the polls as it will.
        var start = DateTimeOffset.UtcNow.AddMinutes(10);
        await page.RouteAsync(new Regex("/api/verifications/[0-9a-f]+$"), route => route.FulfillAsync(new RouteFulfillOptions
        {
            Status = 202,
            ContentType = "application/json",
            Headers = new Dictionary<string, string> { ["Retry-After"] = "30" },
            Body = $$"""
                {"id":"x","name":"IdCardVerification","runtimeStatus":"Pending","createdTime":"{{DateTimeOffset.UtcNow:O}}",
                 "lastUpdatedTime":"{{DateTimeOffset.UtcNow:O}}","output":null,"error":null,
                 "customStatus":{"queuePosition":7,"estimatedStartTime":"{{start:O}}","reason":"daily_quota_exhausted"} }
                """,
        }));

        await session.ChooseFileAsync(CardFiles.Front(SyntheticIdentities.CreatePerson(new Random(6601))));
        await session.SubmitAsync();

        var details = page.Locator("#status-details");
        await Expect(details).ToContainTextAsync("排在第 7 位");
        await Expect(details).ToContainTextAsync(new Regex(@"预计 \d{2}:\d{2}:\d{2} 开始（约 \d+ 秒后）"));
        await Expect(details).ToContainTextAsync("暂停原因：daily_quota_exhausted");
    }

    [TestMethod]
    public async Task A_card_can_be_chosen_uploaded_and_added_with_the_keyboard_alone_and_focus_is_always_visible()
    {
        await using var session = await PageSession.OpenAsync(s_chromium, s_app.BaseAddress, Chromium.Desktop, principalId: "keyboard");
        var page = session.Page;
        var card = CardFiles.Front(SyntheticIdentities.CreatePerson(new Random(6701)));

        await TabToAsync(page, "file-input");
        Assert.AreEqual("solid", await page.EvaluateAsync<string>("() => getComputedStyle(document.querySelector('label[for=file-input]')).outlineStyle"),
            "the focused file input shows no focus ring on its button");
        var chooser = await OpenFileChooserWithEnterAsync(page);
        await chooser.SetFilesAsync(card);
        await TabToAsync(page, "submit-button");
        Assert.AreEqual("solid", await page.EvaluateAsync<string>("() => getComputedStyle(document.activeElement).outlineStyle"));
        await page.Keyboard.PressAsync("Enter");
        await session.ExpectStateAsync("waiting");
        await s_app.DrainOnceAsync();
        await session.ExpectStateAsync("Completed");
        await Expect(page.Locator("#result-heading")).ToBeFocusedAsync();
        await TabToAsync(page, "add-patient-button");
        await page.Keyboard.PressAsync("Enter");
        await session.ExpectFreePlacesAsync(4);

        await TabToAsync(page, "roster-list", within: true);
        await page.Keyboard.PressAsync("Enter");
        await Expect(page.Locator("#remove-dialog")).ToBeVisibleAsync();
        await Expect(page.Locator("#remove-cancel")).ToBeFocusedAsync();
        await page.Keyboard.PressAsync("Escape");
        await Expect(page.Locator("#remove-dialog")).ToBeHiddenAsync();
        await session.ExpectFreePlacesAsync(4);
    }

    [TestMethod]
    public async Task Every_control_has_a_label_and_the_page_has_no_inline_code_or_styles()
    {
        await using var session = await PageSession.OpenAsync(s_chromium, s_app.BaseAddress, Chromium.Desktop, principalId: "labels");

        var unlabelled = await session.Page.EvaluateAsync<string[]>("""
            () => [...document.querySelectorAll('input, select, textarea, button, progress')]
              .filter(e => !(e.labels?.length > 0 && [...e.labels].some(l => l.textContent.trim())) && !e.getAttribute('aria-label') && !e.textContent.trim())
              .map(e => e.outerHTML)
            """);
        var inline = await session.Page.EvaluateAsync<string[]>("""
            () => [...document.querySelectorAll('*')]
              .filter(e => [...e.attributes].some(a => a.name.startsWith('on') || a.name === 'style') || (e.tagName === 'SCRIPT' && !e.src) || e.tagName === 'STYLE')
              .map(e => e.outerHTML.slice(0, 120))
            """);

        Assert.IsEmpty(unlabelled, string.Join("\n", unlabelled));
        Assert.IsEmpty(inline, string.Join("\n", inline));
        Assert.AreEqual(1, await session.Page.Locator("progress#upload-progress").CountAsync());
        Assert.AreEqual("polite", await session.Page.Locator("#status-text").GetAttributeAsync("aria-live"));
    }

    /// <summary>Presses Tab until the element with <paramref name="id"/> (or, <paramref name="within"/>, something inside it) has focus.</summary>
    /// <summary>
    /// Enter on the focused file input opens the chooser; on a loaded machine Chromium now and then drops that first
    /// activation, so the key is pressed again (still only the keyboard) before the test gives up.
    /// </summary>
    private static async Task<IFileChooser> OpenFileChooserWithEnterAsync(IPage page)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await page.RunAndWaitForFileChooserAsync(() => page.Keyboard.PressAsync("Enter"), new() { Timeout = 10_000 });
            }
            catch (TimeoutException) when (attempt < 3)
            {
                Assert.AreEqual("file-input", await page.EvaluateAsync<string>("() => document.activeElement?.id"), "focus left the file input");
            }
        }
    }

    private static async Task TabToAsync(IPage page, string id, bool within = false)
    {
        var script = within
            ? $"() => document.getElementById('{id}').contains(document.activeElement)"
            : $"() => document.activeElement?.id === '{id}'";
        for (var i = 0; i < 40; i++)
        {
            await page.Keyboard.PressAsync("Tab");
            if (await page.EvaluateAsync<bool>(script))
            {
                return;
            }
        }

        Assert.Fail($"Tab never reached #{id}");
    }

    /// <summary>Verifies the fronts of <paramref name="people"/> through the API, as the app's test account; returns the verification ids.</summary>
    private static async Task<string[]> VerifyThroughApiAsync(SyntheticPerson[] people)
    {
        var statusUris = new List<string>();
        foreach (var person in people)
        {
            using var response = await s_app.SubmitAsync(SyntheticCardImages.RenderFront(person));
            Assert.AreEqual(System.Net.HttpStatusCode.Accepted, response.StatusCode);
            statusUris.Add(response.Headers.Location!.ToString());
        }

        var ids = new List<string>();
        foreach (var statusUri in statusUris)
        {
            await s_app.DrainOnceAsync();
            var status = await s_app.WaitForTerminalAsync(statusUri);
            Assert.AreEqual("Completed", status.GetProperty("runtimeStatus").GetString());
            ids.Add(status.GetProperty("id").GetString()!);
        }

        return [.. ids];
    }

    /// <summary>Chooses the card, uploads it, runs the drain and waits for the page to show the result.</summary>
    private static async Task VerifyAsync(PageSession session, string cardPath)
    {
        await session.ChooseFileAsync(cardPath);
        await session.SubmitAsync();
        await session.ExpectStateAsync("waiting");
        await s_app.DrainOnceAsync();
        await session.ExpectStateAsync("Completed");
        await Expect(session.Page.Locator("#result-section")).ToBeVisibleAsync();
    }
}
