using Microsoft.Playwright;
using Shiming.BaiduEmulator;
using Shiming.Tests.Infrastructure;
using static Microsoft.Playwright.Assertions;

namespace Shiming.Tests.Web;

/// <summary>The page against the app as it runs for real: the drain on its one-second schedule, nobody helping.</summary>
[TestClass]
public sealed class WebPageLiveTests
{
    private static ShimingTestApp s_app = null!;
    private static Chromium s_chromium = null!;

    [ClassInitialize]
    public static async Task StartAsync(TestContext _)
    {
        s_app = await ShimingTestApp.GetSharedAsync(SharedApp.TimersRunning);
        s_chromium = await Chromium.GetSharedAsync();
    }

    [TestMethod]
    public async Task The_page_follows_a_job_to_its_result_by_itself_and_then_stops_polling()
    {
        await using var session = await PageSession.OpenAsync(s_chromium, s_app.BaseAddress, Chromium.Phone, principalId: "live");
        var person = SyntheticIdentities.CreatePerson(new Random(6801));

        await VerifyAsync(session, CardFiles.Front(person));

        await Expect(session.Page.Locator("#result-fields")).ToContainTextAsync(person.Name);
        var polls = session.Requests.Count(url => url.Contains("/api/verifications/", StringComparison.Ordinal));
        Assert.IsGreaterThanOrEqualTo(1, polls);
        await Task.Delay(TimeSpan.FromSeconds(2.5));
        Assert.AreEqual(polls, session.Requests.Count(url => url.Contains("/api/verifications/", StringComparison.Ordinal)), "the page polled after the job had finished");
        Assert.IsEmpty(session.Errors, string.Join("\n", session.Errors));
    }

    [TestMethod]
    public async Task The_page_makes_no_request_to_another_origin()
    {
        await using var session = await PageSession.OpenAsync(s_chromium, s_app.BaseAddress, Chromium.Desktop, principalId: "origin-check");
        var page = session.Page;

        await VerifyAsync(session, CardFiles.Front(SyntheticIdentities.CreatePerson(new Random(6201))));
        await page.Locator("#add-patient-button").ClickAsync();
        await session.ExpectFreePlacesAsync(4);
        await page.Locator("#language-toggle").ClickAsync();
        await session.ReloadAsync();

        var origin = s_app.BaseAddress.GetLeftPart(UriPartial.Authority);
        var requests = session.Requests;
        // A blob: URL (the photo's preview) carries the origin that made it.
        var others = requests.Where(url => new Uri(url.StartsWith("blob:", StringComparison.Ordinal) ? url[5..] : url).GetLeftPart(UriPartial.Authority) != origin).ToArray();
        Assert.IsEmpty(others, string.Join("\n", others));
        Assert.IsTrue(requests.Any(u => u.EndsWith("/api/verifications", StringComparison.Ordinal)), "the upload was not seen");
        Assert.IsTrue(requests.Any(u => u.Contains("/api/verifications/", StringComparison.Ordinal)), "no poll was seen");
        Assert.IsTrue(requests.Any(u => u.EndsWith("/api/patients", StringComparison.Ordinal)), "no roster request was seen");
        Assert.IsTrue(requests.Any(u => u.EndsWith("/api/web/styles.css", StringComparison.Ordinal)), "the style sheet was not seen");
        Assert.IsEmpty(session.Errors, string.Join("\n", session.Errors));
    }

    /// <summary>Chooses the card, uploads it and waits for the page to show the result.</summary>
    private static async Task VerifyAsync(PageSession session, string cardPath)
    {
        await session.ChooseFileAsync(cardPath);
        await session.SubmitAsync();
        await session.ExpectStateAsync("Completed");
        await Expect(session.Page.Locator("#result-section")).ToBeVisibleAsync();
    }
}
