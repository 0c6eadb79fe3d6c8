using Shiming.Tests.Infrastructure;
using static Microsoft.Playwright.Assertions;

namespace Shiming.Tests.Web;

/// <summary>The page outside development with nobody signed in: the API answers 401 and the page says what to do.</summary>
[TestClass]
public sealed class WebPageSignedOutTests
{
    private static ShimingTestApp s_app = null!;
    private static Chromium s_chromium = null!;

    [ClassInitialize]
    public static async Task StartAsync(TestContext _)
    {
        s_app = await ShimingTestApp.StartAsync(environment: "Production", runTimers: false);
        s_chromium = await Chromium.GetSharedAsync();
    }

    [ClassCleanup]
    public static async Task StopAsync()
    {
        await s_app.DisposeAsync();
    }

    [TestMethod]
    public async Task Without_a_signed_in_account_the_page_still_loads_and_asks_to_sign_in()
    {
        await using var session = await PageSession.OpenAsync(s_chromium, s_app.BaseAddress, Chromium.Phone, waitForRoster: false);
        var page = session.Page;

        await Expect(page.Locator("#message-detail")).ToHaveTextAsync("请先登录，然后重试。");
        await Expect(page.Locator("#roster-summary")).ToHaveTextAsync("暂时读不到就诊人列表。");
        await Expect(page.Locator("#roster-summary")).Not.ToHaveAttributeAsync("data-free", new System.Text.RegularExpressions.Regex("."));
        await Expect(page.Locator("h1")).ToHaveTextAsync("身份证实名认证 · 就诊人");
    }
}
